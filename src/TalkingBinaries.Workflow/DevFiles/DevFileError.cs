namespace TalkingBinaries.Workflow.DevFiles;

/// <summary>One problem in a DevFile: where, what, and what to do.</summary>
/// <param name="Location">Where the problem is.</param>
/// <param name="Message">What is wrong and what to do about it.</param>
public sealed record DevFileError(SourceLocation Location, string Message)
{
    /// <summary>"path:line:column: message", one line.</summary>
    public override string ToString() => $"{Location}: {Message}";
}
