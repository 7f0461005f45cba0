using System.Diagnostics;
using TalkingBinaries.Protocol.Messages;

namespace TalkingBinaries.Hosting;

/// <summary>Runs steps on one plugin, keeping warm plugins alive and starting processes only as needed.</summary>
/// <remarks>
/// <para>A plugin that declares <c>warm</c> in its handshake serves every step sent to the pool, up to its
/// <c>maxConcurrency</c> at once per process; the pool starts another process only when every running one is full.
/// A plugin that does not declare it gets a process per step, stopped after the step, as in protocol v1's first
/// hosts (docs/hosting.md, "Pools").</para>
/// <para>A warm process that dies fails the steps in flight on it (its logs are drained first) and is replaced on
/// the next step, after a backoff that doubles with each death in a row; after <see cref="HostingOptions.MaxRestarts"/>
/// deaths in a row the pool gives up with a <see cref="PluginException"/> of kind <see cref="PluginErrorKind.GaveUp"/>.
/// Thread-safe.</para>
/// </remarks>
public sealed partial class PluginPool : IAsyncDisposable
{
    private readonly PluginCommand _command;
    private readonly HostingOptions _options;
    private readonly HostServices _services;
    private readonly Lock _lock = new();
    private readonly List<Instance> _instances = [];
    private readonly List<Task<ExitStatus>> _retirements = [];
    private bool? _warm;
    private int _deathsInARow;
    private bool _stopped;

    /// <summary>What the pool starts.</summary>
    public PluginCommand Command => _command;

    /// <summary>Creates a pool for the plugin <paramref name="command"/> describes; nothing starts until it is needed.</summary>
    /// <param name="command">What to start.</param>
    /// <param name="options">How to behave; <see cref="HostingOptions.Default"/> when null.</param>
    /// <param name="services">What the host offers the plugin; <see cref="HostServices.None"/> when null.</param>
    public PluginPool(PluginCommand command, HostingOptions? options = null, HostServices? services = null)
    {
        _command = command ?? throw new ArgumentNullException(nameof(command));
        _options = options ?? HostingOptions.Default;
        _services = services ?? HostServices.None;
    }

    /// <summary>The plugin's display name.</summary>
    public string Name => _command.Name;

    /// <summary>Whether the plugin declared itself warm; null until a handshake has told.</summary>
    public bool? Warm => _warm;

    /// <summary>The processes alive now.</summary>
    public IReadOnlyList<int> Pids
    {
        get
        {
            lock (_lock)
            {
                return _instances.Where(instance => !instance.Process.Exited.IsCompleted).Select(instance => instance.Process.Pid).ToList();
            }
        }
    }

