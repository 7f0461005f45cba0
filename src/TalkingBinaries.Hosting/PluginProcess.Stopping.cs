using TalkingBinaries.Hosting.Processes;
using TalkingBinaries.Protocol;
using TalkingBinaries.Protocol.Messages;

namespace TalkingBinaries.Hosting;

public sealed partial class PluginProcess
{
    /// <summary>Stops the plugin, gracefully first, and returns how it ended; never returns while it or a process of its group lives.</summary>
    /// <remarks>
    /// Sends <c>shutdown</c> and closes stdin, waits half the grace, sends SIGTERM to the process group, waits the
    /// other half, then SIGKILLs the group. Cancelling <paramref name="force"/> skips what is left of the grace.
    /// Then stdout and stderr are read to the end (bounded by <see cref="PluginStartInfo.DrainTimeout"/>), and any
    /// process still in the group is killed. Calling it again returns the same status.
    /// </remarks>
    public async Task<ExitStatus> StopAsync(StopOptions options, CancellationToken force = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        await _stopGate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (_finalStatus is { } known)
            {
                return known;
            }

            var half = options.Grace / 2;
            if (!_child.HasExited)
            {
                if (Handshake is not null)
                {
                    _ = _connection.NotifyAsync(ProtocolMethods.Shutdown, new ShutdownParams(), ProtocolJsonContext.Default.ShutdownParams, CancellationToken.None);
                }

                await _connection.CloseInputAsync().ConfigureAwait(false);
                await _child.TerminateAsync(half, force).ConfigureAwait(false);
            }
            else
            {
                await _connection.CloseInputAsync().ConfigureAwait(false);
            }

            var status = await _child.Exited.ConfigureAwait(false);
            await DrainAsync().ConfigureAwait(false);
            _finalStatus = status;
            return status;
        }
        finally
        {
            _stopGate.Release();
        }
    }

    /// <summary>Waits for the plugin to exit by itself, then drains its output and ends its process group.</summary>
    public async Task<ExitStatus> WaitForExitAsync(CancellationToken cancellationToken = default)
    {
        await _child.Exited.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await StopAsync(new StopOptions(TimeSpan.Zero), CancellationToken.None).ConfigureAwait(false);
    }

    private async Task DrainAsync()
    {
        var readers = Task.WhenAll(_connection.Completion, _stderrRelay.Completion);
        if (!await _child.DrainAsync(readers, _info.DrainTimeout).ConfigureAwait(false))
        {
            Raise(new PluginLogEvent(Name, Pid, null, DateTimeOffset.UtcNow, PluginLogSource.Host, LogLevels.Warn,
                "stopped reading the plugin's output: a process outside its process group still holds its pipes"));
            await _abandon.CancelAsync().ConfigureAwait(false);
            await _connection.AbandonAsync().ConfigureAwait(false);
        }

        try
        {
            await readers.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Abandoned above.
        }
    }
}
