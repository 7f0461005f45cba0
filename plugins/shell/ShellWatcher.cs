using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;

namespace TalkingBinaries.Plugins.Shell;

/// <summary>One thread that reads every command's stdout and stderr and sees every command exit, through one epoll set.</summary>
/// <remarks>
/// Started with the first command and kept for the life of the plugin: a command then costs no thread of its own. Three
/// threads a command (two blocking readers and a waiter) cost more than .NET's Process on a busy machine, each one a
/// wait for the scheduler (issue 15). Lines are split as Process split them: at \n, \r or \r\n, and the last one at
/// the end of the stream without its line end. The callbacks run on this thread, one at a time.
/// </remarks>
internal static unsafe class ShellWatcher
{
    private const int MaxEvents = 16;
    private const int ReadBytes = 4096;

    private static readonly ConcurrentDictionary<int, Watched> Watching = new();
    private static readonly Lock StartLock = new();
    private static int _epoll = -1;

    /// <summary>What the watcher does when a descriptor becomes readable.</summary>
    internal abstract class Watched
    {
        protected Watched(int descriptor) => Descriptor = descriptor;

        public int Descriptor { get; }

        /// <summary>Handles readiness; true when the descriptor is done with and must be closed.</summary>
        public abstract bool OnReadable(byte* buffer);
    }

    /// <summary>False when epoll is not available: the caller then reads and waits on threads of its own.</summary>
    public static bool Available => EnsureStarted() >= 0;

    /// <summary>Reads <paramref name="descriptor"/> (which it then owns) line by line into <paramref name="onLine"/>; the task completes at end of stream.</summary>
    public static Task Read(int descriptor, Action<string> onLine)
    {
        var stream = new LineStream(descriptor, onLine);
        Add(stream);
        return stream.Ended.Task;
    }

    /// <summary>Calls <paramref name="onExit"/> when the process behind <paramref name="pidfd"/> (which it then owns) has exited.</summary>
    public static void WatchExit(int pidfd, Action onExit) => Add(new Exit(pidfd, onExit));

    private static void Add(Watched watched)
    {
        Watching[watched.Descriptor] = watched;
        var eventData = stackalloc byte[16];
        new Span<byte>(eventData, 16).Clear();
        *(uint*)eventData = LibC.EpollIn;
        *(int*)(eventData + DataOffset) = watched.Descriptor;
        if (LibC.EpollCtl(_epoll, LibC.EpollCtlAdd, watched.Descriptor, eventData) != 0)
        {
            Watching.TryRemove(watched.Descriptor, out _);
            throw new IOException($"could not watch a pipe of the command: {LibC.Describe(Marshal.GetLastPInvokeError())}");
        }
    }

    // struct epoll_event is packed on x86-64 (data right after the 4-byte events) and naturally aligned elsewhere.
    private static int EventSize => RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    private static int DataOffset => RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    private static int EnsureStarted()
    {
        lock (StartLock)
        {
            if (_epoll >= 0)
            {
                return _epoll;
            }

            var epoll = LibC.EpollCreate(LibC.OCloExec);
            if (epoll < 0)
            {
                return -1;
            }

            _epoll = epoll;
            new Thread(Loop, 256 * 1024) { IsBackground = true, Name = "shell watcher" }.UnsafeStart();
            return _epoll;
        }
    }

    private static void Loop()
    {
        var events = stackalloc byte[MaxEvents * 16];
        var buffer = stackalloc byte[ReadBytes];
        while (true)
        {
            var count = LibC.EpollWait(_epoll, events, MaxEvents, -1);
            for (var i = 0; i < count; i++)
            {
                var descriptor = *(int*)(events + (i * EventSize) + DataOffset);
                if (!Watching.TryGetValue(descriptor, out var watched))
                {
                    continue;
                }

                bool done;
                try
                {
                    done = watched.OnReadable(buffer);
                }
#pragma warning disable CA1031 // A failing callback ends its own stream, never the watcher that serves every command.
                catch (Exception)
#pragma warning restore CA1031
                {
                    done = true;
                }

                if (done)
                {
                    // Forgotten before it is closed: the number may be handed out again at once.
                    _ = LibC.EpollCtl(_epoll, LibC.EpollCtlDel, descriptor, null);
                    Watching.TryRemove(descriptor, out _);
                    _ = LibC.Close(descriptor);
                    (watched as LineStream)?.Ended.TrySetResult();
                }
            }
        }
    }

    private sealed class LineStream(int descriptor, Action<string> onLine) : Watched(descriptor)
    {
        private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

        private readonly Decoder _decoder = Utf8.GetDecoder();
        private readonly StringBuilder _line = new();
        private readonly char[] _chars = new char[Utf8.GetMaxCharCount(ReadBytes)];
        private bool _afterCarriageReturn;

        public TaskCompletionSource Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override bool OnReadable(byte* buffer)
        {
            var read = LibC.Read(Descriptor, buffer, ReadBytes);
            if (read < 0 && Marshal.GetLastPInvokeError() == LibC.Eintr)
            {
                return false;
            }

            var end = read <= 0;
            var count = _decoder.GetChars(new ReadOnlySpan<byte>(buffer, (int)Math.Max(read, 0)), _chars, flush: end);
            foreach (var c in _chars.AsSpan(0, count))
            {
                if (c == '\n' && _afterCarriageReturn)
                {
                    _afterCarriageReturn = false;
                    continue;
                }

                _afterCarriageReturn = c == '\r';
                if (c is '\n' or '\r')
                {
                    onLine(_line.ToString());
                    _line.Clear();
                }
                else
                {
                    _line.Append(c);
                }
            }

            if (end && _line.Length > 0)
            {
                onLine(_line.ToString());
                _line.Clear();
            }

            return end;
        }
    }

    private sealed class Exit(int pidfd, Action onExit) : Watched(pidfd)
    {
        public override bool OnReadable(byte* buffer)
        {
            onExit();
            return true;
        }
    }
}
