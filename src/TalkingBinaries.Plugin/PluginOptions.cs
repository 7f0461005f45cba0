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

    /// <summary>Whether each step's handler starts on the thread that reads the host's messages instead of the thread pool.</summary>
    /// <remarks>
    /// False by default. True saves a thread hand-off per step, about a sixth of a warm echo step's round trip
    /// (bench/run.sh, figure 4), but until the handler's first <c>await</c> that yields, the plugin reads nothing:
    /// neither <c>step/cancel</c> nor the next step. Only for handlers that never block, like the bundled echo plugin's.
    /// </remarks>
    public bool InlineSteps { get; init; }

    /// <summary>How long steps still running get to stop after the host closed stdin without <c>shutdown</c>; then the plugin exits anyway.</summary>
    /// <remarks>
    /// End of stdin means the host is gone (it may have been killed): the SDK cancels every step's token, waits this
    /// long (5 s by default), and returns from <see cref="Plugin.RunAsync{TConfig}"/> with exit code
    /// <see cref="Plugin.HostGoneExitCode"/> even if a handler ignores its token (docs/protocol.md, "Lifecycle").
    /// </remarks>
    public TimeSpan HostGoneGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The names of every variable the plugin's steps may set, told to the host in the handshake; null to not say.</summary>
    /// <remarks>With a list, <c>tb validate</c> warns about a <c>vars.NAME</c> that nothing declares; without one, it cannot tell a typo from a variable this plugin sets.</remarks>
    public IReadOnlyList<string>? DeclaredVariables { get; init; }

    /// <summary>The names of every output the plugin's steps may return, told to the host in the handshake; null to not say.</summary>
    /// <remarks>With a list, <c>tb validate</c> warns about a <c>steps.NAME.outputs.OUTPUT</c> of this plugin's steps that is not in it.</remarks>
    public IReadOnlyList<string>? DeclaredOutputs { get; init; }
}
