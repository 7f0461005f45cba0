namespace TalkingBinaries.Workflow.Expressions;

/// <summary>A path an expression reads, such as <c>steps.build.outputs.version</c>: its root name and the literal segments after it.</summary>
/// <param name="Root">The identifier the path starts with, e.g. <c>steps</c>.</param>
/// <param name="Segments">The member names and literal indexes that follow, up to the first computed index.</param>
/// <param name="Position">The 0-based offset of the root in the parsed text.</param>
/// <param name="Length">The characters from the root to the end of the last segment.</param>
internal sealed record ExpressionReference(string Root, IReadOnlyList<string> Segments, int Position, int Length);
