using System.Text;
using System.Text.Json;
using TalkingBinaries.Hosting.Processes;
using TalkingBinaries.Protocol.Messages;
using TalkingBinaries.Protocol.Seed;

namespace TalkingBinaries.Hosting;

/// <summary>Runs a plugin that speaks the Go prototype's format: request on stdin, stdin closed, one JSON object on stdout.</summary>
/// <remarks>Unlike the prototype, stderr is relayed live and nothing is lost if the plugin dies (docs/protocol.md, "The seed format").</remarks>
public static class SeedPlugin
{
    /// <summary>The most stdout kept from a seed plugin (64 MiB); the rest is counted and dropped.</summary>
    public const int MaxStdoutBytes = 64 * 1024 * 1024;

    /// <summary>Runs one step; returns when the plugin has exited and its output has been read.</summary>
    /// <remarks>Cancelling stops the plugin as <see cref="PluginProcess.StopAsync"/> does; <paramref name="force"/> skips the grace.</remarks>
    public static async Task<SeedStepResult> RunAsync(
        PluginStartInfo info,
        JsonElement config,
        StopOptions stop,
        bool parallel = false,
        CancellationToken cancellationToken = default,
        CancellationToken force = default)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(stop);
        var child = PluginLaunch.Start(info);
        using (child)
        {
            using var abandon = new CancellationTokenSource();
            var stderr = StderrRelay.Start(child, info.DisplayName, info.Raise, abandon.Token).Completion;
            var stdout = ReadAllAsync(child.StandardOutput, child.Pid, abandon.Token);
            try
            {
                var request = JsonSerializer.SerializeToUtf8Bytes(new SeedRequest(config, parallel), SeedJsonContext.Default.SeedRequest);
                await child.StandardInput.WriteAsync(request, cancellationToken).ConfigureAwait(false);
                await child.StandardInput.DisposeAsync().ConfigureAwait(false);
            }
            catch (IOException)
            {
                // The plugin exited without reading its request; its exit status tells the rest.
            }
            catch (OperationCanceledException)
            {
                // Stopped below.
            }

            try
            {
                await child.Exited.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await child.StandardInput.DisposeAsync().ConfigureAwait(false);
                await child.TerminateAsync(stop.Grace / 2, force).ConfigureAwait(false);
            }

            var status = await child.Exited.ConfigureAwait(false);
            var binaryTime = System.Diagnostics.Stopwatch.GetElapsedTime(child.StartedTimestamp, child.ExitedTimestamp);
            if (!await child.DrainAsync(Task.WhenAll(stdout, stderr), info.DrainTimeout).ConfigureAwait(false))
            {
                info.Raise(new PluginLogEvent(info.DisplayName, child.Pid, null, DateTimeOffset.UtcNow, PluginLogSource.Host, LogLevels.Warn,
                    "stopped reading the plugin's output: a process outside its process group still holds its pipes"));
                await abandon.CancelAsync().ConfigureAwait(false);
            }

            var (bytes, dropped) = await stdout.ConfigureAwait(false);
            await stderr.ConfigureAwait(false);
            if (dropped > 0)
            {
                info.Raise(new PluginLogEvent(info.DisplayName, child.Pid, null, DateTimeOffset.UtcNow, PluginLogSource.Host, LogLevels.Warn,
                    $"dropped {dropped} bytes of stdout over the limit of {MaxStdoutBytes} bytes"));
            }

            var decoded = SeedOutput.TryDecode(bytes, out var output, out var problem);
            return new SeedStepResult(child.Pid, status, decoded ? output : null, Encoding.UTF8.GetString(bytes), problem, binaryTime);
        }
    }

    private static async Task<(byte[] Bytes, long Dropped)> ReadAllAsync(Stream stream, int pid, CancellationToken abandon)
    {
        var kept = new MemoryStream();
        long dropped = 0;
        try
        {
            await ReaderThread.Start(
                $"stdout {pid}",
                () =>
                {
                    var buffer = new byte[16 * 1024];
                    int read;
                    while ((read = stream.Read(buffer)) > 0)
                    {
                        lock (kept)
                        {
                            var room = (int)Math.Min(read, MaxStdoutBytes - kept.Length);
                            kept.Write(buffer, 0, room);
                            dropped += read - room;
                        }
                    }
                },
                abandon).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Abandoned after the drain timeout, or the pipe broke; keep what arrived.
        }

        lock (kept)
        {
            return (kept.ToArray(), dropped);
        }
    }
}
