using TalkingBinaries.Hosting;
using TalkingBinaries.Protocol.Messages;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Reporting;

namespace TalkingBinaries.Cli;

/// <summary>The lines tb shows of a run, as text: one formatting for every console view (prefixed, grouped).</summary>
/// <remarks>Thread-safe once <see cref="Starting"/> has been called: the rest only reads what it learnt there.</remarks>
internal sealed class RunLines(Terminal terminal, bool verbose)
{
    private readonly Dictionary<string, int> _stepIndex = new(StringComparer.Ordinal);
    private readonly HashSet<string> _seedPlugins = new(StringComparer.Ordinal);

    public string Warning(string message) => $"tb: {terminal.Yellow("warning")}: {message}";

    /// <summary>The run's first line; learns the steps' colours and which plugins speak the seed format.</summary>
    public string Starting(DevFile devFile, IReadOnlyList<string> steps, string runId)
    {
        for (var i = 0; i < devFile.Steps.Count; i++)
        {
            _stepIndex[devFile.Steps[i].Name] = i;
        }

        _seedPlugins.UnionWith(devFile.Plugins.Where(plugin => plugin.Protocol == PluginProtocol.Seed).Select(plugin => plugin.Ref));
        return terminal.Dim($"tb: running {devFile.Path} ({ConsoleReporter.Count(steps.Count, "step")}, run {runId})");
    }

    public string StepStarting(StepDefinition step) => $"{Prefix(step)} {terminal.Dim($"started (plugin {step.Plugin})")}";

    /// <summary>A step's log line; null when it is not shown (a debug line without --verbose).</summary>
    public string? StepLog(StepDefinition step, PluginLogEvent line) =>
        Format(line, _seedPlugins.Contains(step.Plugin)) is { } text ? $"{Prefix(step)} {text}" : null;

    /// <summary>A warm plugin's line about no single step; null when it is not shown.</summary>
    public string? PluginLog(string plugin, PluginLogEvent line) =>
        Format(line, _seedPlugins.Contains(plugin)) is { } text ? $"{terminal.Dim($"[plugin {plugin}]")} {text}" : null;

    public string StepProgress(StepDefinition step, PluginProgressEvent progress)
    {
        var fraction = progress.Fraction is { } value ? $"{value * 100:0}% " : string.Empty;
        return $"{Prefix(step)} {terminal.Dim($"progress: {fraction}{PluginText.Escape(progress.Message ?? string.Empty)}")}";
    }

    /// <summary>A failed attempt of a step with retry: "attempt 1 of 3 failed (exit code 1): ...; retrying in 1s".</summary>
    public string StepRetrying(StepDefinition step, StepAttempt attempt, TimeSpan delay)
    {
        var exit = attempt switch
        {
            { Signal: { } signal } => $" (killed by signal {signal} ({ExitStatus.SignalName(signal)}))",
            { ExitCode: { } code } => $" (exit code {code})",
            _ => string.Empty,
        };
        var error = PluginText.Escape(attempt.Error ?? string.Empty);
        var wait = delay > TimeSpan.Zero ? $"retrying in {Durations.Format(delay)}" : "retrying now";
        return $"{Prefix(step)} {terminal.Yellow($"attempt {attempt.Attempt} of {step.Retry?.Attempts} failed")}{exit}: {error}; {wait}";
    }

    public string StepFinished(StepDefinition step, StepReport report)
    {
        var times = report.BinaryTimeMs is { } binary
            ? $"binary execution time {ConsoleReporter.Ms(binary)}, step execution time {ConsoleReporter.Ms(report.StepTimeMs ?? 0)}"
            : $"step execution time {ConsoleReporter.Ms(report.StepTimeMs ?? 0)}";
        var error = PluginText.Escape(report.Error ?? string.Empty);
        var line = report.Status switch
        {
            StepStatus.Succeeded => $"{terminal.Green("succeeded")} ({times})",
            StepStatus.Skipped => $"{terminal.Yellow("skipped")}: {error}",
            StepStatus.UpToDate => terminal.Green("up to date"),
            StepStatus.Cancelled => $"{terminal.Yellow("cancelled")} ({times}): {error}",
            _ => $"{terminal.Red("failed")} ({times}{Exit(report)}): {error}",
        };
        return $"{Prefix(step)} {line}";
    }

    /// <summary>The end of the run: a blank line, the summary table and the verdict.</summary>
    public List<string> RunFinished(RunReport report)
    {
        var block = new List<string> { string.Empty };
        block.AddRange(SummaryTable.Format(report));

        var counts = Counts(report);
        var verdict = report.Status switch
        {
            RunStatus.Succeeded => terminal.Green("run succeeded"),
            RunStatus.Cancelled => terminal.Yellow("run interrupted"),
            RunStatus.TimedOut => terminal.Red("run timed out"),
            _ => terminal.Red("run failed"),
        };
        var cause = report.FailedFirst is { } failed ? $" (step '{failed}' failed first)" : string.Empty;
        block.Add($"{verdict}{cause}: {counts} in {ConsoleReporter.Ms(report.DurationMs)}");
        return block;
    }

    /// <summary>How many steps ended each way: "2 succeeded, 0 failed, 0 skipped, 0 cancelled", and "N up to date" when there are any.</summary>
    public static string Counts(RunReport report) => string.Join(", ", Enum.GetValues<StepStatus>()
        .Select(status => (Status: status, Count: report.Steps.Count(step => step.Status == status)))
        .Where(count => count.Status != StepStatus.UpToDate || count.Count > 0)
        .Select(count => $"{count.Count} {Name(count.Status)}"));

    /// <summary>A step status as the summary says it: "succeeded", "up to date".</summary>
    public static string Name(StepStatus status) => status == StepStatus.UpToDate ? "up to date" : status.ToString().ToLowerInvariant();

    /// <summary>How a step's process ended, as said after its times: the signal or exit code, if any.</summary>
    public static string Exit(StepReport report) => report switch
    {
        { Signal: { } signal } => $", killed by signal {signal} ({ExitStatus.SignalName(signal)})",
        { ExitCode: { } code } => $", exit code {code}",
        _ => string.Empty,
    };

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

    public string Prefix(StepDefinition step) => terminal.Step(step.Name, _stepIndex.GetValueOrDefault(step.Name));
}
