using TalkingBinaries.Protocol.Messages;

namespace TalkingBinaries.Hosting;

/// <summary>How the host behaves towards its plugins: how long it waits for what, and how it reuses processes.</summary>
/// <remarks>Each default is declared here once; <see cref="PluginProcess"/> and <see cref="PluginPool"/> read the members that concern them.</remarks>
public sealed record HostingOptions
{
    /// <summary>Every member at its default.</summary>
    public static HostingOptions Default { get; } = new();

    /// <summary>How the host introduces itself in each handshake.</summary>
    public PeerInfo Host { get; init; } = new("talking-binaries-host", "1.0");

    /// <summary>How long to wait for the handshake's answer.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a cancelled step waits for the plugin's answer to <c>step/cancel</c> before giving up on it.</summary>
    public TimeSpan CancelTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Total time for a graceful stop: half after shutdown and closing stdin, half after SIGTERM; then SIGKILL to the whole process group.</summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long to keep reading stdout and stderr after the plugin exited before its process group is killed.</summary>
    /// <remarks>
    /// A grandchild that inherited the pipes can hold them open forever; this bounds the wait (docs/protocol.md, "Lifecycle").
    /// It also bounds how long a step's end waits for the stderr the plugin wrote before answering to be relayed.
    /// </remarks>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Whether code awaiting the plugin's answer to a request resumes on the thread that read the answer.</summary>
    /// <remarks>
    /// False by default: it resumes on the thread pool. True saves a thread hand-off per request, about a tenth of a
    /// warm echo step (bench/run.sh, figure 4), but until that code awaits something that yields, nothing more is read
    /// from the plugin. It must then never block, and above all never wait synchronously for another answer from the
    /// same plugin, which would never be read. <c>tb</c> sets it.
    /// </remarks>
    public bool ResumeOnReaderThread { get; init; }

    /// <summary>A pool gives every step a process of its own even when the plugin declares itself warm (isolation over speed).</summary>
    public bool OneShot { get; init; }

    /// <summary>How many times in a row a pool's warm plugin may die before the pool gives up on it.</summary>
    public int MaxRestarts { get; init; } = 3;

    /// <summary>The wait before a pool's first restart; it doubles with each death in a row.</summary>
    public TimeSpan RestartBackoff { get; init; } = TimeSpan.FromMilliseconds(100);
}
