using System.Globalization;
using TalkingBinaries.Hosting;
using TalkingBinaries.Protocol.Messages;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Reporting;
using TalkingBinaries.Workflow.Running;

namespace TalkingBinaries.Cli;

/// <summary>Shows a run as plain prefixed lines, live, then a summary table.</summary>
internal sealed class ConsoleReporter(Terminal terminal, bool verbose) : RunObserver
{
    private readonly Dictionary<string, int> _stepIndex = new(StringComparer.Ordinal);

    public override void RunStarting(DevFile devFile, string runId)
    {
        for (var i = 0; i < devFile.Steps.Count; i++)
        {
            _stepIndex[devFile.Steps[i].Name] = i;
        }

        terminal.Line(terminal.Dim($"tb: running {devFile.Path} ({devFile.Steps.Count} steps, run {runId})"));
    }

    public override void StepStarting(StepDefinition step) =>
        terminal.Line($"{Prefix(step)} {terminal.Dim($"started (plugin {step.Plugin})")}");

    public override void StepLog(StepDefinition step, PluginLogEvent line)
    {
        if (Format(line) is { } text)
        {
            terminal.Line($"{Prefix(step)} {text}");
        }
    }

    /// <summary>A log line as shown after its prefix; null for a debug line without --verbose.</summary>
    private string? Format(PluginLogEvent line) => (line.Source, line.Level) switch
    {
        (PluginLogSource.StrayStdout, _) => terminal.Yellow("warning: stray stdout (plugins log to stderr): ") + line.Text,
        (_, LogLevels.Debug) when !verbose => null,
        (_, LogLevels.Debug) => terminal.Dim(line.Text),
        (_, LogLevels.Warn) => terminal.Yellow("warning: ") + line.Text,
        (_, LogLevels.Error) => terminal.Red("error: ") + line.Text,
        _ => line.Text,
    };

    public override void PluginLog(string plugin, PluginLogEvent line)
    {
        if (Format(line) is { } text)
        {
            terminal.Line($"{terminal.Dim($"[plugin {plugin}]")} {text}");
        }
    }

    public override void StepProgress(StepDefinition step, PluginProgressEvent progress)
    {
        var fraction = progress.Fraction is { } value ? $"{value * 100:0}% " : string.Empty;
        terminal.Line($"{Prefix(step)} {terminal.Dim($"progress: {fraction}{progress.Message}")}");
    }

    public override void StepFinished(StepDefinition step, StepReport report)
    {
        var times = report.BinaryTimeMs is { } binary
            ? $"binary execution time {Ms(binary)}, step execution time {Ms(report.StepTimeMs ?? 0)}"
            : $"step execution time {Ms(report.StepTimeMs ?? 0)}";
        var line = report.Status switch
        {
            StepStatus.Succeeded => $"{terminal.Green("succeeded")} ({times})",
            StepStatus.Skipped => $"{terminal.Yellow("skipped")}: {report.Error}",
            StepStatus.Cancelled => $"{terminal.Yellow("cancelled")} ({times}): {report.Error}",
            _ => $"{terminal.Red("failed")} ({times}{Exit(report)}): {report.Error}",
        };
        terminal.Line($"{Prefix(step)} {line}");
    }

    public override void RunFinished(RunReport report)
    {
        terminal.Line(string.Empty);
        foreach (var row in SummaryTable.Format(report))
        {
            terminal.Line(row);
        }

        var counts = string.Join(", ", Enum.GetValues<StepStatus>().Select(status =>
            $"{report.Steps.Count(step => step.Status == status)} {status.ToString().ToLowerInvariant()}"));
        var verdict = report.Status switch
        {
            RunStatus.Succeeded => terminal.Green("run succeeded"),
            RunStatus.Cancelled => terminal.Yellow("run interrupted"),
            RunStatus.TimedOut => terminal.Red("run timed out"),
            _ => terminal.Red("run failed"),
        };
        var cause = report.FailedFirst is { } failed ? $" (step '{failed}' failed first)" : string.Empty;
        terminal.Line($"{verdict}{cause}: {counts} in {Ms(report.DurationMs)}");
    }

    internal static string Ms(double milliseconds) => milliseconds < 1000
        ? milliseconds.ToString("0.00", CultureInfo.InvariantCulture) + " ms"
        : (milliseconds / 1000).ToString("0.000", CultureInfo.InvariantCulture) + " s";

    private static string Exit(StepReport report) => report switch
    {
        { Signal: { } signal } => $", killed by signal {signal} ({ExitStatus.SignalName(signal)})",
        { ExitCode: { } code } => $", exit code {code}",
        _ => string.Empty,
    };

    private string Prefix(StepDefinition step) => terminal.Step(step.Name, _stepIndex.GetValueOrDefault(step.Name));
}
