using System.Text.Json;
using TalkingBinaries.Workflow.DevFiles;

namespace TalkingBinaries.Workflow.Planning;

/// <summary>Which matrix step an instance belongs to and its values, as <c>tb list</c> and <c>tb run --dry-run</c> show it (docs/devfile.md, "Matrix").</summary>
/// <param name="Step">The matrix step's name as written.</param>
/// <param name="Values">The instance's values by key, in key order, each a string, number or boolean as <c>matrix.KEY</c> sees it.</param>
public sealed record MatrixSummary(string Step, JsonElement Values)
{
    private IReadOnlyList<MatrixValue> Written { get; init; } = [];

    /// <summary>The summary of <paramref name="instance"/>; null for a step without a matrix.</summary>
    public static MatrixSummary? Of(MatrixInstance? instance) =>
        instance is null ? null : new MatrixSummary(instance.Step, instance.Object) { Written = instance.Values };

    /// <summary>One short line: <c>build: os=linux, level=1</c>.</summary>
    public string Text() => $"{Step}: {string.Join(", ", Written.Select(value => $"{value.Key}={value.Text}"))}";
}
