namespace TalkingBinaries.Workflow.DevFiles;

/// <summary>How much a DevFile or var-file may hold, so memory and stack stay bounded whatever the input (docs/devfile.md, "Limits").</summary>
internal static class YamlLimits
{
    /// <summary>The largest DevFile or var-file read, in bytes: 4 MiB, far above any hand-written workflow.</summary>
    public const int MaxFileBytes = 4 * 1024 * 1024;

    /// <summary>How many levels of lists and mappings a value (a step's <c>config</c>, a variable) may have, itself included.</summary>
    /// <remarks>
    /// Plugins read each message with System.Text.Json's default limit of 64 levels; a step's config sits about
    /// 2 levels deep in its message and a variable about 3, so 32 leaves room and anything accepted can be sent.
    /// </remarks>
    public const int MaxValueDepth = 32;

    /// <summary>How many levels of a DevFile sit above the deepest-placed value, a step's <c>config</c>: the document, <c>steps</c> and the step.</summary>
    public const int DevFileFraming = 3;

    /// <summary>How many levels of a var-file sit above a value: the document.</summary>
    public const int VarFileFraming = 1;

    /// <summary>How many nodes aliases (<c>*name</c>) may add to a file by repeating what their anchors (<c>&amp;name</c>) name.</summary>
    /// <remarks>Counted as they are expanded, so a few kilobytes of anchors that name anchors (a "billion laughs") stop here.</remarks>
    public const long MaxAliasNodes = 1_000_000;

    /// <summary>"4 MiB", for messages.</summary>
    public static string MaxFileSize => $"{MaxFileBytes / (1024 * 1024)} MiB";

    /// <summary>The message for a value nested deeper than <see cref="MaxValueDepth"/>.</summary>
    public static string TooDeep =>
        $"lists and mappings nested more than {MaxValueDepth} levels deep; flatten the value (plugins read at most 64 levels per message)";
}
