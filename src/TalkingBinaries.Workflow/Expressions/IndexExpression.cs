using System.Text.Json;

namespace TalkingBinaries.Workflow.Expressions;

/// <summary><c>target[index]</c>: an item of an array by number, or a member of an object by string.</summary>
internal sealed class IndexExpression(string source, Expression target, Expression index, int end)
    : AccessExpression(source, target, end)
{
    public Expression Index { get; } = index;

    /// <summary>A literal index is part of a reference (<c>a[0]</c> is segment "0", <c>a['k']</c> is "k"); a computed one is not.</summary>
    public override string? Segment => Index is LiteralExpression literal
        ? literal.Value.ValueKind switch
        {
            JsonValueKind.String => literal.Value.GetString(),
            JsonValueKind.Number => literal.Value.GetRawText(),
            _ => null,
        }
        : null;

    private protected override JsonElement Access(JsonElement target, EvaluationScope scope, out JsonElement key)
    {
        key = Index.Evaluate(scope);
        return (target.ValueKind, key.ValueKind) switch
        {
            (JsonValueKind.Array, JsonValueKind.Number) =>
                key.TryGetDecimal(out var position) && position == decimal.Truncate(position) && position >= 0 && position < target.GetArrayLength()
                    ? target[(int)position]
                    : default,
            (JsonValueKind.Object, JsonValueKind.String) =>
                target.TryGetProperty(key.GetString()!, out var value) ? value : default,
            _ => default,
        };
    }

    private protected override string Explain(JsonElement target, JsonElement key) => (target.ValueKind, key.ValueKind) switch
    {
        (JsonValueKind.Array, JsonValueKind.Number) => target.GetArrayLength() == 1
            ? $"{Target.Text} has 1 item"
            : $"{Target.Text} has {target.GetArrayLength()} items",
        (JsonValueKind.Object, JsonValueKind.String) => Members(target),
        (JsonValueKind.Array, _) => $"{Kind(target)}; index it with a number, not {JsonValues.Describe(key)}",
        (JsonValueKind.Object, _) => $"{Kind(target)}; index it with a member name, not {JsonValues.Describe(key)}",
        _ => Kind(target),
    };

    private protected override void CollectIndex(List<ExpressionReference> references, List<string> functions) =>
        Index.Collect(references, functions);
}
