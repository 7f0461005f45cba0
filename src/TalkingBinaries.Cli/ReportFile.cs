using System.Text.Json;
using TalkingBinaries.Workflow.Reporting;

namespace TalkingBinaries.Cli;

/// <summary>The JSON report of <c>tb run --report FILE</c>: checked before the run, written after it.</summary>
internal static class ReportFile
{
    /// <summary>Whether <paramref name="path"/> can be created or overwritten; leaves no new file behind.</summary>
    public static bool CanWrite(string path, out string problem)
    {
        problem = string.Empty;
        var existed = File.Exists(path);
        try
        {
            using (new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write))
            {
            }

            if (!existed)
            {
                File.Delete(path);
            }

            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            problem = exception.Message;
            return false;
        }
    }

    /// <summary>Writes the report; null when it is written, else why not (a partial file is removed).</summary>
    public static string? TryWrite(string path, RunReport report)
    {
        try
        {
            using (var stream = File.Create(path))
            {
                JsonSerializer.Serialize(stream, report, ReportJsonContext.Default.RunReport);
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
                // The message below says the report was not written either way.
            }

            return exception.Message;
        }
    }
}
