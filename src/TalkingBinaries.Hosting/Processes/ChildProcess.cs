using System.Diagnostics;
using System.IO.Pipes;
using System.Runtime.InteropServices;

namespace TalkingBinaries.Hosting.Processes;

/// <summary>A child process in a process group of its own, with its three standard streams piped to us.</summary>
/// <remarks>
/// Spawned with posix_spawn so the child leads a new process group from its first instruction; signalling the group
/// reaches every descendant that did not leave it, including grandchildren whose parent has died. One thread per
/// child waits for its exit. All members are thread-safe.
/// </remarks>
internal sealed partial class ChildProcess : IDisposable
{
    private readonly TaskCompletionSource<ExitStatus> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _reapLock = new();
    private bool _reaped;
    private volatile bool _readersAbandoned;

    private ChildProcess(int pid, Stream standardInput, Stream standardOutput, Stream standardError, long startedTimestamp)
    {
        Pid = pid;
        StandardInput = standardInput;
        StandardOutput = standardOutput;
        StandardError = standardError;
        StartedTimestamp = startedTimestamp;
    }

    public int Pid { get; }

    public Stream StandardInput { get; private set; }

    public Stream StandardOutput { get; private set; }

    /// <summary>The relay the plugin's stdin and stdout go through, when a launcher put one between (Slurm).</summary>
    public Slurm.RelayListener? Relay { get; private set; }

    public Stream StandardError { get; }

    /// <summary>The <see cref="Stopwatch"/> timestamp just before the spawn.</summary>
    public long StartedTimestamp { get; }

    /// <summary>The <see cref="Stopwatch"/> timestamp at which the exit was seen; 0 before.</summary>
    public long ExitedTimestamp { get; private set; }

    /// <summary>Completes when the process has exited and been reaped.</summary>
    public Task<ExitStatus> Exited => _exited.Task;

    public bool HasExited => _exited.Task.IsCompleted;

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
    /// stream; if a grandchild holds the pipes open, kills the group and waits as long again; if a process outside
    /// the group (one that called setsid) still holds them, finds it by the pipes' inode, tells
    /// <paramref name="report"/>, kills it and waits as long again. Either way ends every process left in the group.
    /// False when the readers are still blocked: the caller must abandon them. Bounded: at most three timeouts.
    /// </summary>
    public async Task<bool> DrainAsync(Task readers, TimeSpan timeout, Action<string>? report = null)
    {
        // Named now, while our ends of the pipes are surely open.
        string[] pipes = [.. new[] { PipeHolders.NameOf(Descriptor(StandardOutput)), PipeHolders.NameOf(Descriptor(StandardError)) }.OfType<string>()];
        var drained = await Task.WhenAny(readers, Task.Delay(timeout)).ConfigureAwait(false) == readers;
        if (!drained)
        {
            // Killing the group closes the pipes it holds; everything written so far is still read.
            SignalGroup(LibC.SigKill);
            drained = await Task.WhenAny(readers, Task.Delay(timeout)).ConfigureAwait(false) == readers;
        }

        if (!drained)
        {
            // Someone outside the group holds them: a descendant that left it (docs/hosting.md, "Stopping a plugin").
            var holders = PipeHolders.Find(pipes);
            foreach (var holder in holders)
            {
                var failure = PipeHolders.Kill(holder, pipes);
                report?.Invoke(failure is null
                    ? $"pid {holder} ({PipeHolders.CommandOf(holder)}) left the plugin's process group and still held its output pipes after it exited; killed it. A plugin must not leave processes behind"
                    : $"pid {holder} ({PipeHolders.CommandOf(holder)}) left the plugin's process group and still holds its output pipes; could not kill it ({failure}): end it by hand");
            }

            if (holders.Count > 0)
            {
                drained = await Task.WhenAny(readers, Task.Delay(timeout)).ConfigureAwait(false) == readers;
            }
        }

        // A plugin may leave a daemon behind that closed its pipes; none may outlive the plugin.
        if (GroupAlive())
        {
            SignalGroup(LibC.SigKill);
        }

        _readersAbandoned = !drained;
        return drained;
    }

    /// <summary>
    /// Completes when the plugin can be talked to: at once for a local child; for one on a cluster, once its relay has
    /// connected back (or srun has ended), since the job may wait in the queue for as long as the cluster is busy.
    /// </summary>
    public Task Reachable => Relay?.Connected ?? Task.CompletedTask;

    /// <summary>Takes the plugin's stdin and stdout from <paramref name="relay"/> instead of this process's pipes, which are closed.</summary>
    public void UseRelay(Slurm.RelayListener relay)
    {
        StandardInput.Dispose();
        StandardOutput.Dispose();
        (StandardInput, StandardOutput, Relay) = (relay.Input, relay.Output, relay);
        _ = relay.AcceptAsync(Exited);
    }

    public void Dispose()
    {
        StandardInput.Dispose();
        Relay?.Dispose();

        // Disposing a pipe stream waits for a read blocked on it, which never ends while an escaped process holds the
        // other end: the streams of abandoned readers are left open (two descriptors) rather than hang the host.
        if (!_readersAbandoned)
        {
            StandardOutput.Dispose();
            StandardError.Dispose();
        }
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

    private static int Descriptor(Stream stream)
    {
        try
        {
            return stream is PipeStream pipe ? (int)pipe.SafePipeHandle.DangerousGetHandle() : -1;
        }
        catch (ObjectDisposedException)
        {
            return -1;
        }
    }

}
