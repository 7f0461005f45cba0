using System.Text.Json;
using TalkingBinaries.Protocol.Messages;

namespace TalkingBinaries.Hosting.Conformance;

/// <summary>How the conformance suite behaves towards the plugin it checks: what its steps get, and how long it waits.</summary>
/// <remarks>What to start is a <see cref="PluginCommand"/>; each default is declared here once.</remarks>
public sealed record ConformanceOptions
{
    /// <summary>Every member at its default.</summary>
    public static ConformanceOptions Default { get; } = new();

    /// <summary>The <c>config</c> of every step the suite runs: <c>{}</c> by default.</summary>
    public JsonElement Config { get; init; } = JsonElement.Parse("{}");

    /// <summary>A config that makes a step last, for the "cancel" scenario; without one that scenario is skipped.</summary>
    public JsonElement? SlowConfig { get; init; }

    /// <summary>The deadline of each wait in a scenario (an answer, an exit); a plugin that misses it fails the scenario.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the slow step runs before the "cancel" scenario sends <c>step/cancel</c>.</summary>
    public TimeSpan CancelAfter { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>The most steps the "concurrency" scenario runs at once, whatever larger <c>maxConcurrency</c> the plugin declares.</summary>
    public int MaxConcurrentSteps { get; init; } = 8;

    /// <summary>How the suite introduces itself in each handshake.</summary>
    public PeerInfo Host { get; init; } = new("talking-binaries-conformance", "1.0");
}
