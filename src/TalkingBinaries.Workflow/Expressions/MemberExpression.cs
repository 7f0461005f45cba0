using System.Text.Json;

namespace TalkingBinaries.Workflow.Expressions;

/// <summary><c>target.member</c>: a member of an object; member names may contain letters, digits, <c>_</c> and <c>-</c>.</summary>
internal sealed class MemberExpression(string source, Expression target, string member, int end)
    : AccessExpression(source, target, end)
{
    public string Member { get; } = member;

    public override string? Segment => Member;

    private protected override JsonElement Access(JsonElement target, EvaluationScope scope, out JsonElement key)
    {
        key = default;
        return target.ValueKind == JsonValueKind.Object && target.TryGetProperty(Member, out var value) ? value : default;
    }

    private protected override string Explain(JsonElement target, JsonElement key) => target.ValueKind switch
    {
        JsonValueKind.Object => Members(target),
        JsonValueKind.Array => $"{Kind(target)}; pick an item with [0]",
        _ => Kind(target),
    };

    private protected override void CollectIndex(List<ExpressionReference> references, List<string> functions)
    {
    }
}
