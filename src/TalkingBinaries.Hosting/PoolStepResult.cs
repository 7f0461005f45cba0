using TalkingBinaries.Protocol.Messages;

namespace TalkingBinaries.Hosting;

/// <summary>What running one step through a <see cref="PluginPool"/> gave.</summary>
/// <param name="Result">The plugin's answer; null when the step was cancelled and the plugin did not answer in time.</param>
/// <param name="Pid">The process that ran the step.</param>
/// <param name="Warm">Whether that process stays alive for other steps.</param>
/// <param name="Exit">How the process ended, for a one-shot plugin (or a warm one stopped because of this step).</param>
/// <param name="BinaryTime">One-shot: from spawn to exit. Warm: from the request to the answer.</param>
public sealed record PoolStepResult(StepRunResult? Result, int Pid, bool Warm, ExitStatus? Exit, TimeSpan BinaryTime)
{
    /// <summary>Where on a Slurm cluster the process runs; null for a local one.</summary>
    public Slurm.SlurmPlacement? Placement { get; init; }
}
