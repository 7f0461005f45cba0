using System.Diagnostics;
using System.Text.Json;
using TalkingBinaries.Hosting;
using TalkingBinaries.Protocol;
using TalkingBinaries.Protocol.Messages;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Expressions;
using TalkingBinaries.Workflow.Reporting;

namespace TalkingBinaries.Workflow.Running;

public sealed partial class WorkflowRunner
{
    private async Task<StepReport> RunStepAsync(string runId, StepDefinition step, RunState run, ExpressionStatus status)
    {
        var plugin = _devFile.Plugin(step.Plugin);
        var executable = _executables[plugin.Ref];
        JsonElement config;
        TimeSpan? timeout;
        try
        {
            config = _expressions.Config(step, status);
            timeout = _expressions.Timeout(step, status);
        }
        catch (StepSetupException exception)
        {
            return SetupFailed(step, exception);
        }

        var (parallel, instance) = PlaceInRun(step, executable);

        // A step that runs because of its condition after the run began to stop is not stopped by that.
        using var timedOut = new CancellationTokenSource(timeout ?? Timeout.InfiniteTimeSpan);
        var stop = run.Stop.IsCancellationRequested ? _options.Force : run.Stop;
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(stop, timedOut.Token);

        _intervals[step.Name] = (DateTimeOffset.UtcNow, null);
        _observer.StepStarting(step);
        try
        {
            var report = plugin.Protocol == PluginProtocol.Seed
                ? await RunSeedStepAsync(step, StartInfo(plugin, executable, pluginEvent => Relay(step, pluginEvent)), config, parallel.Enabled, cancellation.Token).ConfigureAwait(false)
                : await RunV1StepAsync(runId, step, _pools[plugin.Ref], config, parallel, cancellation.Token).ConfigureAwait(false);
            if (_conflicts.TryGetValue(step.Name, out var conflict) && report.Status != StepStatus.Cancelled)
            {
                return report with { Status = StepStatus.Failed, Error = conflict };
            }

            if (report.Status != StepStatus.Cancelled || !cancellation.IsCancellationRequested)
            {
                return report;
            }

            // Stopped by us: say why. Its own timeout is a failure of the step; anything else stopped it from outside.
            return timedOut.IsCancellationRequested && !stop.IsCancellationRequested
                ? report with { Status = StepStatus.Failed, Error = $"timed out after {Durations.Format(timeout!.Value)}; {report.Error}" }
                : report with { Error = $"{run.Reason}; {report.Error}" };
        }
        finally
        {
            _intervals[step.Name] = (_intervals[step.Name].Started, DateTimeOffset.UtcNow);
            _instances.Release(executable, instance);
        }
    }

    /// <summary>Where the step runs among others: its wave, its siblings, and its instance of the plugin binary.</summary>
    private (ParallelInfo Info, int Instance) PlaceInRun(StepDefinition step, string executable)
    {
        var wave = _graph.Waves[step.Name];
        var members = _graph.WaveMembers[wave].Where(_selectedSet.Contains).ToList();
        var samePlugin = members.Where(name => _executables[_devFile.Step(name).Plugin] == executable).ToList();
        var instance = _instances.Take(executable, samePlugin.IndexOf(step.Name));
        var siblings = members.Where(name => name != step.Name).ToList();
        var info = new ParallelInfo
        {
            Enabled = siblings.Count > 0 && MaxParallel > 1,
            Group = wave,
            Instance = instance,
            Instances = Math.Max(samePlugin.Count, instance + 1),
            Siblings = siblings,
        };
        return (info, instance);
    }

    private PluginStartInfo StartInfo(PluginDefinition plugin, string executable, Action<PluginEvent> onEvent) => new()
    {
        ExecutablePath = executable,
        DisplayName = plugin.Ref,
        WorkingDirectory = _devFile.Directory,
        HandshakeTimeout = _options.HandshakeTimeout,
        DrainTimeout = _options.DrainTimeout,
        CancelTimeout = _options.Stop.Grace / 2,
        OnEvent = onEvent,
        OnRequest = AnswerPluginAsync,

        // The runner never blocks while it handles an answer: it runs on up to its next await, which yields.
        ResumeOnReaderThread = true,
    };

    private async Task<StepReport> RunV1StepAsync(string runId, StepDefinition step, PluginPool pool, JsonElement config, ParallelInfo parallel, CancellationToken cancellationToken)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var request = new StepRunParams { RunId = runId, StepId = step.Name, Step = step.Name, Config = config, Parallel = parallel, Variables = _variables.Snapshot() };
        StepReport Report(StepStatus status, string? error, PoolStepResult? outcome = null, PluginException? failure = null) => new()
        {
            Name = step.Name,
            Plugin = step.Plugin,
            Status = status,
            ExitCode = (outcome?.Exit ?? failure?.ExitStatus)?.Code,
            Signal = (outcome?.Exit ?? failure?.ExitStatus)?.Signal,
            Pid = outcome?.Pid ?? failure?.Pid,
            StartedAt = startedAt,
            FinishedAt = DateTimeOffset.UtcNow,
            BinaryTimeMs = outcome is not null ? Milliseconds(outcome.BinaryTime) : failure?.BinaryTime is { } binary ? Milliseconds(binary) : null,
            StepTimeMs = Milliseconds(clock.Elapsed),
            Outputs = outcome?.Result?.Outputs ?? new Dictionary<string, JsonElement>(),
            Error = error,
        };

