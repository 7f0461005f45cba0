namespace TalkingBinaries.Workflow.DevFiles;

/// <summary>A place in a DevFile, 1-based, as editors count.</summary>
/// <param name="File">The file's full path.</param>
/// <param name="Line">The line, from 1.</param>
/// <param name="Column">The column, from 1.</param>
public sealed record SourceLocation(string File, int Line, int Column)
{
    /// <summary>"path:line:column", the form editors and CI logs link.</summary>
    public override string ToString() => $"{File}:{Line}:{Column}";
}
