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
            var info = new PluginStartInfo
            {
                ExecutablePath = executable,
                DisplayName = plugin.Ref,
                WorkingDirectory = _devFile.Directory,
                HandshakeTimeout = _options.HandshakeTimeout,
                DrainTimeout = _options.DrainTimeout,
                CancelTimeout = _options.Stop.Grace / 2,
                OnEvent = pluginEvent => Relay(step, pluginEvent),
            };
            var report = plugin.Protocol == PluginProtocol.Seed
                ? await RunSeedStepAsync(step, info, config, parallel.Enabled, cancellation.Token).ConfigureAwait(false)
                : await RunV1StepAsync(runId, step, info, config, parallel, cancellation.Token).ConfigureAwait(false);
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
        var members = _graph.WaveMembers[wave].Where(_selected.Contains).ToList();
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

    private async Task<StepReport> RunV1StepAsync(string runId, StepDefinition step, PluginStartInfo info, JsonElement config, ParallelInfo parallel, CancellationToken cancellationToken)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        PluginProcess process;
        try
        {
            process = PluginProcess.Start(info);
        }
        catch (PluginException exception)
        {
            return new StepReport { Name = step.Name, Plugin = step.Plugin, Status = StepStatus.Failed, StartedAt = startedAt, FinishedAt = DateTimeOffset.UtcNow, StepTimeMs = Milliseconds(clock.Elapsed), Error = exception.Message };
        }

        await using (process.ConfigureAwait(false))
        {
            var status = StepStatus.Failed;
            string? error = null;
            IReadOnlyDictionary<string, JsonElement> outputs = new Dictionary<string, JsonElement>();
            try
            {
                await process.InitializeAsync(_options.Host, cancellationToken).ConfigureAwait(false);
                var result = await process.RunStepAsync(
                    new StepRunParams { RunId = runId, StepId = step.Name, Step = step.Name, Config = config, Parallel = parallel, Variables = _variables.Snapshot() },
                    cancellationToken,
                    _options.Force).ConfigureAwait(false);
                outputs = result.Outputs;
                (status, error) = result.Status switch
                {
                    StepResultStatus.Succeeded => (StepStatus.Succeeded, null),
                    StepResultStatus.Cancelled when cancellationToken.IsCancellationRequested => (StepStatus.Cancelled, "the plugin stopped the step"),
                    StepResultStatus.Cancelled => (StepStatus.Cancelled, result.Error?.Message ?? "the plugin cancelled the step"),
                    _ => (StepStatus.Failed, DescribeFailure(process, result.Error)),
                };
            }
            catch (Exception exception) when (cancellationToken.IsCancellationRequested && exception is OperationCanceledException or PluginException)
            {
                // Stopped by us: a plugin that dies or breaks off on the way out was still stopped, not failed.
                status = StepStatus.Cancelled;
            }
            catch (PluginException exception)
            {
                error = exception.Message;
            }

            var exit = await process.StopAsync(_options.Stop, _options.Force).ConfigureAwait(false);
            if (status == StepStatus.Succeeded && !exit.Succeeded)
            {
                Relay(step, new PluginLogEvent(process.Name, process.Pid, step.Name, DateTimeOffset.UtcNow, PluginLogSource.Host, LogLevels.Warn,
                    $"the plugin answered, then ended with {exit}"));
            }

            if (status == StepStatus.Cancelled)
            {
                var ended = $"plugin '{process.Name}' (pid {process.Pid}) ended with {exit}";
                error = error is null ? ended : $"{error}; {ended}";
            }

            return new StepReport
            {
                Name = step.Name,
                Plugin = step.Plugin,
                Status = status,
                ExitCode = exit.Code,
                Signal = exit.Signal,
                Pid = process.Pid,
                StartedAt = startedAt,
                FinishedAt = DateTimeOffset.UtcNow,
                BinaryTimeMs = Milliseconds(process.BinaryTime),
                StepTimeMs = Milliseconds(clock.Elapsed),
                Outputs = outputs,
                Error = error,
            };
        }
    }

    private static string DescribeFailure(PluginProcess process, StepError? error)
    {
        var message = error?.Message ?? "the plugin reported a failure without a message";
        var code = error?.Code is { } value ? $" [{value}]" : string.Empty;
        return $"{message}{code} (plugin '{process.Name}', pid {process.Pid})";
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
