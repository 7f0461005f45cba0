using System.Text.Json;
using TalkingBinaries.Workflow.Reporting;

namespace TalkingBinaries.Cli;

/// <summary>What <c>tb report REPORT --html FILE</c> does: draws a JSON report written by <c>tb run --report</c> as an HTML page.</summary>
internal static class ReportCommand
{
    public static int Run(string reportPath, string? htmlPath, bool noColor)
    {
        using var terminal = Terminal.ForConsole(noColor);
        if (htmlPath is null)
        {
            terminal.ErrorLine($"tb: error: say what to write: tb report {reportPath} --html FILE");
            return ExitCodes.UsageOrConfig;
        }

        var fullPath = Path.GetFullPath(reportPath);
        RunReport? report;
        try
        {
            using var stream = File.OpenRead(reportPath);
            report = JsonSerializer.Deserialize(stream, ReportJsonContext.Default.RunReport);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            terminal.ErrorLine($"tb: error: {fullPath}: no such file; pass a report written by tb run --report FILE");
            return ExitCodes.UsageOrConfig;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            terminal.ErrorLine($"tb: error: cannot read {fullPath}: {exception.Message}");
            return ExitCodes.UsageOrConfig;
        }
        catch (JsonException exception)
        {
            // JsonException counts lines from 0; people and editors count from 1.
            var line = (exception.LineNumber ?? 0) + 1;
            terminal.ErrorLine($"tb: error: {fullPath}:{line}: not a report of tb run --report ({FirstSentence(exception.Message)}); pass the file tb run --report FILE wrote");
            return ExitCodes.UsageOrConfig;
        }

        if (report is null)
        {
            terminal.ErrorLine($"tb: error: {fullPath}:1: not a report of tb run --report (it is null); pass the file tb run --report FILE wrote");
            return ExitCodes.UsageOrConfig;
        }

        if (TimelineFile.TryWrite(htmlPath, report, logs: null) is { } problem)
        {
            terminal.ErrorLine($"tb: error: cannot write the page to {Path.GetFullPath(htmlPath)}: {problem}; fix --html");
            return ExitCodes.UsageOrConfig;
        }

        terminal.Line($"tb: wrote {Path.GetFullPath(htmlPath)}");
        return ExitCodes.Success;
    }

    // System.Text.Json's messages go on with "Path: ... | LineNumber: ..." that the line number above already says.
    private static string FirstSentence(string message) => message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0].TrimEnd('.', ' ');
}
