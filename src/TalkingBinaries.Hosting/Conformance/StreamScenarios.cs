namespace TalkingBinaries.Hosting.Conformance;

// The standard streams over a whole session: handshake, one step, shutdown, end of stdin (docs/protocol.md, "Standard streams").

/// <summary>Nothing but JSON-RPC messages on stdout, from the start of the process to its end.</summary>
internal sealed class StdoutScenario : ConformanceScenario
{
    public override string Name => "stdout";

    public override async Task<ConformanceResult> RunAsync(PluginCommand command, ConformanceOptions options, CancellationToken cancellationToken)
    {
        await using var session = Start(command, options);
        var problem = await session.HandshakeAsync(cancellationToken).ConfigureAwait(false);
        if (problem is null)
        {
            (_, problem) = await session.AnswerAsync(session.Step(), cancellationToken).ConfigureAwait(false);
            await session.EndAsync(shutdown: true, closeInput: true, cancellationToken).ConfigureAwait(false);
        }

        await session.StopAsync().ConfigureAwait(false);
        var stray = session.StrayStdout;
        if (stray.Count > 0)
        {
            return Fail($"{stray.Count} stdout line{(stray.Count == 1 ? " was" : "s were")} not JSON-RPC messages, the first: {Quote(stray[0])}; stdout is for protocol messages only, logs go to stderr");
        }

        return problem is null
            ? Pass("nothing but JSON-RPC messages from start to exit (handshake, one step, shutdown)")
            : Fail($"no stray line, but the session did not complete: {problem}");
    }
}

/// <summary>stderr is read line by line while the plugin runs and reaches its end when the plugin exits.</summary>
internal sealed class StderrScenario : ConformanceScenario
{
    public override string Name => "stderr";

    public override async Task<ConformanceResult> RunAsync(PluginCommand command, ConformanceOptions options, CancellationToken cancellationToken)
    {
        await using var session = Start(command, options);
        ConformanceSession.Ending? ending = null;
        if (await session.HandshakeAsync(cancellationToken).ConfigureAwait(false) is null)
        {
            await session.AnswerAsync(session.Step(), cancellationToken).ConfigureAwait(false);
            ending = await session.EndAsync(shutdown: true, closeInput: true, cancellationToken).ConfigureAwait(false);
        }

        var exitedByItself = ending?.Status is not null;
        var closedAtExit = ending?.OutputClosed == true;
        await session.StopAsync().ConfigureAwait(false);
        var lines = session.StderrLines;
        var count = lines.Count == 0 ? "read 0 lines (it wrote nothing to stderr)" : $"read {lines.Count} line{(lines.Count == 1 ? string.Empty : "s")}";
        if (exitedByItself && !closedAtExit)
        {
            var holders = ending!.Leftovers.Count > 0 ? $" (held by {LeftoverProcesses.Describe(ending.Leftovers)})" : string.Empty;
            return Fail($"{count}, but its stdout or stderr stayed open {ConformanceSession.Seconds(HostingOptions.Default.DrainTimeout)} after it exited{holders}; a process it started holds the host's pipes");
        }

        var end = exitedByItself ? "closed when it exited" : "closed once the host stopped it (it did not exit by itself; see shutdown)";
        return Pass($"{count}; {end}");
    }
}
