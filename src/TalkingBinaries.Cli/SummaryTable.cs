using System.Globalization;
using TalkingBinaries.Hosting;
using TalkingBinaries.Workflow.Reporting;

namespace TalkingBinaries.Cli;

/// <summary>The end-of-run table: one row per step with status, exit and both timings.</summary>
internal static class SummaryTable
{
    public static IEnumerable<string> Format(RunReport report)
    {
        string[] header = ["STEP", "PLUGIN", "STATUS", "EXIT", "START", "BINARY TIME", "STEP TIME"];
        var rows = report.Steps.Select(step => new[]
        {
            step.Name,
            step.Plugin,
            step.Status == StepStatus.UpToDate ? "up-to-date" : step.Status.ToString().ToLowerInvariant(),
            step.Signal is { } signal ? ExitStatus.SignalName(signal) : step.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "-",
            step.StartedAt is { } started ? "+" + ConsoleReporter.Ms((started - report.StartedAt).TotalMilliseconds) : "-",
            step.BinaryTimeMs is { } binary ? ConsoleReporter.Ms(binary) : "-",
            step.StepTimeMs is { } total ? ConsoleReporter.Ms(total) : "-",
        }).ToList();
        var widths = Enumerable.Range(0, header.Length)
            .Select(column => rows.Select(row => row[column].Length).Append(header[column].Length).Max())
            .ToArray();
        return rows.Prepend(header).Select(row => string.Join("  ", row.Select((cell, column) => column >= 4 ? cell.PadLeft(widths[column]) : cell.PadRight(widths[column]))).TrimEnd());
    }
}
