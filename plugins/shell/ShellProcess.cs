using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace TalkingBinaries.Plugins.Shell;

/// <summary>A <c>/bin/sh -c</c> started with posix_spawn, its stdout and stderr read line by line on threads of their own.</summary>
/// <remarks>
/// What .NET's Process did for this plugin, without its start-up cost (issue 15: about 1.2 ms for the first command, a
/// socket engine and a signal-handling thread); its pipes and its exit are watched by <see cref="ShellWatcher"/>. The shell stays in the plugin's process group, inherits its stdin
/// (/dev/null) and its ignored signals (SIGPIPE), starts with no signal blocked, and its lines are split as Process
/// split them (at \n, \r or \r\n, the last one without its line end too). Thread-safe.
/// </remarks>
internal sealed class ShellProcess
{
    private const int ReaderStackBytes = 256 * 1024;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _reapLock = new();
    private bool _reaped;

    private ShellProcess(int pid, int output, int errors, Action<string> onOutput, Action<string> onError)
    {
        Pid = pid;
        var pidfd = ShellWatcher.Available ? LibC.PidfdOpen(pid) : -1;
        if (pidfd >= 0)
        {
            OutputEnded = Task.WhenAll(ShellWatcher.Read(output, onOutput), ShellWatcher.Read(errors, onError));
            ShellWatcher.WatchExit(pidfd, Reap);
            return;
        }

        // Without epoll or pidfd (Linux before 5.3), a thread for each pipe and one that waits for the exit.
        OutputEnded = Task.WhenAll(Read(output, onOutput, $"stdout {pid}"), Read(errors, onError, $"stderr {pid}"));
        new Thread(WaitForExit, ReaderStackBytes) { IsBackground = true, Name = $"wait {pid}" }.Start();
    }

    public int Pid { get; }

    /// <summary>The shell's exit code once it has exited and been reaped; 128 + the signal when a signal ended it.</summary>
    public Task<int> Exited => _exited.Task;

    /// <summary>Completes when stdout and stderr have both reached their end: every process holding them has closed them.</summary>
    public Task OutputEnded { get; }

    /// <summary>Runs <paramref name="command"/>; throws <see cref="IOException"/> with the reason when the shell cannot be started.</summary>
    public static unsafe ShellProcess Start(string command, IEnumerable<KeyValuePair<string, string>> environment, string? workingDirectory, Action<string> onOutput, Action<string> onError)
    {
        var output = stackalloc int[2];
        var errors = stackalloc int[2];
        CreatePipe(output);
        try
        {
            CreatePipe(errors);
        }
        catch
        {
            _ = LibC.Close(output[0]);
            _ = LibC.Close(output[1]);
            throw;
        }

        var strings = new List<nint>();
        var fileActions = NativeMemory.AllocZeroed(LibC.SpawnFileActionsSize);
        var attributes = NativeMemory.AllocZeroed(LibC.SpawnAttrSize);
        var signals = NativeMemory.AllocZeroed(LibC.SigSetSize);
        var argv = AllocateStringArray(["/bin/sh", "-c", command], strings);
        var envp = AllocateStringArray([.. environment.Select(pair => $"{pair.Key}={pair.Value}")], strings);
        var spawned = false;
        try
        {
            Check(LibC.FileActionsInit(fileActions), "posix_spawn_file_actions_init");
            Check(LibC.FileActionsAddDup2(fileActions, output[1], 1), "posix_spawn_file_actions_adddup2");
            Check(LibC.FileActionsAddDup2(fileActions, errors[1], 2), "posix_spawn_file_actions_adddup2");
            if (workingDirectory is not null)
            {
                Check(LibC.FileActionsAddChdir(fileActions, Utf8String(workingDirectory, strings)), "posix_spawn_file_actions_addchdir_np");
            }

            // posix_spawn resets the signals the runtime handles and keeps the ignored ones, as Process did; threads
            // of the runtime may block signals, and a command must start with none blocked.
            Check(LibC.AttrInit(attributes), "posix_spawnattr_init");
            Check(LibC.AttrSetFlags(attributes, LibC.PosixSpawnSetSigMask | LibC.PosixSpawnSetSigDef), "posix_spawnattr_setflags");
            _ = LibC.SigEmptySet(signals);
            Check(LibC.AttrSetSigMask(attributes, signals), "posix_spawnattr_setsigmask");

            // sigaddset refuses glibc's internal signals, so the bit is set by hand (a sigset_t is an array of longs).
            ((ulong*)signals)[(LibC.SigSetXid - 1) / 64] |= 1UL << ((LibC.SigSetXid - 1) % 64);
            Check(LibC.AttrSetSigDefault(attributes, signals), "posix_spawnattr_setsigdefault");

            int pid;
            var error = LibC.PosixSpawn(&pid, argv[0], fileActions, attributes, argv, envp);
            if (error != 0)
            {
                throw new IOException(workingDirectory is null
                    ? LibC.Describe(error)
                    : $"{LibC.Describe(error)} (workdir {workingDirectory})");
            }

            spawned = true;
            _ = LibC.Close(output[1]);
            _ = LibC.Close(errors[1]);
            return new ShellProcess(pid, output[0], errors[0], onOutput, onError);
        }
        finally
        {
            if (!spawned)
            {
                foreach (var descriptor in new[] { output[0], output[1], errors[0], errors[1] })
                {
                    _ = LibC.Close(descriptor);
                }
            }

            _ = LibC.FileActionsDestroy(fileActions);
            _ = LibC.AttrDestroy(attributes);
            NativeMemory.Free(fileActions);
            NativeMemory.Free(attributes);
            NativeMemory.Free(signals);
            NativeMemory.Free(argv);
            NativeMemory.Free(envp);
            foreach (var pointer in strings)
            {
                Marshal.FreeCoTaskMem(pointer);
            }
        }
    }