    /// <summary>Starts a process and shakes hands ahead of the first step, so start-up overlaps other work.</summary>
    /// <remarks>Does nothing if a process is already there. A failure is not thrown here; the first step meets it.</remarks>
    public async Task WarmUpAsync(CancellationToken cancellationToken = default)
    {
        Instance? instance = null;
        try
        {
            lock (_lock)
            {
                if (_instances.Count == 0 && !_stopped)
                {
                    instance = StartInstance();
                }
            }
        }
        catch (PluginException)
        {
            // Not startable (say, not an executable for this machine): the first step tries again and reports it.
            return;
        }

        if (instance is not null)
        {
            try
            {
                await instance.Ready.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // The first step reports whatever went wrong, with its name.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    /// <summary>Runs one step on a free process, starting or restarting one if needed.</summary>
    /// <remarks>
    /// Cancelling <paramref name="gracefulCancellationToken"/> sends <c>step/cancel</c> and waits
    /// <see cref="HostingOptions.CancelTimeout"/> for the answer; a warm process that does not answer in time is stopped
    /// (failing the other steps on it), a one-shot one always is. Cancelling <paramref name="forcefulCancellationToken"/>
    /// cuts the waits and the stop's grace short.
    /// </remarks>
    /// <exception cref="PluginException">The plugin could not be started, failed its handshake, or died before answering.</exception>
    public async Task<PoolStepResult> RunStepAsync(StepRunParams step, CancellationToken gracefulCancellationToken = default, CancellationToken forcefulCancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(step);
        using var lease = await LeaseAsync(step.StepId, gracefulCancellationToken).ConfigureAwait(false);
        var instance = lease.Instance;
        var process = instance.Process;
        var started = Stopwatch.GetTimestamp();
        try
        {
            StepRunResult result;
            try
            {
                result = await process.RunStepAsync(step, gracefulCancellationToken, forcefulCancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (gracefulCancellationToken.IsCancellationRequested)
            {
                // No answer to step/cancel in time: only stopping the process ends the step.
                var stopped = await RetireAsync(instance, forcefulCancellationToken).ConfigureAwait(false);
                return new PoolStepResult(null, process.Pid, instance.IsWarm, stopped, process.BinaryTime ?? Stopwatch.GetElapsedTime(started)) { Placement = process.Placement };
            }

            lock (_lock)
            {
                _deathsInARow = 0;
            }

            if (instance.IsWarm)
            {
                return new PoolStepResult(result, process.Pid, Warm: true, null, Stopwatch.GetElapsedTime(started)) { Placement = process.Placement };
            }

            var exit = await RetireAsync(instance, forcefulCancellationToken).ConfigureAwait(false);
            return new PoolStepResult(result, process.Pid, Warm: false, exit, process.BinaryTime ?? Stopwatch.GetElapsedTime(started)) { Placement = process.Placement };
        }
        catch (PluginException exception) when (exception.Kind == PluginErrorKind.LimitExceeded)
        {
            // A message over the limits was refused, not sent or answered: the process is as good as before.
            ExitStatus? exit = instance.IsWarm ? null : await RetireAsync(instance, forcefulCancellationToken).ConfigureAwait(false);
            throw new PluginException(exception.Kind, exception.Message, exception) { ExitStatus = exit, Pid = process.Pid, BinaryTime = process.BinaryTime };
        }
        catch (PluginException exception)
        {
            // The process died or broke the protocol: drain its logs, then let the step report it.
            CountDeath(instance);
            var exit = await RetireAsync(instance, forcefulCancellationToken).ConfigureAwait(false);
            throw new PluginException(exception.Kind, exception.Message, exception) { ExitStatus = exit, Pid = process.Pid, BinaryTime = process.BinaryTime };
        }
    }

    /// <summary>Kills what the steps of <paramref name="pools"/> left running in the background, in their plugins' process groups; the plugins go on.</summary>
    /// <remarks>For pools kept between runs: without a stop at the end of a run, nothing else would end those. One look through /proc for all (Linux only).</remarks>
    public static void KillLeftovers(IEnumerable<PluginPool> pools)
    {
        ArgumentNullException.ThrowIfNull(pools);
        var leaders = pools.Where(pool => pool._command.Launcher == PluginLauncher.Local).SelectMany(pool => pool.Pids).ToHashSet();
        if (OperatingSystem.IsLinux() && leaders.Count > 0)
        {
            Processes.ProcessGroupSweep.KillAllBut(leaders);
        }
    }

    /// <summary>Stops every process: shutdown, stdin closed, SIGTERM, then SIGKILL after the grace period.</summary>
    /// <remarks>Final: a step sent afterwards throws <see cref="ObjectDisposedException"/>. Returns when every process the pool started is gone.</remarks>
    public async Task StopAsync(CancellationToken forcefulCancellationToken = default)
    {
        List<Instance> instances;
        lock (_lock)
        {
            _stopped = true;
            instances = [.. _instances];
        }

        foreach (var instance in instances)
        {
            _ = RetireAsync(instance, forcefulCancellationToken);
        }

        List<Task<ExitStatus>> retirements;
        lock (_lock)
        {
            retirements = [.. _retirements];
        }

        await Task.WhenAll(retirements).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
    }
}
