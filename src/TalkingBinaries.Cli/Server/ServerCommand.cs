using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;
using TalkingBinaries.Workflow.DevFiles;

namespace TalkingBinaries.Cli;

/// <summary><c>tb server start|stop|status|run</c>: the per-user server that keeps plugins warm between runs (docs/server.md).</summary>
internal static partial class ServerCommand
{
    /// <summary>The exit code of <c>tb server status</c> when no server runs (as LSB's status actions say).</summary>
    public const int NotRunning = 3;

    public static Command Create()
    {
        var idle = new Option<string?>("--idle") { Description = $"Stop after this long without a run (e.g. 30s, 10m; default {Durations.Format(TbServer.DefaultIdle)}, or {ServerClient.IdleVariable})." };
        var start = new Command("start", "Start the server in the background, if it is not running.") { idle };
        start.SetAction(parse => Start(parse.GetValue(idle)));
        var stop = new Command("stop", "Stop the server: runs under way are stopped as Ctrl-C stops them, then every warm plugin.");
        stop.SetAction(_ => Stop());
        var status = new Command("status", "Say whether the server runs, since when, and which plugins it keeps warm; exit 3 when it does not run.");
        status.SetAction(_ => Status());
        var detach = new Option<bool>("--detach") { Hidden = true };
        var run = new Command("run", "Run the server in the foreground (for a service manager); Ctrl-C or SIGTERM stops it.") { idle, detach };
        run.SetAction((parse, _) => RunAsync(parse.GetValue(idle), parse.GetValue(detach)));
        return new Command("server", $"Keep plugins warm between runs: tb run --server (or {ServerClient.Variable}=1) runs through a per-user server, started on first need.")
        {
            start,
            stop,
            status,
            run,
        };
    }

    private static int Start(string? idle)
    {
        using var output = new StreamWriter(StandardStreams.Output()) { AutoFlush = true };
        using var error = new StreamWriter(StandardStreams.Error()) { AutoFlush = true };
        if (idle is not null && !TryIdle(idle, error, out _))
        {
            return ExitCodes.UsageOrConfig;
        }

        using (var running = UnixSocket.Connect(ServerPaths.Socket))
        {
            if (running is not null)
            {
                output.WriteLine($"tb server: already running (pid {running.PeerPid()}, socket {ServerPaths.Socket})");
                return ExitCodes.Success;
            }
        }

        try
        {
            using var started = ServerClient.Start(idle);
            output.WriteLine($"tb server: started (pid {started.PeerPid()}, socket {ServerPaths.Socket})");
            return ExitCodes.Success;
        }
        catch (IOException exception)
        {
            error.WriteLine($"tb server: error: {exception.Message}");
            return ExitCodes.UsageOrConfig;
        }
    }

    private static int Stop()
    {
        using var output = new StreamWriter(StandardStreams.Output()) { AutoFlush = true };
        using var socket = UnixSocket.Connect(ServerPaths.Socket);
        if (socket is null)
        {
            output.WriteLine("tb server: not running");
            return ExitCodes.Success;
        }

        var pid = socket.PeerPid();
        try
        {
            ServerFrame.Of(ServerFrameKind.Stop).Send(socket);
            output.WriteLine(ServerFrame.Receive(socket)?.String() ?? $"tb server: stopped (pid {pid})");
        }
        catch (IOException)
        {
            output.WriteLine($"tb server: stopped (pid {pid})");
        }

        // Gone for good, lock released, before a new one is started.
        for (var wait = Stopwatch.StartNew(); wait.Elapsed < TimeSpan.FromSeconds(10) && Alive(pid); Thread.Sleep(5))
        {
        }

        return ExitCodes.Success;
    }

    private static int Status()
    {
        using var output = new StreamWriter(StandardStreams.Output()) { AutoFlush = true };
        using var socket = UnixSocket.Connect(ServerPaths.Socket);
        if (socket is null)
        {
            output.WriteLine($"tb server: not running (socket {ServerPaths.Socket})");
            return NotRunning;
        }

        try
        {
            ServerFrame.Of(ServerFrameKind.Status).Send(socket);
            output.WriteLine(ServerFrame.Receive(socket)?.String() ?? "tb server: not running (it stopped as asked)");
            return ExitCodes.Success;
        }
        catch (IOException exception)
        {
            output.WriteLine($"tb server: not answering ({exception.Message})");
            return NotRunning;
        }
    }

    private static async Task<int> RunAsync(string? idleText, bool detach)
    {
        var error = new StreamWriter(StandardStreams.Error()) { AutoFlush = true };
        var idle = TbServer.DefaultIdle;
        if (idleText is not null && !TryIdle(idleText, error, out idle))
        {
            return ExitCodes.UsageOrConfig;
        }

        if (!detach)
        {
            return await TbServer.RunAsync(idle, error, () => error.WriteLine($"tb server: ready at {ServerPaths.Socket} (pid {Environment.ProcessId}; Ctrl-C to stop)"));
        }

        // Started by a client: a session of its own, so the client's terminal and its signals never reach it, and
        // once ready, stdio on /dev/null and the log, so the client's pipes close.
        _ = SetSession();
        TextWriter log = error;
        return await TbServer.RunAsync(idle, new SynchronizedLog(() => log), () =>
        {
            using (var said = new StreamWriter(StandardStreams.Output()) { AutoFlush = true })
            {
                said.WriteLine("ready");
            }

            log = Detach();
        });
    }

    private static bool TryIdle(string text, TextWriter error, out TimeSpan idle)
    {
        if (!Durations.TryParse(text, out idle, out var problem) || idle <= TimeSpan.Zero)
        {
            error.WriteLine($"tb server: error: --idle {(problem.Length > 0 ? problem : $"must be more than zero, not '{text}'")}");
            return false;
        }

        return true;
    }

    /// <summary>Points stdin and stdout at /dev/null and stderr at the log; the log's writer.</summary>
    private static StreamWriter Detach()
    {
        var nothing = Open("/dev/null", 2, 0);
        var log = Open(ServerPaths.Log, 0x441, 0x180);
        _ = Duplicate(nothing, 0);
        _ = Duplicate(nothing, 1);
        if (log >= 0)
        {
            _ = Duplicate(log, 2);
            UnixSocket.Close(log);
        }
        else
        {
            _ = Duplicate(nothing, 2);
        }

        UnixSocket.Close(nothing);
        return new StreamWriter(StandardStreams.Error()) { AutoFlush = true };
    }

    private static bool Alive(int pid) => pid > 0 && Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);

    [LibraryImport("libc", EntryPoint = "setsid")]
    private static partial int SetSession();

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "dup2")]
    private static partial int Duplicate(int from, int to);

    /// <summary>A writer that forwards to whichever writer the log is now, one line at a time.</summary>
    private sealed class SynchronizedLog(Func<TextWriter> current) : TextWriter
    {
        private readonly Lock _lock = new();

        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        public override void Write(char value)
        {
            lock (_lock)
            {
                Try(writer => writer.Write(value));
            }
        }

        public override void WriteLine(string? value)
        {
            lock (_lock)
            {
                Try(writer => writer.WriteLine($"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} {value}"));
            }
        }

        private void Try(Action<TextWriter> write)
        {
            try
            {
                write(current());
            }
            catch (IOException)
            {
            }
        }
    }
}
