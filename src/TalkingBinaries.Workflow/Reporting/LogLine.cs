namespace TalkingBinaries.Workflow.Reporting;

/// <summary>One line a step's plugin said, as the run's observers received it (secrets masked).</summary>
/// <param name="Timestamp">When the host read it.</param>
/// <param name="Level">debug, info, warn or error (docs/protocol.md, "log").</param>
/// <param name="Text">The line, secrets masked.</param>
public sealed record LogLine(DateTimeOffset Timestamp, string Level, string Text);
