using System.Globalization;
using TalkingBinaries.Hosting;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Reporting;
using TalkingBinaries.Workflow.Running;

namespace TalkingBinaries.Cli;

/// <summary>Shows a run as plain prefixed lines, live, then a summary table.</summary>
internal sealed class ConsoleReporter(Terminal terminal, bool verbose) : RunObserver
{
    private readonly RunLines _lines = new(terminal, verbose);

    public override void Warning(string message) => terminal.ErrorLine(_lines.Warning(message));

    public override void RunStarting(DevFile devFile, IReadOnlyList<string> steps, string runId) =>
        terminal.Line(_lines.Starting(devFile, steps, runId));

    internal static string Count(int count, string noun) => $"{count} {noun}{(count == 1 ? string.Empty : "s")}";

    public override void StepStarting(StepDefinition step) => terminal.Line(_lines.StepStarting(step));

    public override void StepLog(StepDefinition step, PluginLogEvent line)
    {
        if (_lines.StepLog(step, line) is { } text)
        {
            terminal.Line(text);
        }
    }

    public override void PluginLog(string plugin, PluginLogEvent line)
    {
        if (_lines.PluginLog(plugin, line) is { } text)
        {
            terminal.Line(text);
        }
    }

    public override void StepProgress(StepDefinition step, PluginProgressEvent progress) => terminal.Line(_lines.StepProgress(step, progress));

    public override void StepRetrying(StepDefinition step, StepAttempt attempt, TimeSpan delay) => terminal.Line(_lines.StepRetrying(step, attempt, delay));

    public override void StepFinished(StepDefinition step, StepReport report) => terminal.Line(_lines.StepFinished(step, report));

    // One block: every plugin has stopped and been drained before RunFinished, and nothing splits the table.
    public override void RunFinished(RunReport report) => terminal.Lines(_lines.RunFinished(report));

    internal static string Ms(double milliseconds) => milliseconds < 1000
        ? milliseconds.ToString("0.00", CultureInfo.InvariantCulture) + " ms"
        : (milliseconds / 1000).ToString("0.000", CultureInfo.InvariantCulture) + " s";
}
