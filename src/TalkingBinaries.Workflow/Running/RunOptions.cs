using TalkingBinaries.Hosting;
using TalkingBinaries.Hosting.Discovery;
using TalkingBinaries.Protocol.Messages;

namespace TalkingBinaries.Workflow.Running;

/// <summary>How to run a workflow.</summary>
public sealed record RunOptions
{
    /// <summary>Finds plugin executables.</summary>
    public PluginLocator Locator { get; init; } = PluginLocator.ForCurrentProcess();

    /// <summary>How patiently to stop plugins when a run is interrupted.</summary>
    public StopOptions Stop { get; init; } = StopOptions.Default;

    /// <summary>How the host introduces itself in the handshake.</summary>
    public PeerInfo Host { get; init; } = new("tb", "0.0.0");

    /// <summary>Cancelled to skip what is left of the grace period (a second Ctrl-C).</summary>
    public CancellationToken Force { get; init; }

    /// <summary>How long a plugin may take to answer the handshake.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The most steps that run at once; null for the DevFile's <c>max_parallel</c>, else the number of processors.</summary>
    public int? MaxParallel { get; init; }

    /// <summary>How long the whole run may take; null for no limit.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Variables from the command line and var-files; they override the DevFile's <c>vars</c>.</summary>
    public IReadOnlyDictionary<string, System.Text.Json.JsonElement> Variables { get; init; } = new Dictionary<string, System.Text.Json.JsonElement>();

    /// <summary>Secrets from var-files, by name; seen as <c>secrets.NAME</c> and masked in all output.</summary>
    public IReadOnlyDictionary<string, string> Secrets { get; init; } = new Dictionary<string, string>();

    /// <summary>Run only this step and the steps it waits for; null for every step.</summary>
    public string? Step { get; init; }

    /// <summary>How long to read a plugin's output after it exited before ending its process group.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromMilliseconds(500);
}