        PoolStepResult outcome;
        try
        {
            outcome = await pool.RunStepAsync(request, cancellationToken, _options.Force).ConfigureAwait(false);
        }
        catch (Exception exception) when (cancellationToken.IsCancellationRequested && exception is OperationCanceledException or PluginException)
        {
            // Stopped by us before or while starting: a plugin that dies on the way out was still stopped, not failed.
            var failure = exception as PluginException;
            return Report(StepStatus.Cancelled, failure?.Message ?? $"plugin '{pool.Name}' was stopped before it started the step", failure: failure);
        }
        catch (PluginException exception)
        {
            return Report(StepStatus.Failed, exception.Message, failure: exception);
        }

        var ended = outcome.Exit is { } exit ? $"plugin '{pool.Name}' (pid {outcome.Pid}) ended with {exit}" : null;
        if (outcome.Result is not { } result)
        {
            return Report(StepStatus.Cancelled, ended ?? $"plugin '{pool.Name}' (pid {outcome.Pid}) did not answer", outcome);
        }

        if (result.Status == StepResultStatus.Succeeded && outcome.Exit is { Succeeded: false } badExit)
        {
            Relay(step, new PluginLogEvent(pool.Name, outcome.Pid, step.Name, DateTimeOffset.UtcNow, PluginLogSource.Host, LogLevels.Warn, $"the plugin answered, then ended with {badExit}"));
        }

        return result.Status switch
        {
            StepResultStatus.Succeeded => Report(StepStatus.Succeeded, null, outcome),
            StepResultStatus.Cancelled when cancellationToken.IsCancellationRequested =>
                Report(StepStatus.Cancelled, ended is null ? "the plugin stopped the step" : $"the plugin stopped the step; {ended}", outcome),

            // A plugin that cancels a step nobody asked it to cancel has failed it.
            StepResultStatus.Cancelled => Report(StepStatus.Failed, $"the plugin cancelled the step on its own: {result.Error?.Message ?? "no reason given"} (plugin '{pool.Name}', pid {outcome.Pid})", outcome),
            _ => Report(StepStatus.Failed, DescribeFailure(pool.Name, outcome.Pid, result.Error), outcome),
        };
    }

    private static string DescribeFailure(string plugin, int pid, StepError? error)
    {
        var message = error?.Message ?? "the plugin reported a failure without a message";
        var code = error?.Code is { } value ? $" [{value}]" : string.Empty;
        return $"{message}{code} (plugin '{plugin}', pid {pid})";
    }

    private async Task<StepReport> RunSeedStepAsync(StepDefinition step, PluginStartInfo info, JsonElement config, bool parallel, CancellationToken cancellationToken)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        SeedStepResult result;
        try
        {
            result = await SeedPlugin.RunAsync(info, config, _options.Stop, parallel, cancellationToken, _options.Force).ConfigureAwait(false);
        }
        catch (PluginException exception)
        {
            return new StepReport { Name = step.Name, Plugin = step.Plugin, Status = StepStatus.Failed, StartedAt = startedAt, FinishedAt = DateTimeOffset.UtcNow, StepTimeMs = Milliseconds(clock.Elapsed), Error = exception.Message };
        }

        void Say(PluginLogSource source, string level, string text)
        {
            foreach (var line in text.TrimEnd('\n').Split('\n'))
            {
                Relay(step, new PluginLogEvent(info.DisplayName, result.Pid, step.Name, DateTimeOffset.UtcNow, source, level, line.TrimEnd('\r')));
            }
        }

        var outputs = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (result.Output is { } output)
        {
            if (output.PluginLogs.Length > 0)
            {
                Say(PluginLogSource.Stderr, LogLevels.Info, output.PluginLogs);
            }

            foreach (var text in output.UserOutput)
            {
                Say(PluginLogSource.Protocol, LogLevels.Info, text);
            }

            foreach (var text in output.Errors)
            {
                Say(PluginLogSource.Protocol, LogLevels.Warn, text);
            }

            outputs["userOutput"] = JsonSerializer.SerializeToElement(output.UserOutput, SeedReportJsonContext.Default.IReadOnlyListString);
            outputs["errors"] = JsonSerializer.SerializeToElement(output.Errors, SeedReportJsonContext.Default.IReadOnlyListString);
        }
        else if (result.RawStdout.Length > 0)
        {
            Say(PluginLogSource.Host, LogLevels.Warn, $"plugin '{info.DisplayName}' speaks the seed format but {result.Problem}; its stdout follows as text");
            Say(PluginLogSource.StrayStdout, LogLevels.Info, result.RawStdout);
            outputs["stdout"] = JsonSerializer.SerializeToElement(result.RawStdout, ProtocolJsonContext.Default.String);
        }

        var status = cancellationToken.IsCancellationRequested ? StepStatus.Cancelled
            : result.ExitStatus.Succeeded ? StepStatus.Succeeded : StepStatus.Failed;
        var error = status switch
        {
            StepStatus.Succeeded => null,
            StepStatus.Cancelled => $"plugin '{info.DisplayName}' (pid {result.Pid}) ended with {result.ExitStatus}",
            _ => $"plugin '{info.DisplayName}' (pid {result.Pid}) ended with {result.ExitStatus}",
        };
        return new StepReport
        {
            Name = step.Name,
            Plugin = step.Plugin,
            Status = status,
            ExitCode = result.ExitStatus.Code,
            Signal = result.ExitStatus.Signal,
            Pid = result.Pid,
            StartedAt = startedAt,
            FinishedAt = DateTimeOffset.UtcNow,
            BinaryTimeMs = Milliseconds(result.BinaryTime),
            StepTimeMs = Milliseconds(clock.Elapsed),
            Outputs = outputs,
            Error = error,
        };
    }
}
