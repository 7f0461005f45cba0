using System.Text.Json;

namespace TalkingBinaries.Workflow.Expressions;

/// <summary><c>a &amp;&amp; b</c> or <c>a || b</c>: evaluates b only when needed and gives one of the operands, as JavaScript does.</summary>
internal sealed class LogicalExpression(string source, Expression left, Expression right, bool isAnd)
    : Expression(source, left.Position, right.End - left.Position)
{
    public Expression Left { get; } = left;

    public Expression Right { get; } = right;

    public bool IsAnd { get; } = isAnd;

    internal override JsonElement Evaluate(EvaluationScope scope)
    {
        var left = Left.Evaluate(scope);
        return Truthiness.IsTruthy(left) == IsAnd ? Right.Evaluate(scope) : left;
    }

    internal override void Collect(List<ExpressionReference> references, List<string> functions)
    {
        Left.Collect(references, functions);
        Right.Collect(references, functions);
    }
}
