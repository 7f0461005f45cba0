using TalkingBinaries.Protocol.JsonRpc;

namespace TalkingBinaries.Hosting;

/// <summary>What the conformance kit (Conformance/) does to a plugin beyond what a host does: the steps of a stop one by one, and questions no host asks.</summary>
public sealed partial class PluginProcess
{
    /// <summary>Completes when the plugin's stdout has reached its end and every line before it was handled.</summary>
    internal Task StdoutClosed => _wire.Completion;

    /// <summary>Completes when the plugin's stderr has reached its end (or was abandoned).</summary>
    internal Task StderrClosed => _stderrRelay.Completion;

    /// <summary>Sends <c>shutdown</c> as a notification and leaves stdin open, so only the message can end the plugin.</summary>
    internal Task<bool> SendShutdownAsync() => _wire.ShutdownAsync();

    /// <summary>Closes the plugin's stdin without a <c>shutdown</c>.</summary>
    internal Task CloseInputAsync() => _wire.CloseInputAsync();

    /// <summary>Asks a method no plugin knows; returns the error the plugin answered with, or null when it answered with a result.</summary>
    /// <exception cref="JsonRpcClosedException">The plugin closed stdout or exited first.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired first.</exception>
    internal async Task<JsonRpcError?> RequestUnknownMethodAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _wire.RequestUnknownMethodAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (JsonRpcRemoteException exception)
        {
            return exception.Error;
        }
        catch (System.Text.Json.JsonException)
        {
            // A result of any shape is not the error asked for.
            return null;
        }
    }
}
