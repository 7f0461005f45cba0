using System.Text.Json;

namespace TalkingBinaries.Workflow.Expressions;

/// <summary>What an expression can see: its root names (<c>vars</c>, <c>steps</c>, <c>env</c>, <c>secrets</c>) and the run's status.</summary>
internal sealed class ExpressionContext
{
    /// <summary>The values of the names an expression may start a path with, e.g. <c>"vars"</c> to a JSON object.</summary>
    public IReadOnlyDictionary<string, JsonElement> Roots { get; init; } = new Dictionary<string, JsonElement>(StringComparer.Ordinal);

    /// <summary>The run's status, which the status functions report; by default nothing has failed.</summary>
    public ExpressionStatus Status { get; init; } = new(AnyFailed: false, Cancelled: false);
}
