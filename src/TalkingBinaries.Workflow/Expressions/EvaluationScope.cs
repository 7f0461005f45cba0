namespace TalkingBinaries.Workflow.Expressions;

/// <summary>What an evaluation sees, and whether a path that is not there is an error (strict) or an undefined value (lenient).</summary>
/// <param name="Context">The roots and status the caller supplied.</param>
/// <param name="Lenient">True inside <c>default()</c>'s first argument.</param>
internal readonly record struct EvaluationScope(ExpressionContext Context, bool Lenient)
{
    public EvaluationScope AsLenient() => this with { Lenient = true };
}
