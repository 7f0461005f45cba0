using System.Diagnostics;
using System.Runtime.InteropServices;

namespace TalkingBinaries.Cli;

/// <summary><c>tb run</c> through the tb server: passes stdout, stderr, environment, directory and arguments, forwards signals, and exits with the run's code.</summary>
/// <remarks>
/// Kept to what the client needs, ahead of tb's command line: the client is on every run's critical path. The server
/// is started on first need (<see cref="Start"/>) and checked to run as this user. When it cannot be reached or
/// started, the run goes on here, without it, after a warning.
/// </remarks>
internal static class ServerClient
{
    /// <summary>The environment variable that asks for the server for every <c>tb run</c>: 1, true, yes or on.</summary>
    public const string Variable = "TB_SERVER";

    /// <summary>The environment variable with the server's idle time when the client starts it (e.g. 10m).</summary>
    public const string IdleVariable = "TB_SERVER_IDLE";

    /// <summary>Whether <paramref name="arguments"/> (of <c>tb run</c>) and the environment ask for the server.</summary>
    public static bool Wanted(string[] arguments)
    {
        var wanted = Environment.GetEnvironmentVariable(Variable) is { } value
            && (value == "1" || value.Equals("true", StringComparison.OrdinalIgnoreCase) || value.Equals("yes", StringComparison.OrdinalIgnoreCase) || value.Equals("on", StringComparison.OrdinalIgnoreCase));
        foreach (var argument in arguments.AsSpan(1))
        {
            if (argument == "--no-server")
            {
                return false;
            }

            wanted |= argument == "--server";
        }

        return wanted;
    }

    /// <summary>Runs <paramref name="arguments"/> on the server; null when it cannot be used, said on stderr, so the caller runs them itself.</summary>
    public static int? Run(string[] arguments)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            UnixSocket? socket;
            try
            {
                socket = UnixSocket.Connect(ServerPaths.Socket) ?? Start(idle: null);
            }
            catch (IOException exception)
            {
                Warn($"tb: warning: cannot use the tb server ({exception.Message}); running without it");
                return null;
            }

            using (socket)
            {
                if (socket.PeerUid() != ServerPaths.Uid)
                {
                    Warn($"tb: warning: {ServerPaths.Socket} is served by another user (uid {socket.PeerUid()}); running without the tb server");
                    return null;
                }

                try
                {
                    ServerFrame.Of(ServerFrameKind.Run).Add(TbServer.Identity).Add(Environment.CurrentDirectory).Add(arguments).Add(Environ()).Send(socket, [1, 2]);
                }
                catch (IOException exception)
                {
                    Warn($"tb: warning: the tb server did not take the run ({exception.Message}); running without it");
                    return null;
                }

                if (Await(socket) is { } exit)
                {
                    return exit;
                }
            }

            // Another tb build's server: it is stopping; start this one's once it is gone.
            WaitUntilGone();
        }

        Warn("tb: warning: the tb server runs another tb build and did not make way; running without it");
        return null;
    }

    /// <summary>Starts a server in the background (a session of its own, stdio on /dev/null and its log) and connects to it.</summary>
    /// <exception cref="IOException">It did not start; the message says why.</exception>
    public static UnixSocket Start(string? idle)
    {
        ServerPaths.Prepare();
        var start = new ProcessStartInfo(Environment.ProcessPath ?? "tb")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        // Idle thread-pool workers spin (sched_yield) before they sleep: on a small machine, CPU the client and the
        // plugins of a run need. Only the server's: its plugins start with each run's own environment.
        // Paired medians of 30, root DevFile through the server: 10.20 and 10.68 ms spinning, 10.12 and 9.62 ms not.
        start.Environment["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0";
        foreach (var argument in (string[])["server", "run", "--detach"])
        {
            start.ArgumentList.Add(argument);
        }

        if ((idle ?? Environment.GetEnvironmentVariable(IdleVariable)) is { Length: > 0 } time)
        {
            start.ArgumentList.Add("--idle");
            start.ArgumentList.Add(time);
        }

        using var server = Process.Start(start) ?? throw new IOException("cannot start tb server");
        var said = server.StandardOutput.ReadLine();
        if (said != "ready")
        {
            server.WaitForExit(TimeSpan.FromSeconds(5));
            var why = server.StandardError.ReadToEnd().Trim().Split('\n')[^1];
            throw new IOException(why.Length > 0 ? why : $"tb server run exited before it was ready (see {ServerPaths.Log})");
        }

        // Another server may have won the race for the lock: either way, one listens now.
        for (var wait = Stopwatch.StartNew(); wait.Elapsed < TimeSpan.FromSeconds(5); Thread.Sleep(2))
        {
            if (UnixSocket.Connect(ServerPaths.Socket) is { } socket)
            {
                return socket;
            }
        }

        throw new IOException($"nothing listens at {ServerPaths.Socket} (see {ServerPaths.Log})");
    }

    /// <summary>The run's exit code; null when the server runs another tb build.</summary>
    private static int? Await(UnixSocket socket)
    {
        var gate = new Lock();
        void Forward(PosixSignalContext context)
        {
            // tb exits by itself once the server says the run is over, as it would without a server.
            context.Cancel = true;
            lock (gate)
            {
                try
                {
                    ServerFrame.Of(ServerFrameKind.Signal).Add((int)context.Signal).Send(socket);
                }
                catch (IOException)
                {
                }
            }
        }

        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Forward);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Forward);
        using var hangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Forward);
        ServerFrame? frame;
        try
        {
            frame = ServerFrame.Receive(socket);
        }
        catch (IOException)
        {
            frame = null;
        }

        switch (frame?.Kind)
        {
            case ServerFrameKind.Exit:
                return frame.Int();
            case ServerFrameKind.OtherBuild:
                return null;
            default:
                Warn($"tb: error: the tb server ended before the run did (see {ServerPaths.Log}); run again, or with --no-server");

                return ExitCodes.StepFailed;
        }
    }

    /// <summary>This process's environment as the kernel gave it: NAME=value entries, each ended by a NUL (no dictionary built).</summary>
    private static string Environ()
    {
        try
        {
            return System.Text.Encoding.UTF8.GetString(File.ReadAllBytes("/proc/self/environ"));
        }
        catch (IOException)
        {
            var environment = new System.Text.StringBuilder();
            foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
            {
                environment.Append(entry.Key).Append('=').Append(entry.Value).Append('\0');
            }

            return environment.ToString();
        }
    }

    private static void Warn(string line)
    {
        using var error = new StreamWriter(StandardStreams.Error()) { AutoFlush = true };
        error.WriteLine(line);
    }

    private static void WaitUntilGone()
    {
        for (var wait = Stopwatch.StartNew(); wait.Elapsed < TimeSpan.FromSeconds(10); Thread.Sleep(10))
        {
            using var socket = UnixSocket.Connect(ServerPaths.Socket);
            if (socket is null)
            {
                return;
            }
        }
    }
}