    /// <summary>Kills the shell and every process it started, as Process.Kill(entireProcessTree: true) did; nothing once it has been reaped.</summary>
    public void KillTree()
    {
        // Under the lock the shell's PID cannot be reaped and reused by another process before it is signalled.
        lock (_reapLock)
        {
            if (!_reaped)
            {
                ProcessTree.Kill(Pid);
            }
        }
    }

    private static Task Read(int descriptor, Action<string> onLine, string name)
    {
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // A blocking read on a thread of its own: an asynchronous read of a pipe would hold a pool thread as long anyway.
        var thread = new Thread(
            () =>
            {
                try
                {
                    using var reader = new StreamReader(
                        new FileStream(new SafeFileHandle(descriptor, ownsHandle: true), FileAccess.Read, bufferSize: 0),
                        Utf8,
                        detectEncodingFromByteOrderMarks: false,
                        bufferSize: 4096);
                    while (reader.ReadLine() is { } line)
                    {
                        onLine(line);
                    }

                    ended.TrySetResult();
                }
#pragma warning disable CA1031 // Whatever ends the reader is handed to whoever awaits it.
                catch (Exception exception)
#pragma warning restore CA1031
                {
                    ended.TrySetException(exception);
                }
            },
            ReaderStackBytes)
        {
            IsBackground = true,
            Name = name,
        };
        thread.Start();
        return ended.Task;
    }

    private unsafe void WaitForExit()
    {
        // Wait without reaping, then reap under the lock: until then the PID stays ours (a zombie), so KillTree can
        // never hit an unrelated process that reused it.
        var info = stackalloc byte[LibC.SigInfoSize];
        while (LibC.WaitId(LibC.PPid, Pid, info, LibC.WExited | LibC.WNoWait) != 0 && Marshal.GetLastPInvokeError() == LibC.Eintr)
        {
        }

        Reap();
    }

    /// <summary>Reaps the shell, which has exited, and completes <see cref="Exited"/>.</summary>
    private unsafe void Reap()
    {
        var status = 0;
        int result;
        lock (_reapLock)
        {
            do
            {
                result = LibC.WaitPid(Pid, &status, 0);
            }
            while (result < 0 && Marshal.GetLastPInvokeError() == LibC.Eintr);
            _reaped = true;
        }

        var signal = status & 0x7f;
        _exited.TrySetResult(result != Pid ? -1 : signal == 0 ? (status >> 8) & 0xff : 128 + signal);
    }

    private static unsafe void CreatePipe(int* descriptors)
    {
        if (LibC.Pipe2(descriptors, LibC.OCloExec) != 0)
        {
            throw new IOException($"could not create a pipe: {LibC.Describe(Marshal.GetLastPInvokeError())}");
        }
    }

    private static void Check(int result, string call)
    {
        if (result != 0)
        {
            throw new IOException($"{call} failed: {LibC.Describe(result)}");
        }
    }

    private static unsafe byte* Utf8String(string text, List<nint> strings)
    {
        var pointer = Marshal.StringToCoTaskMemUTF8(text);
        strings.Add(pointer);
        return (byte*)pointer;
    }

    private static unsafe byte** AllocateStringArray(List<string> items, List<nint> strings)
    {
        var array = (byte**)NativeMemory.AllocZeroed((nuint)(items.Count + 1), (nuint)sizeof(nint));
        for (var i = 0; i < items.Count; i++)
        {
            array[i] = Utf8String(items[i], strings);
        }

        return array;
    }
}
