namespace TalkingBinaries.Workflow.UpToDate;

/// <summary>Whether a tracked step is up to date: what went in today, what was recorded, and why it must run when it must.</summary>
/// <param name="Current">Today's fingerprint and its parts (no outputs yet).</param>
/// <param name="Previous">The record of its last successful run; null when there is none.</param>
/// <param name="Reason">Why it must run, e.g. "input src/a.c changed"; null when it is up to date.</param>
public sealed record UpToDateCheck(StepRecord Current, StepRecord? Previous, string? Reason)
{
    /// <summary>Whether the step can be skipped, its recorded outputs given back.</summary>
    public bool UpToDate => Reason is null;
}
