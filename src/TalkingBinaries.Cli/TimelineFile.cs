using System.Text;
using TalkingBinaries.Workflow.Reporting;

namespace TalkingBinaries.Cli;

/// <summary>The HTML page of <c>tb run --report-html FILE</c> and <c>tb report --html FILE</c> (docs/devfile.md, "HTML timeline").</summary>
internal static class TimelineFile
{
    /// <summary>Writes the page; null when it is written, else why not (a partial file is removed).</summary>
    public static string? TryWrite(string path, RunReport report, IReadOnlyDictionary<string, StepLogs>? logs)
    {
        try
        {
            using (var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)))
            {
                HtmlTimeline.Write(writer, report, logs);
            }

            return null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            try
            {
                File.Delete(path);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // The message below says the page was not written either way.
            }

            return exception.Message;
        }
    }
}
