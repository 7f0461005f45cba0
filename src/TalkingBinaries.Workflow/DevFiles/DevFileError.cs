namespace TalkingBinaries.Workflow.DevFiles;

/// <summary>One problem in a DevFile: where, what, and what to do.</summary>
public sealed record DevFileError(SourceLocation Location, string Message)
{
    /// <summary>"path:line:column: message", one line.</summary>
    public override string ToString() => $"{Location}: {Message}";
}
