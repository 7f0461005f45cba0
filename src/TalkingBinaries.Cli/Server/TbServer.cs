using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;
using TalkingBinaries.Hosting;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Running;

namespace TalkingBinaries.Cli;

/// <summary>The per-user tb server: runs each client's <c>tb run</c> for it, keeping plugins warm between runs (docs/server.md).</summary>
/// <remarks>
/// A client passes its stdout and stderr, environment, directory and arguments; the run writes to the client's own
/// descriptors, so its output is what <c>tb run</c> would have written, and its exit code goes back when every byte is
/// out. The client's signals are forwarded; a client that goes away stops its run as a hang-up does. Warm pools are
/// lent to one run at a time and found again only for the same executable, arguments, environment and directory.
/// Only this user may connect (the socket is 0600 in a 0700 directory, and each peer's uid is checked). After
/// <c>idle</c> without a run, or on <c>tb server stop</c> or SIGTERM, it stops every plugin and exits.
/// </remarks>
internal sealed partial class TbServer : IDisposable
{
    /// <summary>The invocation of the run on this async flow: its client's environment, directory and streams.</summary>
    private static readonly AsyncLocal<Invocation?> ServedInvocation = new();

    private readonly UnixSocket _listener;
    private readonly TimeSpan _idle;
    private readonly TextWriter _log;
    private readonly WarmPlugins _warm = new() { KeepsSlurm = false, MaxIdle = MaxIdlePools };
    private readonly DevFileCache _devFiles = new();

    /// <summary>tb's commands, kept from one run to the next: building them took about a tenth of a millisecond of each run.</summary>
    /// <remarks>One tree for each run at a time (System.CommandLine's symbols are not thread-safe); each run's invocation reaches it through <see cref="ServedInvocation"/>.</remarks>
    private readonly ConcurrentBag<RootCommand> _commands = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();
    private readonly List<ForwardedSignals> _running = [];
    private readonly long _started = Stopwatch.GetTimestamp();
    private long _lastActive = Stopwatch.GetTimestamp();
    private int _active;
    private int _served;

    private TbServer(UnixSocket listener, TimeSpan idle, TextWriter log)
    {
        _listener = listener;
        _idle = idle;
        _log = log;
    }

    public void Dispose()
    {
        _stop.Dispose();
        _listener.Dispose();
    }

    /// <summary>The most plugin pools kept idle (for as many plugins, directories and environments); the longest idle are stopped first.</summary>
    public const int MaxIdlePools = 16;

    /// <summary>The default time without a run after which the server stops: 5 minutes.</summary>
    public static TimeSpan DefaultIdle { get; } = TimeSpan.FromMinutes(5);

    /// <summary>What makes one tb build's server refuse another's runs: its executable's path, size and modification time.</summary>
    public static string Identity { get; } = MakeIdentity();

