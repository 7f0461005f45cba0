namespace TalkingBinaries.Hosting.Slurm;

/// <summary>Where on the cluster a plugin process runs, as its relay reported it.</summary>
/// <param name="JobId">The Slurm job (<c>SLURM_JOB_ID</c>).</param>
/// <param name="StepId">The job step (<c>SLURM_STEP_ID</c>).</param>
/// <param name="Node">The node's name (<c>SLURMD_NODENAME</c>).</param>
public sealed record SlurmPlacement(string JobId, string StepId, string Node);
