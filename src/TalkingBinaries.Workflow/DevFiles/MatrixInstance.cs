using System.Text.Json;
using TalkingBinaries.Workflow.Running;

namespace TalkingBinaries.Workflow.DevFiles;

/// <summary>One combination of a step's <c>matrix</c>: the step it came from and its values (docs/devfile.md, "Matrix").</summary>
/// <param name="Step">The name of the step as written, before the values were added to it.</param>
/// <param name="Values">The combination's values, in key order.</param>
public sealed record MatrixInstance(string Step, IReadOnlyList<MatrixValue> Values)
{
    /// <summary>The values as the JSON object <c>matrix</c> an expression of the instance sees.</summary>
    internal JsonElement Object { get; } = JsonObjects.From(Values.Select(value => KeyValuePair.Create(value.Key, value.Value)));

    /// <summary>The value of <paramref name="key"/> as written; null when the combination has no such key.</summary>
    public string? Text(string key) => Values.FirstOrDefault(value => value.Key == key)?.Text;
}

/// <summary>One value of a matrix combination.</summary>
/// <param name="Key">The matrix key, e.g. <c>os</c>.</param>
/// <param name="Text">The value as written, used in the instance's name and by <c>tb run --matrix</c>.</param>
/// <param name="Value">The value as a JSON string, number or boolean, as <c>matrix.KEY</c> sees it.</param>
public sealed record MatrixValue(string Key, string Text, JsonElement Value);
