using TalkingBinaries.Workflow.UpToDate;

namespace TalkingBinaries.Cli;

/// <summary>What <c>tb status --json</c> prints: each selected step, whether it is up to date, and why it would run.</summary>
internal sealed record StatusListing(string DevFile, IReadOnlyList<StepFreshness> Steps);
