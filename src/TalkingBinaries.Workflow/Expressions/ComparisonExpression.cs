using System.Text.Json;

namespace TalkingBinaries.Workflow.Expressions;

/// <summary><c>==</c> and <c>!=</c> on any two values (deeply); <c>&lt;</c>, <c>&lt;=</c>, <c>&gt;</c>, <c>&gt;=</c> on two numbers or two strings.</summary>
internal sealed class ComparisonExpression(string source, Expression left, ComparisonOperator @operator, string symbol, Expression right)
    : Expression(source, left.Position, right.End - left.Position)
{
    public Expression Left { get; } = left;

    public Expression Right { get; } = right;

    public ComparisonOperator Operator { get; } = @operator;

    public string Symbol { get; } = symbol;

    internal override JsonElement Evaluate(EvaluationScope scope)
    {
        var left = Left.Evaluate(scope);
        var right = Right.Evaluate(scope);
        return JsonValues.FromBoolean(Operator switch
        {
            ComparisonOperator.Equal => JsonValues.AreEqual(left, right),
            ComparisonOperator.NotEqual => !JsonValues.AreEqual(left, right),
            ComparisonOperator.Less => Order(left, right) < 0,
            ComparisonOperator.LessOrEqual => Order(left, right) <= 0,
            ComparisonOperator.Greater => Order(left, right) > 0,
            _ => Order(left, right) >= 0,
        });
    }

    internal override void Collect(List<ExpressionReference> references, List<string> functions)
    {
        Left.Collect(references, functions);
        Right.Collect(references, functions);
    }

    private int Order(JsonElement left, JsonElement right) => (left.ValueKind, right.ValueKind) switch
    {
        (JsonValueKind.Number, JsonValueKind.Number) => JsonValues.CompareNumbers(left, right),
        (JsonValueKind.String, JsonValueKind.String) => string.CompareOrdinal(left.GetString(), right.GetString()),
        _ => throw Error(
            $"cannot compare {JsonValues.Describe(left)} with {JsonValues.Describe(right)} using '{Symbol}'; both sides must be numbers or both strings"),
    };
}
