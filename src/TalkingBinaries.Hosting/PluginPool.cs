using System.Diagnostics;
using TalkingBinaries.Hosting.Processes;
using TalkingBinaries.Protocol.Messages;

namespace TalkingBinaries.Hosting;

/// <summary>Runs steps on one plugin, keeping warm plugins alive and starting processes only as needed.</summary>
/// <remarks>
/// <para>A plugin that declares <c>warm</c> in its handshake serves every step sent to the pool, up to its
/// <c>maxConcurrency</c> at once per process; the pool starts another process only when every running one is full.
/// A plugin that does not declare it gets a process per step, stopped after the step, as in protocol v1's first
/// hosts (docs/hosting.md, "Pools").</para>
/// <para>A warm process that dies fails the steps in flight on it (its logs are drained first) and is replaced on
/// the next step, after a backoff that doubles with each death in a row; after <see cref="PluginPoolOptions.MaxRestarts"/>
/// deaths in a row the pool gives up with a <see cref="PluginException"/>. Thread-safe.</para>
/// </remarks>
public sealed partial class PluginPool : IAsyncDisposable
{
    private readonly PluginStartInfo _info;
    private readonly PluginPoolOptions _options;
    private readonly Lock _lock = new();
    private readonly List<Instance> _instances = [];
    private bool? _warm;
    private int _deathsInARow;
    private bool _stopped;

    /// <summary>Creates a pool for the plugin <paramref name="info"/> describes; nothing starts until it is needed.</summary>
    public PluginPool(PluginStartInfo info, PluginPoolOptions options)
    {
        _info = info ?? throw new ArgumentNullException(nameof(info));
        _options = options ?? throw new ArgumentNullException(nameof(options));
    }

    /// <summary>The plugin's display name.</summary>
    public string Name => _info.DisplayName;

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
    /// Cancelling sends <c>step/cancel</c> and waits <see cref="PluginStartInfo.CancelTimeout"/> for the answer; a warm
    /// process that does not answer in time is stopped (failing the other steps on it), a one-shot one always is.
    /// </remarks>
    /// <exception cref="PluginException">The plugin could not be started, failed its handshake, or died before answering.</exception>
    public async Task<PoolStepResult> RunStepAsync(StepRunParams step, CancellationToken cancellationToken = default, CancellationToken force = default)
    {
        ArgumentNullException.ThrowIfNull(step);
        var instance = await LeaseAsync(step.StepId, cancellationToken).ConfigureAwait(false);
        var started = Stopwatch.GetTimestamp();
        try
        {
            StepRunResult? result = null;
            try
            {
                result = await instance.Process.RunStepAsync(step, cancellationToken, force).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // No answer to step/cancel in time: only stopping the process ends the step.
                var stopped = await RetireAsync(instance, force).ConfigureAwait(false);
                return new PoolStepResult(null, instance.Process.Pid, instance.IsWarm, stopped, instance.Process.BinaryTime ?? Stopwatch.GetElapsedTime(started));
            }

            lock (_lock)
            {
                _deathsInARow = 0;
            }

            if (instance.IsWarm)
            {
                return new PoolStepResult(result, instance.Process.Pid, Warm: true, null, Stopwatch.GetElapsedTime(started));
            }

            var exit = await RetireAsync(instance, force).ConfigureAwait(false);
            return new PoolStepResult(result, instance.Process.Pid, Warm: false, exit, instance.Process.BinaryTime ?? Stopwatch.GetElapsedTime(started));
        }
        catch (PluginException exception)
        {
            // The process died or broke the protocol: drain its logs, then let the step report it.
            CountDeath(instance);

            var exit = await RetireAsync(instance, force).ConfigureAwait(false);
            throw new PluginException(exception.Message, exception) { ExitStatus = exit, Pid = instance.Process.Pid, BinaryTime = instance.Process.BinaryTime };
        }
        finally
        {
            lock (_lock)
            {
                instance.InFlight--;
                instance.Steps.Remove(step.StepId);
            }
        }
    }

    /// <summary>Stops every process: shutdown, stdin closed, SIGTERM, then SIGKILL after the grace period.</summary>
    public async Task StopAsync(CancellationToken force = default)
    {
        List<Instance> instances;
        lock (_lock)
        {
            _stopped = true;
            instances = [.. _instances];
            _instances.Clear();
        }

        await Task.WhenAll(instances.Select(async instance =>
        {
            await instance.Process.StopAsync(_options.Stop, force).ConfigureAwait(false);
            await instance.Process.DisposeAsync().ConfigureAwait(false);
        })).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
    }
}
