namespace TalkingBinaries.Workflow.UpToDate;

/// <summary>Whether a step would run, and why: a line of <c>tb status</c>.</summary>
/// <param name="Name">The step.</param>
/// <param name="Plugin">Its plugin ref.</param>
/// <param name="UpToDate">Whether it would be skipped as up to date.</param>
/// <param name="Reason">Why it would run, e.g. "input 'src/a.c' changed"; null when it is up to date.</param>
public sealed record StepFreshness(string Name, string Plugin, bool UpToDate, string? Reason);
