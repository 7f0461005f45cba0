using TalkingBinaries.Workflow.DevFiles;

namespace TalkingBinaries.Workflow.Planning;

/// <summary>A step as <c>tb list</c> and <c>tb graph</c> show it: what was written, and what it waits for.</summary>
/// <param name="Name">The step's name.</param>
/// <param name="Plugin">The ref of its plugin.</param>
/// <param name="Needs">Its <c>needs</c> as written; null when it has none and file order decides.</param>
/// <param name="WaitsFor">The steps it waits for directly, from <c>needs</c> or, without it, from file order and run groups.</param>
/// <param name="If">Its <c>if</c> as written; null when it has none.</param>
/// <param name="Description">Its <c>description</c>; null when it has none.</param>
/// <param name="Line">The line the step starts on.</param>
public sealed record StepSummary(string Name, string Plugin, IReadOnlyList<string>? Needs, IReadOnlyList<string> WaitsFor, string? If, string? Description, int Line)
{
    /// <summary>Its <c>retry</c>; null when it has none.</summary>
    public RetrySummary? Retry { get; init; }

    /// <summary>For a matrix instance, its matrix step and values; null for other steps.</summary>
    public MatrixSummary? Matrix { get; init; }

    /// <summary>Every step of a loaded DevFile, in file order.</summary>
    public static IReadOnlyList<StepSummary> ListOf(DevFile devFile)
    {
        ArgumentNullException.ThrowIfNull(devFile);
        var graph = StepGraph.Build(devFile.Steps);
        return devFile.Steps.Select(step => new StepSummary(
            step.Name,
            step.Plugin,
            step.Needs?.Select(need => need.Name).ToList(),
            graph.Dependencies[step.Name],
            step.If?.Text,
            step.Description,
            step.Location.Line)
        {
            Retry = RetrySummary.Of(step.Retry),
            Matrix = MatrixSummary.Of(step.Matrix),
        }).ToList();
    }
}
