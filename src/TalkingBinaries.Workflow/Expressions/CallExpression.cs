using System.Text.Json;

namespace TalkingBinaries.Workflow.Expressions;

/// <summary>A call of one of the built-in functions, such as <c>contains(vars.tags, 'x')</c>.</summary>
internal sealed class CallExpression(string source, int position, int length, ExpressionFunction function, IReadOnlyList<Expression> arguments)
    : Expression(source, position, length)
{
    public ExpressionFunction Function { get; } = function;

    public IReadOnlyList<Expression> Arguments { get; } = arguments;

    internal override JsonElement Evaluate(EvaluationScope scope) => Function.Invoke(this, scope);

    internal override void Collect(List<ExpressionReference> references, List<string> functions)
    {
        functions.Add(Function.Name);
        foreach (var argument in Arguments)
        {
            argument.Collect(references, functions);
        }
    }
}
