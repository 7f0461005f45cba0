using System.Text.Json;

namespace TalkingBinaries.Workflow.Expressions;

/// <summary><c>!x</c>: true when x is falsy.</summary>
internal sealed class NotExpression(string source, int position, int length, Expression operand)
    : Expression(source, position, length)
{
    public Expression Operand { get; } = operand;

    internal override JsonElement Evaluate(EvaluationScope scope) =>
        JsonValues.FromBoolean(!Truthiness.IsTruthy(Operand.Evaluate(scope)));

    internal override void Collect(List<ExpressionReference> references, List<string> functions) =>
        Operand.Collect(references, functions);
}
