namespace TalkingBinaries.Hosting.Conformance;

// Ending (docs/protocol.md, "shutdown" and "Stopping a plugin"): each in a process of its own.

/// <summary>
/// After <c>shutdown</c> with stdin left open ("shutdown"), or at the end of stdin without <c>shutdown</c> ("stdin-eof"),
/// the plugin exits with code 0.
/// </summary>
internal sealed class ExitScenario(string name, bool shutdown) : HandshakeFirstScenario
{
    public static ExitScenario OnShutdown { get; } = new("shutdown", shutdown: true);

    public static ExitScenario AtEndOfStdin { get; } = new("stdin-eof", shutdown: false);

    public override string Name => name;

    protected override async Task<ConformanceResult> RunAsync(ConformanceSession session, ConformanceOptions options, CancellationToken cancellationToken)
    {
        var ending = await session.EndAsync(shutdown, closeInput: !shutdown, cancellationToken).ConfigureAwait(false);
        var after = shutdown ? "shutdown" : "its stdin closed";
        return ending.Status switch
        {
            null => Fail(shutdown
                ? $"still running {ConformanceSession.Seconds(options.Timeout)} after shutdown (stdin left open); it must exit on shutdown, not wait for the end of stdin"
                : $"still running {ConformanceSession.Seconds(options.Timeout)} after its stdin closed; end of stdin means the host is gone: exit"),
            { Succeeded: true } => Pass($"exited with code 0, {ConformanceSession.Milliseconds(ending.Elapsed)} after {after}"),
            { } status => Fail($"{status.Describe()} after {after}; it should exit with code 0"),
        };
    }
}

/// <summary>After a step and its exit, nothing of the plugin's process group lives, nor anything that left it.</summary>
internal sealed class NoProcessLeftScenario : HandshakeFirstScenario
{
    public override string Name => "no-process-left";

    protected override async Task<ConformanceResult> RunAsync(ConformanceSession session, ConformanceOptions options, CancellationToken cancellationToken)
    {
        await session.AnswerAsync(session.Step(), cancellationToken).ConfigureAwait(false);
        var ending = await session.EndAsync(shutdown: true, closeInput: true, cancellationToken).ConfigureAwait(false);

        // The host's stop ends the group and whatever holds the pipes; the marker finds what escaped both.
        var escaped = await session.StopAsync().ConfigureAwait(false);
        var drain = ConformanceSession.Seconds(HostingOptions.Default.DrainTimeout);
        if (ending.Status is null)
        {
            return escaped.Count == 0
                ? Fail($"did not exit within {ConformanceSession.Seconds(options.Timeout)} of shutdown and end of stdin, so the host killed its process group (see shutdown)")
                : Fail($"did not exit by itself, and once its group was killed {LeftoverProcesses.Describe(escaped)} still ran; a plugin must not leave processes behind");
        }

        var left = ending.Leftovers.Concat(escaped.Where(process => ending.Leftovers.All(known => known.Pid != process.Pid))).ToList();
        return left.Count == 0
            ? Pass($"nothing of its process group, and nothing it started, was alive {drain} after it exited")
            : Fail($"{LeftoverProcesses.Describe(left)} still ran {drain} after the plugin exited (killed now); a plugin must end what it starts");
    }
}
