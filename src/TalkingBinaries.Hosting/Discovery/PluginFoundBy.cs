namespace TalkingBinaries.Hosting.Discovery;

/// <summary>How <see cref="PluginLocator"/> found a plugin's executable, in the order it tries.</summary>
public enum PluginFoundBy
{
    /// <summary>An installed package named by the entry's <c>source</c>.</summary>
    Package,

    /// <summary>The entry's explicit <c>path</c>.</summary>
    Path,

    /// <summary>The entry's <c>name</c>, a path with a slash.</summary>
    Name,

    /// <summary>The entry's <c>name</c>, a bare name looked up on PATH.</summary>
    SearchPath,

    /// <summary><c>plugin-&lt;ref&gt;</c> next to the host (a bundled plugin).</summary>
    Bundled,

    /// <summary><c>tb-&lt;ref&gt;</c> on PATH.</summary>
    PathConvention,
}
