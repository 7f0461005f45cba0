namespace TalkingBinaries.Plugin;

/// <summary>What a plugin says about itself in the handshake.</summary>
public sealed record PluginOptions
{
    /// <summary>The plugin's name, as shown in the host's messages.</summary>
    public required string Name { get; init; }

    /// <summary>The plugin's version.</summary>
    public string Version { get; init; } = "0.0.0";

    /// <summary>How many steps the plugin runs at once when a host sends several (warm plugins).</summary>
    public int MaxConcurrency { get; init; } = 1;

    /// <summary>Whether the plugin stays alive to serve every step of a run that uses it, instead of one process per step.</summary>
    /// <remarks>True by default: the SDK serves any number of steps. Set it false for a plugin that keeps state between steps it should not.</remarks>
    public bool Warm { get; init; } = true;
}
