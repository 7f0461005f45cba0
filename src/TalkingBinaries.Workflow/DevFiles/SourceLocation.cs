namespace TalkingBinaries.Workflow.DevFiles;

/// <summary>A place in a DevFile, 1-based, as editors count.</summary>
public sealed record SourceLocation(string File, int Line, int Column)
{
    /// <summary>"path:line:column", the form editors and CI logs link.</summary>
    public override string ToString() => $"{File}:{Line}:{Column}";
}
