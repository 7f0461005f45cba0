using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using TalkingBinaries.Protocol;
using TalkingBinaries.Protocol.Messages;

namespace TalkingBinaries.Hosting.Conformance;

/// <summary>One plugin process started by a scenario: what it said, and the scenario's ways to talk to it and to end it.</summary>
/// <remarks>Disposing stops the process as a host does, kills its process group, and then any process that carries the session's marker.</remarks>
internal sealed class ConformanceSession : IAsyncDisposable
{
    /// <summary>The environment variable that marks every process a session starts, so the ones that leave the group are found too.</summary>
    public const string MarkerName = "TB_CONFORMANCE_SESSION";

    private readonly ConcurrentQueue<PluginLogEvent> _lines = new();
    private readonly string _marker = $"{MarkerName}={Guid.NewGuid():N}";
    private readonly ConformanceOptions _options;
    private int _steps;

    public ConformanceSession(PluginCommand command, ConformanceOptions options, bool withoutCookie)
    {
        _options = options;
        var environment = new Dictionary<string, string?>(command.Environment) { [MarkerName] = _marker[(MarkerName.Length + 1)..] };
        var hosting = HostingOptions.Default with
        {
            Host = options.Host,
            HandshakeTimeout = options.Timeout,
            CancelTimeout = options.Timeout,
            StopGrace = TimeSpan.FromSeconds(2),
        };
        Process = PluginProcess.Start(command with { Environment = environment, WithoutCookie = withoutCookie }, hosting, HostServices.ForEvents(Record));
    }

    public PluginProcess Process { get; }

    /// <summary>The handshake's result, once <see cref="HandshakeAsync"/> succeeded.</summary>
    public InitializeResult? Handshake => Process.Handshake;

    /// <summary>The lines of stdout that were not protocol messages, in order.</summary>
    public IReadOnlyList<string> StrayStdout => [.. _lines.Where(line => line.Source == PluginLogSource.StrayStdout).Select(line => line.Text)];

    /// <summary>The lines read from stderr so far (a line too long to relay whole counts once).</summary>
    public IReadOnlyList<string> StderrLines => [.. _lines.Where(line => line.Source == PluginLogSource.Stderr && line.EndsLine).Select(line => line.Text)];

    /// <summary>Shakes hands offering the versions the host speaks; null when it went well, else why not.</summary>
    public async Task<string?> HandshakeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Process.InitializeAsync(ProtocolVersions.Supported, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (PluginException exception)
        {
            return $"no handshake: {exception.Message}";
        }
    }

    /// <summary>A <c>step/run</c> with the suite's config (or <paramref name="config"/>) and a step id of its own.</summary>
    public StepRunParams Step(JsonElement? config = null, IReadOnlyDictionary<string, JsonElement>? variables = null)
    {
        var name = $"check-{Interlocked.Increment(ref _steps)}";
        return new StepRunParams
        {
            RunId = "conformance",
            StepId = name,
            Step = name,
            Config = config ?? _options.Config,
            Variables = variables ?? new Dictionary<string, JsonElement>(),
        };
    }

    /// <summary>Runs <paramref name="step"/> until the deadline: the plugin's result, or why there is none.</summary>
    public async Task<(StepRunResult? Result, string? Problem)> AnswerAsync(StepRunParams step, CancellationToken cancellationToken)
    {
        // Not cancelled through step/cancel: this waits for an answer to the step as sent.
        var request = Process.RunStepAsync(step, CancellationToken.None);
        try
        {
            return (await request.WaitAsync(_options.Timeout, cancellationToken).ConfigureAwait(false), null);
        }
        catch (TimeoutException)
        {
            Observe(request);
            return (null, $"no answer to step/run within {Seconds(_options.Timeout)}");
        }
        catch (PluginException exception)
        {
            return (null, exception.Message);
        }
        catch (OperationCanceledException)
        {
            Observe(request);
            throw;
        }
    }

    /// <summary>
    /// Sends <c>shutdown</c> and/or closes stdin, and waits up to the deadline for the plugin to exit by itself; then up
    /// to the drain timeout for its stdout and stderr to close and its process group to empty, without killing anything.
    /// </summary>
    public async Task<Ending> EndAsync(bool shutdown, bool closeInput, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();

        // A plugin that stopped reading stdin may hold these writes up; the deadline bounds them too.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.Timeout);
        ExitStatus? status = null;
        try
        {
            if (shutdown)
            {
                await Process.SendShutdownAsync().WaitAsync(deadline.Token).ConfigureAwait(false);
            }

            if (closeInput)
            {
                await Process.CloseInputAsync().WaitAsync(deadline.Token).ConfigureAwait(false);
            }

            status = await Process.Exited.WaitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Missed the deadline: the caller says so.
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        if (status is null)
        {
            return new Ending(null, elapsed, [], OutputClosed: false);
        }

        var drain = HostingOptions.Default.DrainTimeout;
        var outputs = Task.WhenAll(Process.StdoutClosed, Process.StderrClosed);
        var closed = await Task.WhenAny(outputs, Task.Delay(drain, cancellationToken)).ConfigureAwait(false) == outputs;
        var leftovers = await LeftoverProcesses.WaitAsync(Process.Pid, _marker, closed ? drain : TimeSpan.Zero).ConfigureAwait(false);
        return new Ending(status, elapsed, leftovers, closed);
    }

    /// <summary>Stops the plugin as a host does (which ends its process group), then anything else that carries the marker.</summary>
    /// <returns>The processes that carried the marker after the stop: they left the group and closed the pipes, so only the marker found them.</returns>
    public async Task<IReadOnlyList<LeftoverProcess>> StopAsync()
    {
        await Process.StopAsync().ConfigureAwait(false);
        var escaped = LeftoverProcesses.Find(null, _marker);
        LeftoverProcesses.KillMarked(_marker);
        return escaped;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await Process.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>"5 s", "0.5 s".</summary>
    public static string Seconds(TimeSpan span) => $"{span.TotalSeconds:0.###} s";

    /// <summary>"3 ms".</summary>
    public static string Milliseconds(TimeSpan span) => $"{span.TotalMilliseconds:0} ms";

    private static void Observe(Task task) => _ = task.ContinueWith(static done => _ = done.Exception, TaskScheduler.Default);

    private void Record(PluginEvent pluginEvent)
    {
        if (pluginEvent is PluginLogEvent line)
        {
            _lines.Enqueue(line);
        }
    }

    /// <summary>How a plugin ended by itself, if it did within the deadline.</summary>
    /// <param name="Status">How it exited; null when it still ran at the deadline.</param>
    /// <param name="Elapsed">From the shutdown or end of stdin to the exit (or the deadline).</param>
    /// <param name="Leftovers">Processes of its group or with its marker still alive after the drain timeout.</param>
    /// <param name="OutputClosed">Whether its stdout and stderr reached their end within the drain timeout of the exit.</param>
    public sealed record Ending(ExitStatus? Status, TimeSpan Elapsed, IReadOnlyList<LeftoverProcess> Leftovers, bool OutputClosed);
}
