using System.Text.Json;
using TalkingBinaries.Hosting;
using TalkingBinaries.Protocol.Messages;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Reporting;
using TalkingBinaries.Workflow.Variables;

namespace TalkingBinaries.Workflow.Running;

/// <summary>Runs a protocol-v1 plugin's steps on a <see cref="PluginPool"/>: warm processes when the plugin allows.</summary>
internal sealed class PoolStepExecutor(PluginPool pool, string runId, EventRouter router, VariableStore variables) : StepExecutor
{
    /// <summary>The pool the steps run on.</summary>
    public PluginPool Pool => pool;

    public override Task WarmUpAsync(CancellationToken cancellationToken) => pool.WarmUpAsync(cancellationToken);

    public override Task StopAsync(CancellationToken forcefulCancellationToken) => pool.StopAsync(forcefulCancellationToken);

    public override async Task<StepOutcome> RunAsync(
        StepDefinition step,
        JsonElement config,
        ParallelInfo parallel,
        CancellationToken gracefulCancellationToken,
        CancellationToken forcefulCancellationToken)
    {
        var request = new StepRunParams { RunId = runId, StepId = step.Name, Step = step.Name, Config = config, Parallel = parallel, Variables = variables.Snapshot() };
        PoolStepResult ran;
        try
        {
            ran = await pool.RunStepAsync(request, gracefulCancellationToken, forcefulCancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (gracefulCancellationToken.IsCancellationRequested)
        {
            return new StepOutcome(StepStatus.Cancelled, $"plugin '{pool.Name}' was stopped before it started the step");
        }
        catch (PluginException exception) when (gracefulCancellationToken.IsCancellationRequested)
        {
            // Stopped by us while starting: a plugin that dies on the way out was still stopped, not failed.
            return StepOutcome.From(StepStatus.Cancelled, exception);
        }
        catch (PluginException exception)
        {
            return StepOutcome.From(StepStatus.Failed, exception, Explain(exception));
        }

        var ended = ran.Exit is { } exit ? $"plugin '{pool.Name}' (pid {ran.Pid}) {exit.Describe()}" : null;
        StepOutcome Outcome(StepStatus status, string? error) => new(status, error)
        {
            Pid = ran.Pid,
            Executor = pool.Command.Launcher.Name,
            Placement = ran.Placement,
            Exit = ran.Exit,
            BinaryTime = ran.BinaryTime,
            Outputs = ran.Result?.Outputs ?? new Dictionary<string, JsonElement>(),
        };

        if (ran.Result is not { } result)
        {
            return Outcome(StepStatus.Cancelled, ended ?? $"plugin '{pool.Name}' (pid {ran.Pid}) did not answer");
        }

        if (result.Status == StepResultStatus.Succeeded && ran.Exit is { Succeeded: false } badExit)
        {
            router.Say(step, pool.Name, ran.Pid, LogLevels.Warn, $"the plugin answered, then {badExit.Describe()}");
        }

        return result.Status switch
        {
            StepResultStatus.Succeeded => Outcome(StepStatus.Succeeded, null),
            StepResultStatus.Cancelled when gracefulCancellationToken.IsCancellationRequested =>
                Outcome(StepStatus.Cancelled, ended is null ? "the plugin stopped the step" : $"the plugin stopped the step; {ended}"),

            // A plugin that cancels a step nobody asked it to cancel has failed it.
            StepResultStatus.Cancelled => Outcome(StepStatus.Failed, $"the plugin cancelled the step on its own: {result.Error?.Message ?? "no reason given"} (plugin '{pool.Name}', pid {ran.Pid})"),
            _ => Outcome(StepStatus.Failed, DescribeFailure(pool.Name, ran.Pid, result.Error)),
        };
    }

    /// <summary>A plugin that never shook hands may speak the prototype's format: the DevFile can say so.</summary>
    private static string Explain(PluginException exception) => exception.Kind == PluginErrorKind.HandshakeFailed
        ? $"{exception.Message} A plugin in the prototype's format needs `protocol: seed` in the DevFile."
        : exception.Message;

    private static string DescribeFailure(string plugin, int pid, StepError? error)
    {
        var message = error?.Message ?? "the plugin reported a failure without a message";
        var code = error?.Code is { } value ? $" [{value}]" : string.Empty;
        return $"{message}{code} (plugin '{plugin}', pid {pid})";
    }
}
