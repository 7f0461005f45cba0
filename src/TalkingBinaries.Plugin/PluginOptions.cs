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
}
