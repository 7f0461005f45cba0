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
    private readonly HashSet<string> _seedPlugins = new(StringComparer.Ordinal);

    public override void Warning(string message) => terminal.ErrorLine($"tb: {terminal.Yellow("warning")}: {message}");

    public override void RunStarting(DevFile devFile, IReadOnlyList<string> steps, string runId)
    {
        for (var i = 0; i < devFile.Steps.Count; i++)
        {
            _stepIndex[devFile.Steps[i].Name] = i;
        }

        _seedPlugins.UnionWith(devFile.Plugins.Where(plugin => plugin.Protocol == PluginProtocol.Seed).Select(plugin => plugin.Ref));
        terminal.Line(terminal.Dim($"tb: running {devFile.Path} ({Count(steps.Count, "step")}, run {runId})"));
    }

    internal static string Count(int count, string noun) => $"{count} {noun}{(count == 1 ? string.Empty : "s")}";

    public override void StepStarting(StepDefinition step) =>
        terminal.Line($"{Prefix(step)} {terminal.Dim($"started (plugin {step.Plugin})")}");

    public override void StepLog(StepDefinition step, PluginLogEvent line)
    {
        if (Format(line, _seedPlugins.Contains(step.Plugin)) is { } text)
        {
            terminal.Line($"{Prefix(step)} {text}");
        }
    }

    /// <summary>A log line as shown after its prefix, control characters escaped; null for a debug line without --verbose.</summary>
    private string? Format(PluginLogEvent line, bool seed)
    {
        var text = PluginText.Escape(line.Text);
        return (line.Source, line.Level) switch
        {
            // A seed plugin answers on stdout: what is there but no answer (a warning before it says so) is its output, not a misplaced log line.
            (PluginLogSource.StrayStdout, _) when seed => terminal.Dim("stdout: ") + text,
            (PluginLogSource.StrayStdout, _) => terminal.Yellow("warning: stray stdout (plugins log to stderr): ") + text,
            (_, LogLevels.Debug) when !verbose => null,
            (_, LogLevels.Debug) => terminal.Dim(text),
            (_, LogLevels.Warn) => terminal.Yellow("warning: ") + text,
            (_, LogLevels.Error) => terminal.Red("error: ") + text,
            _ => text,
        };
    }

    public override void PluginLog(string plugin, PluginLogEvent line)
    {
        if (Format(line, _seedPlugins.Contains(plugin)) is { } text)
        {
            terminal.Line($"{terminal.Dim($"[plugin {plugin}]")} {text}");
        }
    }

    public override void StepProgress(StepDefinition step, PluginProgressEvent progress)
    {
        var fraction = progress.Fraction is { } value ? $"{value * 100:0}% " : string.Empty;
        terminal.Line($"{Prefix(step)} {terminal.Dim($"progress: {fraction}{PluginText.Escape(progress.Message ?? string.Empty)}")}");
    }

    public override void StepFinished(StepDefinition step, StepReport report)
    {
        var times = report.BinaryTimeMs is { } binary
            ? $"binary execution time {Ms(binary)}, step execution time {Ms(report.StepTimeMs ?? 0)}"
            : $"step execution time {Ms(report.StepTimeMs ?? 0)}";
        var error = PluginText.Escape(report.Error ?? string.Empty);
        var line = report.Status switch
        {
            StepStatus.Succeeded => $"{terminal.Green("succeeded")} ({times})",
            StepStatus.Skipped => $"{terminal.Yellow("skipped")}: {error}",
            StepStatus.Cancelled => $"{terminal.Yellow("cancelled")} ({times}): {error}",
            _ => $"{terminal.Red("failed")} ({times}{Exit(report)}): {error}",
        };
        terminal.Line($"{Prefix(step)} {line}");
    }

    public override void RunFinished(RunReport report)
    {
        var block = new List<string> { string.Empty };
        block.AddRange(SummaryTable.Format(report));

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
        block.Add($"{verdict}{cause}: {counts} in {Ms(report.DurationMs)}");

        // One block: every plugin has stopped and been drained before RunFinished, and nothing splits the table.
        terminal.Lines(block);
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