    /// <summary>Serves until idle for <paramref name="idle"/> or told to stop; <paramref name="ready"/> is called once clients can connect.</summary>
    /// <returns>0 after serving, or 0 at once when another server already holds the lock; 2 when it cannot listen (said on <paramref name="log"/>).</returns>
    public static async Task<int> RunAsync(TimeSpan idle, TextWriter log, Action ready)
    {
        FileStream lockFile;
        UnixSocket listener;
        try
        {
            ServerPaths.Prepare();
            if (Lock(log) is not { } held)
            {
                ready();
                return ExitCodes.Success;
            }

            lockFile = held;

            // A socket left by a server that was killed: nothing listens there any more.
            File.Delete(ServerPaths.Socket);
            listener = UnixSocket.Listen(ServerPaths.Socket);
        }
        catch (IOException exception)
        {
            log.WriteLine($"tb server: error: {exception.Message}");
            return ExitCodes.UsageOrConfig;
        }

        using (lockFile)
        {
            using var server = new TbServer(listener, idle, log);
            using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, server.Terminate);
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, server.Terminate);
            using var hangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, server.Terminate);
            log.WriteLine($"tb server: listening at {ServerPaths.Socket} (pid {Environment.ProcessId}, stops after {Durations.Format(idle)} idle)");
            ready();
            await server.ServeAsync();
            return ExitCodes.Success;
        }
    }

    /// <summary>The lock, held for the server's life; null when another server holds it and listens.</summary>
    /// <remarks>A server that is stopping still holds it for a moment after its socket is gone: that one is waited for.</remarks>
    private static FileStream? Lock(TextWriter log)
    {
        var waiting = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(ServerPaths.LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (waiting.Elapsed < TimeSpan.FromSeconds(10))
            {
                using var listening = UnixSocket.Connect(ServerPaths.Socket);
                if (listening is not null)
                {
                    log.WriteLine($"tb server: another server listens at {ServerPaths.Socket}; leaving it to that one");
                    return null;
                }

                Thread.Sleep(20);
            }
        }
    }

    private void Terminate(PosixSignalContext context)
    {
        context.Cancel = true;
        _stop.Cancel();
    }

    private async Task ServeAsync()
    {
        var accepting = new Thread(Accept) { IsBackground = true, Name = "tb server: accept" };
        accepting.Start();
        var check = TimeSpan.FromTicks(Math.Clamp(_idle.Ticks / 4, TimeSpan.FromMilliseconds(50).Ticks, TimeSpan.FromSeconds(5).Ticks));
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(check, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            if (Running == 0 && Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastActive)) >= _idle)
            {
                _log.WriteLine($"tb server: idle for {Durations.Format(_idle)}; stopping");
                break;
            }
        }

        // No new connection from here; runs under way are stopped as Ctrl-C stops them, then every plugin.
        File.Delete(ServerPaths.Socket);
        _listener.Shutdown();
        _listener.Dispose();
        lock (_lock)
        {
            foreach (var run in _running)
            {
                run.Raise(PosixSignal.SIGTERM);
            }
        }

        while (true)
        {
            lock (_lock)
            {
                if (_running.Count == 0)
                {
                    break;
                }
            }

            await Task.Delay(10);
        }

        await _warm.StopAsync();
        _stopped.TrySetResult();
        _log.WriteLine("tb server: stopped");

        // The answer to tb server stop goes out before the process ends.
        var leaving = Stopwatch.GetTimestamp();
        while (Volatile.Read(ref _active) > 0 && Stopwatch.GetElapsedTime(leaving) < TimeSpan.FromSeconds(2))
        {
            await Task.Delay(5);
        }
    }

    private int Running
    {
        get
        {
            lock (_lock)
            {
                return _running.Count;
            }
        }
    }

    private void Accept()
    {
        while (_listener.Accept() is { } connection)
        {
            // Only this user: the directory and the socket's mode say so, and the peer's credentials prove it.
            if (connection.PeerUid() != ServerPaths.Uid)
            {
                _log.WriteLine($"tb server: refused a connection from uid {connection.PeerUid()} (pid {connection.PeerPid()})");
                connection.Dispose();
                continue;
            }

            Interlocked.Increment(ref _active);
            _ = Task.Run(() => ServeAsync(connection));
        }
    }

    private async Task ServeAsync(UnixSocket connection)
    {
        var descriptors = new List<int>();
        try
        {
            var frame = ServerFrame.Receive(connection, descriptors);
            switch (frame?.Kind)
            {
                case ServerFrameKind.Run when descriptors.Count >= 2:
                    var output = new ServedDescriptor(descriptors[0]);
                    var error = new ServedDescriptor(descriptors[1]);
                    descriptors.RemoveRange(0, 2);
                    await RunAsync(connection, frame, output, error);
                    break;
                case ServerFrameKind.Status:
                    ServerFrame.Of(ServerFrameKind.Text).Add(Status()).Send(connection);
                    break;
                case ServerFrameKind.Stop:
                    _stop.Cancel();
                    await _stopped.Task;
                    ServerFrame.Of(ServerFrameKind.Text).Add($"tb server: stopped (pid {Environment.ProcessId})").Send(connection);
                    break;
            }
        }
        catch (IOException exception)
        {
            _log.WriteLine($"tb server: a client went away: {exception.Message}");
        }
        finally
        {
            foreach (var descriptor in descriptors)
            {
                UnixSocket.Close(descriptor);
            }

            connection.Dispose();
            Interlocked.Decrement(ref _active);
        }
    }

    private string Status()
    {
        var lines = new List<string>
        {
            $"tb server: running (pid {Environment.ProcessId}, {CommandLine.Version}, up {Uptime(Stopwatch.GetElapsedTime(_started))}, {Volatile.Read(ref _served)} runs served, {Running} running; stops after {Durations.Format(_idle)} idle)",
            $"socket: {ServerPaths.Socket}",
        };
        var warm = _warm.Describe();
        lines.Add(warm.Count == 0 ? "warm plugins: none" : "warm plugins:");
        foreach (var plugin in warm.OrderBy(plugin => plugin.Name, StringComparer.Ordinal))
        {
            var pids = plugin.Pids.Count == 0 ? "no process" : $"pid {string.Join(", ", plugin.Pids)}";
            lines.Add($"  {plugin.Name}: {plugin.ExecutablePath} in {plugin.WorkingDirectory} ({pids}{(plugin.Lent ? ", in a run" : string.Empty)})");
        }

        return string.Join('\n', lines);
    }

    /// <summary>Whole seconds ("up 12s"), and "under 1s" rather than "0ms" just after the start.</summary>
    private static string Uptime(TimeSpan time) => time < TimeSpan.FromSeconds(1) ? "under 1s" : Durations.Format(TimeSpan.FromSeconds(Math.Floor(time.TotalSeconds)));

    /// <remarks>Not the version attribute: reading it costs the client a reflection walk on every run.</remarks>
    private static string MakeIdentity()
    {
        var executable = new FileInfo(Environment.ProcessPath ?? "tb");
        return executable.Exists ? $"{executable.FullName} {executable.Length} {executable.LastWriteTimeUtc.Ticks}" : executable.FullName;
    }
}
