using System.CommandLine;
using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using TalkingBinaries.Workflow.DevFiles;

namespace TalkingBinaries.Cli;

// The tb server's runs: one client's tb run, with its descriptors, environment and signals.
internal sealed partial class TbServer
{
    private async Task RunAsync(UnixSocket connection, ServerFrame request, ServedDescriptor output, ServedDescriptor error)
    {
        var received = Stopwatch.GetTimestamp();
        var identity = request.String();
        var directory = request.String();
        var arguments = request.Strings();
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var variable in request.String().Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = variable.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                environment[variable[..equals]] = variable[(equals + 1)..];
            }
        }

        if (identity != Identity)
        {
            // Another tb build asks: it starts a server of its own once this one is gone.
            output.Close();
            error.Close();
            _log.WriteLine($"tb server: a client runs another tb ({identity}); stopping for it");
            ServerFrame.Of(ServerFrameKind.OtherBuild).Send(connection);
            _stop.Cancel();
            return;
        }

        var signals = new ForwardedSignals();
        var finished = 0;
        lock (_lock)
        {
            // Stopping takes this lock after it is asked for: a run is either among those it stops, or turned away
            // here, never started on plugins being stopped. Turned away, the client starts a server of its own.
            if (_stop.IsCancellationRequested)
            {
                output.Close();
                error.Close();
                ServerFrame.Of(ServerFrameKind.OtherBuild).Send(connection);
                return;
            }

            _running.Add(signals);
        }

        // The client forwards its signals; the end of its stream means it is gone, which stops the run as a hang-up.
        // Read asynchronously: a thread started for each run would cost the run its start-up (Thread.Start spins). Set up
        // on the pool, off the run's way to its first step (a socket object and its registration with the event loop
        // took about 0.07 ms); a signal sent meanwhile waits in the socket.
        var listening = Task.Run(() => ListenAsync(connection.Descriptor, signals, () => Volatile.Read(ref finished) != 0));

        int exit;
        try
        {
            var invocation = Invocation.Served(environment, directory, output, error, signals, _warm, _devFiles);
            exit = await InvokeAsync(invocation, [.. arguments]);
        }
#pragma warning disable CA1031 // Whatever went wrong ends this client's run with a line, never the server.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            _log.WriteLine($"tb server: a run failed: {exception}");
            using var said = new StreamWriter(StandardStreams.Of(error)) { AutoFlush = true };
            TrySay(said, $"tb: error: the tb server failed to run this: {exception.Message}; run again with --no-server, and see {ServerPaths.Log}");
            exit = ExitCodes.StepFailed;
        }
        finally
        {
            Volatile.Write(ref finished, 1);
            lock (_lock)
            {
                _running.Remove(signals);
            }

            // Every byte is out before the exit code: once the client exits, nothing here holds its stdout open.
            output.Close();
            error.Close();
        }

        // Only runs keep the server up: tb server status, asked again and again, does not.
        Interlocked.Exchange(ref _lastActive, Stopwatch.GetTimestamp());
        Interlocked.Increment(ref _served);
        try
        {
            ServerFrame.Of(ServerFrameKind.Exit).Add(exit).Send(connection);
        }
        catch (IOException)
        {
        }

        connection.Shutdown();
        _log.WriteLine($"tb server: ran tb {string.Join(' ', arguments)} in {directory} for pid {connection.PeerPid()}: exit {exit} after {Durations.Format(Stopwatch.GetElapsedTime(received))}");
        await listening;
    }

    private static async Task ListenAsync(int descriptor, ForwardedSignals signals, Func<bool> finished)
    {
        using var connection = new Socket(new SafeSocketHandle(descriptor, ownsHandle: false));
        try
        {
            while (await ServerFrame.ReceiveAsync(connection) is { Kind: ServerFrameKind.Signal } frame)
            {
                signals.Raise((PosixSignal)frame.Int());
            }
        }
        catch (Exception exception) when (exception is IOException or SocketException or ObjectDisposedException)
        {
        }

        if (!finished())
        {
            signals.Raise(PosixSignal.SIGHUP);
        }
    }

    private async Task<int> InvokeAsync(Invocation invocation, string[] arguments)
    {
        // The run's invocation flows with it, through this async local, to a command tree kept from earlier runs.
        ServedInvocation.Value = invocation;
        if (!_commands.TryTake(out var root))
        {
            root = CommandLine.Create(() => ServedInvocation.Value ?? throw new InvalidOperationException("a served run without its invocation"));
        }

        try
        {
            using var output = new StreamWriter(invocation.Output()) { AutoFlush = true };
            using var error = new StreamWriter(invocation.Error()) { AutoFlush = true };
            var parsed = root.Parse(arguments);
            if (parsed.Errors.Count > 0)
            {
                TrySay(error, UsageErrors.Describe(parsed, root));
                return ExitCodes.UsageOrConfig;
            }

            return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false, Output = output, Error = error });
        }
        finally
        {
            _commands.Add(root);
        }
    }

    private static void TrySay(TextWriter writer, string line)
    {
        try
        {
            writer.WriteLine(line);
        }
        catch (IOException)
        {
        }
    }
}
