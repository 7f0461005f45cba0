using System.Text.Json;

namespace TalkingBinaries.Workflow.Expressions;

/// <summary>A root name such as <c>vars</c> or <c>steps</c>, looked up in <see cref="ExpressionContext.Roots"/>.</summary>
internal sealed class NameExpression(string source, int position, int length, string name)
    : Expression(source, position, length)
{
    public string Name { get; } = name;

    internal override JsonElement Evaluate(EvaluationScope scope)
    {
        if (scope.Context.Roots.TryGetValue(Name, out var value))
        {
            return value;
        }

        var names = scope.Context.Roots.Keys.Select(key => key + ".").ToList();
        var hint = names.Count switch
        {
            0 => "there are no names to use here",
            1 => $"use {names[0]}",
            _ => $"use {string.Join(", ", names.Take(names.Count - 1))} or {names[^1]}",
        };
        throw Error($"unknown name '{Name}'; {hint}");
    }

    internal override void Collect(List<ExpressionReference> references, List<string> functions) =>
        references.Add(new ExpressionReference(Name, [], Position, Length));
}
