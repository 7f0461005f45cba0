using System.Diagnostics;
using System.IO.Pipes;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace TalkingBinaries.Hosting.Processes;

/// <summary>A child process in a process group of its own, with its three standard streams piped to us.</summary>
/// <remarks>
/// Spawned with posix_spawn so the child leads a new process group from its first instruction; signalling the group
/// reaches every descendant that did not leave it, including grandchildren whose parent has died. One thread per
/// child waits for its exit. All members are thread-safe.
/// </remarks>
internal sealed class ChildProcess : IDisposable
{
    private readonly TaskCompletionSource<ExitStatus> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _reapLock = new();
    private bool _reaped;

    private ChildProcess(int pid, Stream standardInput, Stream standardOutput, Stream standardError, long startedTimestamp)
    {
        Pid = pid;
        StandardInput = standardInput;
        StandardOutput = standardOutput;
        StandardError = standardError;
        StartedTimestamp = startedTimestamp;
    }

    public int Pid { get; }

    public Stream StandardInput { get; }

    public Stream StandardOutput { get; }

    public Stream StandardError { get; }

    /// <summary>The <see cref="Stopwatch"/> timestamp just before the spawn.</summary>
    public long StartedTimestamp { get; }

    /// <summary>The <see cref="Stopwatch"/> timestamp at which the exit was seen; 0 before.</summary>
    public long ExitedTimestamp { get; private set; }

    /// <summary>Completes when the process has exited and been reaped.</summary>
    public Task<ExitStatus> Exited => _exited.Task;

    public bool HasExited => _exited.Task.IsCompleted;

