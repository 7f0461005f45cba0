namespace TalkingBinaries.Hosting;

/// <summary>What to start as a plugin: the executable, its arguments, environment and directory, and how to launch it.</summary>
public sealed record PluginCommand
{
    /// <summary>The executable, as found by <see cref="Discovery.PluginLocator"/>.</summary>
    public required string ExecutablePath { get; init; }

    /// <summary>The name used in messages and events (the workflow's plugin ref).</summary>
    public required string Name { get; init; }

    /// <summary>Command-line arguments after the executable.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>Variables added to (or, with a null value, removed from) the host's environment.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>The environment <see cref="Environment"/> changes: the host's own when null.</summary>
    public IReadOnlyDictionary<string, string>? BaseEnvironment { get; init; }

    /// <summary>The plugin's working directory; the host's when null.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>How the process is started; <see cref="PluginLauncher.Local"/>, a child of this process, by default.</summary>
    public PluginLauncher Launcher { get; init; } = PluginLauncher.Local;

    /// <summary>Start the plugin without the protocol's cookie, as if run by hand (the conformance kit's "cookie" scenario).</summary>
    internal bool WithoutCookie { get; init; }
}
