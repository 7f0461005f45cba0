namespace TalkingBinaries.Workflow.Reporting;

/// <summary>The last lines of one step's log, and how many earlier ones were left out to keep memory bounded.</summary>
/// <param name="Lines">The kept lines, oldest first.</param>
/// <param name="Omitted">How many lines before them were dropped.</param>
public sealed record StepLogs(IReadOnlyList<LogLine> Lines, long Omitted);
