using TalkingBinaries.Protocol.Messages;

namespace TalkingBinaries.Hosting;

/// <summary>How a <see cref="PluginPool"/> starts, reuses and restarts its plugin's processes.</summary>
public sealed record PluginPoolOptions
{
    /// <summary>How the host introduces itself in each handshake.</summary>
    public PeerInfo Host { get; init; } = new("talking-binaries-host", "1.0");

    /// <summary>How patiently a process is stopped: after its step (one-shot), when it misbehaves, and at the end.</summary>
    public StopOptions Stop { get; init; } = StopOptions.Default;

    /// <summary>One process per step even for a plugin that declares itself warm (isolation over speed).</summary>
    public bool OneShot { get; init; }

    /// <summary>How many times in a row a warm plugin may die before the pool gives up on it.</summary>
    public int MaxRestarts { get; init; } = 3;

    /// <summary>The wait before the first restart; it doubles with each crash in a row.</summary>
    public TimeSpan RestartBackoff { get; init; } = TimeSpan.FromMilliseconds(100);
}
