using System.Text.Json;

namespace TalkingBinaries.Workflow.Expressions;

/// <summary>A built-in function: its name, its parameters and what it does with the call's arguments.</summary>
/// <param name="Name">The name as written in an expression; case-sensitive.</param>
/// <param name="Parameters">The parameter names, for the message when a call has the wrong number of arguments.</param>
/// <param name="Invoke">Evaluates the call; it evaluates the arguments itself, so it may skip one or evaluate it leniently.</param>
internal sealed record ExpressionFunction(string Name, IReadOnlyList<string> Parameters, Func<CallExpression, EvaluationScope, JsonElement> Invoke)
{
    /// <summary>"default(value, fallback)".</summary>
    public string Signature => $"{Name}({string.Join(", ", Parameters)})";
}
