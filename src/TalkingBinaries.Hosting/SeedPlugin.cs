using System.Text;
using System.Text.Json;
using TalkingBinaries.Hosting.Processes;
using TalkingBinaries.Hosting.Wire;
using TalkingBinaries.Protocol.Messages;
using TalkingBinaries.Protocol.Seed;

namespace TalkingBinaries.Hosting;

/// <summary>Runs a plugin that speaks the Go prototype's format: request on stdin, stdin closed, one JSON object on stdout.</summary>
/// <remarks>
/// Unlike the prototype, stderr is relayed live and nothing is lost if the plugin dies (docs/protocol.md, "The seed
/// format"). Once it has exited, what its response says becomes events, in the order the prototype printed it: its
/// logs (as stderr), then each user output line (info), then each error (warning).
/// </remarks>
public static class SeedPlugin
{
    /// <summary>The most stdout kept from a seed plugin (16 MiB, the protocol's message limit); the rest is counted and dropped.</summary>
    /// <remarks>What is kept is decoded once into the step's outputs, so a step holds a few times this at most (docs/devfile.md, "Output limits").</remarks>
    public const int MaxStdoutBytes = 16 * 1024 * 1024;

    /// <summary>Runs one step; returns when the plugin has exited and its output has been read.</summary>
    /// <param name="command">What to start.</param>
    /// <param name="config">The step's config.</param>
    /// <param name="parallel">The request's <c>Parallel</c> flag.</param>
    /// <param name="options">How to behave; <see cref="HostingOptions.Default"/> when null.</param>
    /// <param name="services">Where events go; <see cref="HostServices.None"/> when null.</param>
    /// <param name="gracefulCancellationToken">Stops the plugin as <see cref="PluginProcess.StopAsync(CancellationToken)"/> does.</param>
    /// <param name="forcefulCancellationToken">Skips what is left of the stop's grace.</param>
    /// <exception cref="PluginException">The executable could not be started.</exception>
    public static async Task<SeedStepResult> RunAsync(
        PluginCommand command,
        JsonElement config,
        bool parallel = false,
        HostingOptions? options = null,
        HostServices? services = null,
        CancellationToken gracefulCancellationToken = default,
        CancellationToken forcefulCancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        options ??= HostingOptions.Default;
        services ??= HostServices.None;
        var child = command.Launcher.Launch(command);
        using (child)
        {
            using var abandon = new CancellationTokenSource();
            var stderr = StderrRelay.Start(child, command.Name, services.Raise, abandon.Token).Completion;
            var stdout = ReadAllAsync(child.StandardOutput, child.Pid, abandon.Token);
            try
            {
                var request = JsonSerializer.SerializeToUtf8Bytes(new SeedRequest(config, parallel), SeedJsonContext.Default.SeedRequest);
                await child.StandardInput.WriteAsync(request, gracefulCancellationToken).ConfigureAwait(false);
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
                await child.Exited.WaitAsync(gracefulCancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await child.StandardInput.DisposeAsync().ConfigureAwait(false);
                await child.TerminateAsync(options.StopGrace / 2, forcefulCancellationToken).ConfigureAwait(false);
            }

            var status = await child.Exited.ConfigureAwait(false);
            var binaryTime = System.Diagnostics.Stopwatch.GetElapsedTime(child.StartedTimestamp, child.ExitedTimestamp);
            void Say(PluginLogSource source, string level, string text)
            {
                // Line by line without splitting into an array first: the text may be the whole 16 MiB of stdout.
                var rest = text.AsSpan().TrimEnd('\n');
                while (true)
                {
                    var end = rest.IndexOf('\n');
                    var line = end < 0 ? rest : rest[..end];
                    services.Raise(new PluginLogEvent(command.Name, child.Pid, null, DateTimeOffset.UtcNow, source, level, line.TrimEnd('\r').ToString()));
                    if (end < 0)
                    {
                        break;
                    }

                    rest = rest[(end + 1)..];
                }
            }

            if (!await child.DrainAsync(Task.WhenAll(stdout, stderr), options.DrainTimeout).ConfigureAwait(false))
            {
                Say(PluginLogSource.Host, LogLevels.Warn, "stopped reading the plugin's output: a process outside its process group still holds its pipes");
                await abandon.CancelAsync().ConfigureAwait(false);
            }

            var (bytes, dropped) = await stdout.ConfigureAwait(false);
            await stderr.ConfigureAwait(false);
            if (dropped > 0)
            {
                Say(PluginLogSource.Host, LogLevels.Warn, $"dropped {dropped} bytes of stdout over the limit of {MaxStdoutBytes} bytes");
            }

            return new SeedStepResult(child.Pid, status, Translate(command.Name, bytes, Say), binaryTime);
        }
    }

    /// <summary>The response's logs, lines and errors as events, and as the step's outputs.</summary>
    private static Dictionary<string, JsonElement> Translate(string plugin, ReadOnlyMemory<byte> stdout, Action<PluginLogSource, string, string> say)
    {
        var outputs = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (SeedOutput.TryDecode(stdout.Span, out var output, out var problem) && output is not null)
        {
            if (output.PluginLogs.Length > 0)
            {
                say(PluginLogSource.Stderr, LogLevels.Info, output.PluginLogs);
            }

            foreach (var text in output.UserOutput)
            {
                say(PluginLogSource.Protocol, LogLevels.Info, text);
            }

            // The prototype's plugins often leave an empty entry; it is no error to show or report.
            var errors = output.Errors.Where(text => !string.IsNullOrWhiteSpace(text)).ToList();
            foreach (var text in errors)
            {
                say(PluginLogSource.Protocol, LogLevels.Warn, text);
            }

            outputs["userOutput"] = JsonSerializer.SerializeToElement(output.UserOutput, SeedJsonOutputs.Default.IReadOnlyListString);
            outputs["errors"] = JsonSerializer.SerializeToElement(errors, SeedJsonOutputs.Default.IReadOnlyListString);
        }
        else if (stdout.Length > 0)
        {
            var text = Encoding.UTF8.GetString(stdout.Span);
            say(PluginLogSource.Host, LogLevels.Warn, $"plugin '{plugin}' speaks the seed format but {problem}; its stdout follows as text");
            say(PluginLogSource.StrayStdout, LogLevels.Info, text);
            outputs["stdout"] = JsonSerializer.SerializeToElement(text, SeedJsonOutputs.Default.String);
        }

        return outputs;
    }

    private static async Task<(ReadOnlyMemory<byte> Bytes, long Dropped)> ReadAllAsync(Stream stream, int pid, CancellationToken abandon)
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
            // The buffer itself, not a copy of it.
            return (kept.GetBuffer().AsMemory(0, (int)kept.Length), dropped);
        }
    }
}
