namespace TalkingBinaries.Workflow.UpToDate;

/// <summary>The JSON of a state file in <c>.tb/</c>: a version, and a record per step.</summary>
internal sealed record StateFileContents
{
    /// <summary>The format; a file of another version is ignored, so every tracked step runs once.</summary>
    public int Version { get; init; }

    public Dictionary<string, StepRecord> Steps { get; init; } = new(StringComparer.Ordinal);
}
