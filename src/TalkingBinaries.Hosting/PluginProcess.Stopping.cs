namespace TalkingBinaries.Hosting;

public sealed partial class PluginProcess
{
    /// <summary>Stops the plugin, gracefully first, and returns how it ended; never returns while it or a process of its group lives.</summary>
    /// <remarks>
    /// Sends <c>shutdown</c> and closes stdin, waits half of <see cref="HostingOptions.StopGrace"/>, sends SIGTERM to
    /// the process group, waits the other half, then SIGKILLs the group. Cancelling
    /// <paramref name="forcefulCancellationToken"/> skips what is left of the grace. Then stdout and stderr are read to
    /// the end (bounded by <see cref="HostingOptions.DrainTimeout"/>), and any process still in the group is killed.
    /// Calling it again returns the same status.
    /// </remarks>
    public Task<ExitStatus> StopAsync(CancellationToken forcefulCancellationToken = default) =>
        StopWithGraceAsync(_options.StopGrace, forcefulCancellationToken);

    /// <summary>Waits for the plugin to exit by itself, then drains its output and ends its process group.</summary>
    public async Task<ExitStatus> WaitForExitAsync(CancellationToken cancellationToken = default)
    {
        await _child.Exited.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await StopWithGraceAsync(TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false);
    }

    private async Task<ExitStatus> StopWithGraceAsync(TimeSpan grace, CancellationToken forcefulCancellationToken)
    {
        await _stopGate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (_finalStatus is { } known)
            {
                return known;
            }

            if (!_child.HasExited)
            {
                if (Handshake is not null)
                {
                    _ = _wire.ShutdownAsync();
                }

                await _wire.CloseInputAsync().ConfigureAwait(false);
                await _child.TerminateAsync(grace / 2, forcefulCancellationToken).ConfigureAwait(false);
            }
            else
            {
                await _wire.CloseInputAsync().ConfigureAwait(false);
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

    private async Task DrainAsync()
    {
        var readers = Task.WhenAll(_wire.Completion, _stderrRelay.Completion);
        if (!await _child.DrainAsync(readers, _options.DrainTimeout, HostWarning).ConfigureAwait(false))
        {
            // Bounded whatever holds the pipes: the host gives up on them and ends (docs/hosting.md, "Stopping a plugin").
            HostWarning("a process outside its process group still holds its output pipes; stopped reading them (what it writes from now on is lost)");
            await _abandon.CancelAsync().ConfigureAwait(false);
            await _wire.AbandonAsync().ConfigureAwait(false);
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

    private void HostWarning(string text) =>
        Raise(new PluginLogEvent(Name, Pid, null, DateTimeOffset.UtcNow, PluginLogSource.Host, Protocol.Messages.LogLevels.Warn, text));
}
