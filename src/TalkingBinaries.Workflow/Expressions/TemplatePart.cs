namespace TalkingBinaries.Workflow.Expressions;

/// <summary>A piece of a template: literal text (escapes already undone) or one expression.</summary>
/// <param name="Literal">The text, when the part is literal.</param>
/// <param name="Expression">The expression, when the part is a <c>${{ }}</c>.</param>
internal sealed record TemplatePart(string? Literal, Expression? Expression);
