using System.Text.Json;
using TalkingBinaries.Protocol.Messages;
using TalkingBinaries.Workflow.DevFiles;

namespace TalkingBinaries.Workflow.Running;

/// <summary>Runs the steps of one plugin, in whatever way its kind asks, and says how each ended.</summary>
internal abstract class StepExecutor
{
    /// <summary>Runs <paramref name="step"/> with its worked-out config; cancelling stops it through the plugin's graceful path.</summary>
    /// <remarks>Never throws for what the plugin does: a crash, a refusal or a stop is an outcome.</remarks>
    public abstract Task<StepOutcome> RunAsync(
        StepDefinition step,
        JsonElement config,
        ParallelInfo parallel,
        CancellationToken gracefulCancellationToken,
        CancellationToken forcefulCancellationToken);

    /// <summary>Starts the plugin ahead of its first step, where that makes sense.</summary>
    public virtual Task WarmUpAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Stops whatever the executor keeps running between steps.</summary>
    public virtual Task StopAsync(CancellationToken forcefulCancellationToken) => Task.CompletedTask;
}
