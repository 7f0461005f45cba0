using TalkingBinaries.Protocol;
using TalkingBinaries.Protocol.JsonRpc;

namespace TalkingBinaries.Hosting.Conformance;

// Launch and handshake (docs/protocol.md, "Launch" and "initialize").

/// <summary>The plugin answers <c>initialize</c> with a version the host offered, its name and its capabilities.</summary>
internal sealed class HandshakeScenario : HandshakeFirstScenario
{
    public override string Name => "handshake";

    protected override async Task<ConformanceResult> RunAsync(ConformanceSession session, ConformanceOptions options, CancellationToken cancellationToken)
    {
        var handshake = session.Handshake!;
        return string.IsNullOrWhiteSpace(handshake.Plugin?.Name)
            ? Fail("answered initialize without plugin.name; the host names the plugin by it in every message")
            : Pass($"chose protocol {handshake.ProtocolVersion} of [{string.Join(", ", ProtocolVersions.Supported)}]; {Describe(handshake)}");
    }
}

/// <summary>Offered a list with a version it does not speak, the plugin picks one from the list; offered none it speaks, it refuses with -32000.</summary>
internal sealed class VersionNegotiationScenario : ConformanceScenario
{
    /// <summary>A version no plugin speaks: far beyond any the protocol will reach.</summary>
    private const int Unspoken = 1000;

    public override string Name => "version-negotiation";

    public override async Task<ConformanceResult> RunAsync(PluginCommand command, ConformanceOptions options, CancellationToken cancellationToken)
    {
        // As a later host would: the versions this one speaks, and a newer one.
        int[] wider = [.. ProtocolVersions.Supported, ProtocolVersions.Current + 1];
        int chosen;
        await using (var session = Start(command, options))
        {
            try
            {
                chosen = (await session.Process.InitializeAsync(wider, cancellationToken).ConfigureAwait(false)).ProtocolVersion;
            }
            catch (PluginException exception)
            {
                return Fail($"offered [{string.Join(", ", wider)}]: {exception.Message}");
            }
        }

        await using (var session = Start(command, options))
        {
            try
            {
                var result = await session.Process.InitializeAsync([Unspoken], cancellationToken).ConfigureAwait(false);
                return Fail($"offered [{Unspoken}], it chose {result.ProtocolVersion}; it must answer error -32000 when it speaks none of the versions offered");
            }
            catch (PluginException exception) when (exception.InnerException is JsonRpcRemoteException { Error.Code: JsonRpcErrorCodes.UnsupportedProtocolVersion } refusal)
            {
                return Pass($"offered [{string.Join(", ", wider)}], chose {chosen}; offered [{Unspoken}], refused with -32000 {Quote(refusal.Error.Message)}");
            }
            catch (PluginException exception) when (exception.InnerException is JsonRpcRemoteException other)
            {
                return Fail($"offered [{Unspoken}], it answered error {other.Error.Code} {Quote(other.Error.Message)}; sharing no version is error -32000");
            }
            catch (PluginException exception)
            {
                return Fail($"offered [{Unspoken}]: {exception.Message}; it should answer error -32000");
            }
        }
    }
}

/// <summary>Started without the cookie, the plugin says on stderr what it is and exits non-zero, instead of waiting for JSON.</summary>
internal sealed class CookieScenario : ConformanceScenario
{
    public override string Name => "cookie";

    public override async Task<ConformanceResult> RunAsync(PluginCommand command, ConformanceOptions options, CancellationToken cancellationToken)
    {
        await using var session = Start(command, options, withoutCookie: true);

        // stdin stays open: a plugin that ignores the cookie would wait on it, as it would for a person at a terminal.
        ExitStatus status;
        try
        {
            status = await session.Process.Exited.WaitAsync(options.Timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return Fail($"still running {ConformanceSession.Seconds(options.Timeout)} after being started without {PluginCookie.Name}; run by hand, a plugin should say on stderr what it is and exit non-zero");
        }

        await session.StopAsync().ConfigureAwait(false);
        var said = session.StderrLines.FirstOrDefault(line => !string.IsNullOrWhiteSpace(line));
        if (status.Succeeded)
        {
            return Fail($"exited with code 0 without {PluginCookie.Name}; it should exit non-zero (the SDK exits 2)");
        }

        return said is null
            ? Fail($"{status.Describe()} without {PluginCookie.Name} but said nothing on stderr; it should say what it is and how to run it")
            : Pass($"{status.Describe()} and said {Quote(said)}");
    }
}
