using TalkingBinaries.Hosting;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Reporting;
using TalkingBinaries.Workflow.Running;

namespace TalkingBinaries.Cli;

/// <summary>Shows a run as plain prefixed lines, live, then a summary table.</summary>
internal sealed class ConsoleReporter(Terminal terminal, bool verbose) : RunObserver
{
    private readonly RunLines _lines = new(terminal, verbose);

    public override void Warning(string message) => terminal.ErrorLine($"tb: {terminal.Yellow("warning")}: {message}");

    public override void RunStarting(DevFile devFile, IReadOnlyList<string> steps, string runId) =>
        terminal.Line(_lines.Starting(devFile, steps, runId));

    internal static string Count(int count, string noun) => RunLines.Count(count, noun);

    public override void StepStarting(StepDefinition step) => terminal.Line(_lines.Started(step));

    public override void StepLog(StepDefinition step, PluginLogEvent line)
    {
        if (_lines.Log(step, line) is { } text)
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

    public override void StepProgress(StepDefinition step, PluginProgressEvent progress) => terminal.Line(_lines.Progress(step, progress));

    public override void StepFinished(StepDefinition step, StepReport report) => terminal.Line(_lines.Finished(step, report));

    // One block: every plugin has stopped and been drained before RunFinished, and nothing splits the table.
    public override void RunFinished(RunReport report) => terminal.Lines(_lines.Summary(report));

    internal static string Ms(double milliseconds) => RunLines.Ms(milliseconds);
}
