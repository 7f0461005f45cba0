namespace TalkingBinaries.Hosting.Conformance;

/// <summary>A scenario about a plugin that has shaken hands: a failed handshake fails it, with the handshake's reason.</summary>
internal abstract class HandshakeFirstScenario : ConformanceScenario
{
    public sealed override async Task<ConformanceResult> RunAsync(PluginCommand command, ConformanceOptions options, CancellationToken cancellationToken)
    {
        await using var session = Start(command, options);
        return await session.HandshakeAsync(cancellationToken).ConfigureAwait(false) is { } problem
            ? Fail(problem)
            : await RunAsync(session, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs the scenario on <paramref name="session"/>, whose plugin has answered <c>initialize</c>.</summary>
    protected abstract Task<ConformanceResult> RunAsync(ConformanceSession session, ConformanceOptions options, CancellationToken cancellationToken);
}
