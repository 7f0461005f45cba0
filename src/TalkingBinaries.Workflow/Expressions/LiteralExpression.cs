using System.Text.Json;

namespace TalkingBinaries.Workflow.Expressions;

/// <summary>A string, number, <c>true</c>, <c>false</c> or <c>null</c> written in the expression.</summary>
internal sealed class LiteralExpression(string source, int position, int length, JsonElement value)
    : Expression(source, position, length)
{
    public JsonElement Value { get; } = value;

    internal override JsonElement Evaluate(EvaluationScope scope) => Value;

    internal override void Collect(List<ExpressionReference> references, List<string> functions)
    {
    }
}
