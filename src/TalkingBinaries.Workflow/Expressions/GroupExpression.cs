using System.Text.Json;

namespace TalkingBinaries.Workflow.Expressions;

/// <summary>An expression in parentheses.</summary>
internal sealed class GroupExpression(string source, int position, int length, Expression inner)
    : Expression(source, position, length)
{
    public Expression Inner { get; } = inner;

    internal override JsonElement Evaluate(EvaluationScope scope) => Inner.Evaluate(scope);

    internal override void Collect(List<ExpressionReference> references, List<string> functions) =>
        Inner.Collect(references, functions);
}
