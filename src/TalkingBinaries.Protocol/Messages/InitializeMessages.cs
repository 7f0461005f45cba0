namespace TalkingBinaries.Protocol.Messages;

/// <summary>Params of <c>initialize</c>: the host introduces itself and lists the versions it speaks.</summary>
public sealed record InitializeParams
{
    /// <summary>Every protocol version the host speaks; the plugin picks the newest it also speaks.</summary>
    public required IReadOnlyList<int> ProtocolVersions { get; init; }

    /// <summary>Who is asking.</summary>
    public required PeerInfo Host { get; init; }

    /// <summary>What the host can do beyond the base protocol.</summary>
    public HostCapabilities Capabilities { get; set; } = new();
}

/// <summary>Result of <c>initialize</c>: the version chosen and what the plugin can do.</summary>
public sealed record InitializeResult
{
    /// <summary>The version the rest of the conversation uses; one of those the host offered.</summary>
    public required int ProtocolVersion { get; init; }

    /// <summary>Who is answering.</summary>
    public required PeerInfo Plugin { get; init; }

    /// <summary>What the plugin can do beyond the base protocol.</summary>
    public PluginCapabilities Capabilities { get; set; } = new();

    /// <summary>The variables and outputs the plugin's steps may set; null when the plugin does not say (docs/protocol.md, "declares").</summary>
    public PluginDeclarations? Declares { get; init; }
}

/// <summary>Name and version of one side.</summary>
public sealed record PeerInfo(string Name, string Version);

/// <summary>Host features a plugin may rely on once the host has declared them.</summary>
/// <remarks>A plugin must ignore members it does not know; later versions add members here.</remarks>
public sealed record HostCapabilities
{
    /// <summary>The host reads <c>log</c> notifications.</summary>
    public bool Log { get; set; } = true;

    /// <summary>The host reads <c>progress</c> notifications.</summary>
    public bool Progress { get; set; } = true;

    /// <summary>The host may send <c>step/cancel</c>.</summary>
    public bool Cancel { get; set; } = true;
}

/// <summary>Plugin features the host may rely on once the plugin has declared them.</summary>
public sealed record PluginCapabilities
{
    /// <summary>The plugin stops a step early when it receives <c>step/cancel</c>.</summary>
    public bool Cancel { get; init; }

    /// <summary>The plugin serves every step of a run in one process (a warm plugin) instead of one process per step.</summary>
    public bool Warm { get; init; }

    /// <summary>How many <c>step/run</c> requests the plugin handles at once.</summary>
    public int MaxConcurrency { get; set; } = 1;
}

/// <summary>What a plugin says its steps may set, so a host can tell a misspelt name from one a plugin sets (docs/protocol.md, "declares").</summary>
/// <remarks>A list that is null is unknown: the plugin may set anything of that kind. An empty list means it sets none.</remarks>
public sealed record PluginDeclarations
{
    /// <summary>The names of the variables its steps may set with <c>vars/set</c>; null when it does not say.</summary>
    public IReadOnlyList<string>? Variables { get; init; }

    /// <summary>The names of the outputs its steps may return; null when it does not say.</summary>
    public IReadOnlyList<string>? Outputs { get; init; }
}
