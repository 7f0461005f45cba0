using System.Text.Json;

namespace TalkingBinaries.Workflow.Expressions;

/// <summary>Which values count as true where a condition is expected.</summary>
internal static class Truthiness
{
    /// <summary>False for <c>false</c>, <c>null</c>, <c>0</c>, <c>""</c> and an undefined value; true for everything else, empty arrays and objects included.</summary>
    public static bool IsTruthy(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.False => false,
        JsonValueKind.Number => !JsonValues.IsZero(value),
        JsonValueKind.String => value.GetString()!.Length > 0,
        _ => true,
    };
}