    /// <summary>Starts <paramref name="path"/>; throws <see cref="IOException"/> with the reason when it cannot.</summary>
    public static unsafe ChildProcess Start(string path, IReadOnlyList<string> arguments, IEnumerable<KeyValuePair<string, string>> environment, string? workingDirectory)
    {
        var input = stackalloc int[2];
        var output = stackalloc int[2];
        var errors = stackalloc int[2];
        CreatePipe(input);
        CreatePipe(output);
        CreatePipe(errors);

        var strings = new List<nint>();
        var fileActions = NativeMemory.AllocZeroed(LibC.SpawnFileActionsSize);
        var attributes = NativeMemory.AllocZeroed(LibC.SpawnAttrSize);
        var signals = NativeMemory.AllocZeroed(LibC.SigSetSize);
        var argv = AllocateStringArray([path, .. arguments], strings);
        var envp = AllocateStringArray(environment.Select(pair => $"{pair.Key}={pair.Value}").ToList(), strings);
        try
        {
            Check(LibC.FileActionsInit(fileActions), "posix_spawn_file_actions_init");
            Check(LibC.FileActionsAddDup2(fileActions, input[0], 0), "adddup2");
            Check(LibC.FileActionsAddDup2(fileActions, output[1], 1), "adddup2");
            Check(LibC.FileActionsAddDup2(fileActions, errors[1], 2), "adddup2");
            if (workingDirectory is not null)
            {
                Check(LibC.FileActionsAddChdir(fileActions, Utf8(workingDirectory, strings)), "addchdir");
            }

            Check(LibC.AttrInit(attributes), "posix_spawnattr_init");
            Check(LibC.AttrSetFlags(attributes, LibC.PosixSpawnSetPgroup | LibC.PosixSpawnSetSigDef | LibC.PosixSpawnSetSigMask), "setflags");
            Check(LibC.AttrSetPgroup(attributes, 0), "setpgroup");

            // The runtime ignores SIGPIPE and blocks signals on some threads; a child must start with the defaults.
            _ = LibC.SigFillSet(signals);
            Check(LibC.AttrSetSigDefault(attributes, signals), "setsigdefault");
            _ = LibC.SigEmptySet(signals);
            Check(LibC.AttrSetSigMask(attributes, signals), "setsigmask");

            int pid;
            var started = Stopwatch.GetTimestamp();
            var error = LibC.PosixSpawn(&pid, (byte*)argv[0], fileActions, attributes, argv, envp);
            if (error != 0)
            {
                CloseAll(input, output, errors);
                throw new IOException($"could not start {path}: {LibC.Describe(error)}");
            }

            LibC.Close(input[0]);
            LibC.Close(output[1]);
            LibC.Close(errors[1]);
            var child = new ChildProcess(
                pid,
                OpenPipe(input[1], PipeDirection.Out),
                OpenPipe(output[0], PipeDirection.In),
                OpenPipe(errors[0], PipeDirection.In),
                started);
            child.StartExitWatcher();
            return child;
        }
        finally
        {
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

    /// <summary>Sends <paramref name="signal"/> to the process alone; false once it has been reaped.</summary>
    public bool Signal(int signal)
    {
        // Under the lock the PID cannot be reaped and reused between the check and the kill.
        lock (_reapLock)
        {
            return !_reaped && LibC.Kill(Pid, signal) == 0;
        }
    }

    /// <summary>Sends <paramref name="signal"/> to every process left in the child's group; false when none is.</summary>
    public bool SignalGroup(int signal) => LibC.Kill(-Pid, signal) == 0;

    /// <summary>True while any process of the child's group lives.</summary>
    public bool GroupAlive() => LibC.Kill(-Pid, 0) == 0;

    /// <summary>
    /// Waits <paramref name="patience"/> for the exit, then SIGTERMs the group and waits as long again, then
    /// SIGKILLs the group; returns once the process has exited. <paramref name="force"/> cuts the waits short.
    /// </summary>
    public async Task<ExitStatus> TerminateAsync(TimeSpan patience, CancellationToken force)
    {
        if (!await WaitAsync(patience, force).ConfigureAwait(false))
        {
            SignalGroup(LibC.SigTerm);
            if (!await WaitAsync(patience, force).ConfigureAwait(false))
            {
                SignalGroup(LibC.SigKill);
            }
        }

        return await Exited.ConfigureAwait(false);
    }

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for <paramref name="readers"/> (of stdout and stderr) to reach end of
    /// stream; if a grandchild holds the pipes open, kills the group and waits as long again. Either way ends every
    /// process left in the group. False when the readers are still blocked: the caller must abandon them.
    /// </summary>
    public async Task<bool> DrainAsync(Task readers, TimeSpan timeout)
    {
        var drained = await Task.WhenAny(readers, Task.Delay(timeout)).ConfigureAwait(false) == readers;
        if (!drained)
        {
            // Killing the group closes the pipes it holds; everything written so far is still read.
            SignalGroup(LibC.SigKill);
            drained = await Task.WhenAny(readers, Task.Delay(timeout)).ConfigureAwait(false) == readers;
        }

        // A plugin may leave a daemon behind that closed its pipes; none may outlive the plugin.
        if (GroupAlive())
        {
            SignalGroup(LibC.SigKill);
        }

        return drained;
    }

    public void Dispose()
    {
        StandardInput.Dispose();
        StandardOutput.Dispose();
        StandardError.Dispose();
    }

    private async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken force)
    {
        if (HasExited)
        {
            return true;
        }

        try
        {
            await Exited.WaitAsync(timeout, force).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        catch (OperationCanceledException)
        {
            return HasExited;
        }
    }

    private void StartExitWatcher()
    {
        var thread = new Thread(WaitForExit) { IsBackground = true, Name = $"wait {Pid}" };
        thread.Start();
    }

    private unsafe void WaitForExit()
    {
        // Wait without reaping, then reap under the lock: until then the PID stays ours (a zombie), so Signal
        // can never hit an unrelated process that reused it.
        var info = stackalloc byte[LibC.SigInfoSize];
        while (LibC.WaitId(LibC.PPid, Pid, info, LibC.WExited | LibC.WNoWait) != 0 && Marshal.GetLastPInvokeError() == LibC.Eintr)
        {
        }

        int status = 0;
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

        ExitedTimestamp = Stopwatch.GetTimestamp();
        var signal = status & 0x7f;
        _exited.TrySetResult(result != Pid ? ExitStatus.Exited(-1) : signal == 0 ? ExitStatus.Exited((status >> 8) & 0xff) : ExitStatus.Killed(signal));
    }

    private static unsafe void CreatePipe(int* descriptors)
    {
        if (LibC.Pipe2(descriptors, LibC.OCloExec) != 0)
        {
            throw new IOException($"could not create a pipe: {LibC.Describe(Marshal.GetLastPInvokeError())}");
        }
    }

    private static AnonymousPipeClientStream OpenPipe(int descriptor, PipeDirection direction) =>
        new(direction, new SafePipeHandle(descriptor, ownsHandle: true));

    private static unsafe void CloseAll(int* input, int* output, int* errors)
    {
        foreach (var descriptor in new[] { input[0], input[1], output[0], output[1], errors[0], errors[1] })
        {
            LibC.Close(descriptor);
        }
    }

    private static void Check(int result, string call)
    {
        if (result != 0)
        {
            throw new IOException($"{call} failed: {LibC.Describe(result)}");
        }
    }

    private static unsafe byte* Utf8(string text, List<nint> strings)
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
            array[i] = Utf8(items[i], strings);
        }

        return array;
    }
}
