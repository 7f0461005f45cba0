using TalkingBinaries.Hosting.Processes;
using TalkingBinaries.Protocol.Messages;

namespace TalkingBinaries.Hosting;

public sealed partial class PluginPool
{
    private async Task<Instance> LeaseAsync(string stepId, CancellationToken cancellationToken)
    {
        while (true)
        {
            Instance? starting = null;
            Instance? leased = null;
            lock (_lock)
            {
                if (_stopped)
                {
                    throw new ObjectDisposedException(nameof(PluginPool), $"the pool of plugin '{Name}' was stopped");
                }

                if (_deathsInARow > _options.MaxRestarts)
                {
                    throw new PluginException($"plugin '{Name}' died {_deathsInARow} times in a row; not starting it again. Its logs above say why.");
                }

                // A live process with room (a warm one, or a fresh one-shot one started ahead); else a process being
                // started whose kind is not known yet; else a new one. One that died while idle is dropped first.
                foreach (var exited in _instances.Where(instance => !instance.Retired && instance.InFlight == 0 && instance.Process.Exited.IsCompleted).ToList())
                {
                    _ = RetireAsync(exited, CancellationToken.None);
                }

                leased = _instances.FirstOrDefault(instance => instance.Usable && instance.InFlight < instance.Capacity);
                if (leased is null && _warm is not false)
                {
                    starting = _instances.FirstOrDefault(instance => !instance.Ready.IsCompleted && !instance.Retired);
                    if (starting is { InFlight: 0 })
                    {
                        leased = starting;
                        starting = null;
                    }
                }

                if (leased is null && starting is null)
                {
                    leased = StartInstance();
                }

                if (leased is not null)
                {
                    leased.InFlight++;
                    leased.Steps.Add(stepId);
                }
            }

            if (starting is not null)
            {
                // Its handshake says how many steps it takes; wait for it rather than start a process it may not need.
                await WaitQuietlyAsync(starting.Ready, cancellationToken).ConfigureAwait(false);
                continue;
            }

            try
            {
                await BackoffAsync(cancellationToken).ConfigureAwait(false);
                await leased!.Ready.WaitAsync(cancellationToken).ConfigureAwait(false);
                return leased;
            }
            catch
            {
                lock (_lock)
                {
                    leased!.InFlight--;
                    leased.Steps.Remove(stepId);
                }

                throw;
            }
        }
    }

    private async Task BackoffAsync(CancellationToken cancellationToken)
    {
        int deaths;
        lock (_lock)
        {
            deaths = _deathsInARow;
        }

        if (deaths > 0)
        {
            await Task.Delay(_options.RestartBackoff * Math.Pow(2, deaths - 1), cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task WaitQuietlyAsync(Task task, CancellationToken cancellationToken)
    {
        try
        {
            await task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PluginException)
        {
            // That process failed to start; the loop starts another.
        }
    }

    /// <summary>Starts a process and its handshake; must be called under the lock.</summary>
    private Instance StartInstance()
    {
        Instance? instance = null;
        var info = _info with { OnEvent = pluginEvent => Route(instance, pluginEvent) };
        var process = PluginProcess.Start(info);
        instance = new Instance(process, _options.OneShot);
        _instances.Add(instance);
        instance.Ready = HandshakeAsync(instance);
        return instance;
    }

    private async Task<InitializeResult> HandshakeAsync(Instance instance)
    {
        try
        {
            var result = await instance.Process.InitializeAsync(_options.Host).ConfigureAwait(false);
            lock (_lock)
            {
                _warm = result.Capabilities.Warm && !_options.OneShot;
            }

            return result;
        }
        catch (PluginException)
        {
            CountDeath(instance);
            await RetireAsync(instance, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Takes a process out of the pool and stops it, once however many steps ask; returns how it ended.</summary>
    private Task<ExitStatus> RetireAsync(Instance instance, CancellationToken force)
    {
        lock (_lock)
        {
            instance.Retired = true;
            _instances.Remove(instance);
            return instance.Retiring ??= StopAndDisposeAsync(instance.Process, force);
        }
    }

    private async Task<ExitStatus> StopAndDisposeAsync(PluginProcess process, CancellationToken force)
    {
        var exit = await process.StopAsync(_options.Stop, force).ConfigureAwait(false);

        // Its pipes and reader threads go with it; a pool that runs thousands of one-shot steps must not pile them up.
        await process.DisposeAsync().ConfigureAwait(false);
        return exit;
    }

    /// <summary>Counts a process's death once, however many steps were in flight on it.</summary>
    private void CountDeath(Instance instance)
    {
        lock (_lock)
        {
            if (!instance.Dead)
            {
                instance.Dead = true;
                _deathsInARow++;
            }
        }
    }

    /// <summary>A stderr line says nothing of its step; when one step is in flight on the process, it is that step's.</summary>
    private void Route(Instance? instance, PluginEvent pluginEvent)
    {
        if (pluginEvent.StepId is null && instance is not null)
        {
            lock (_lock)
            {
                if (instance.Steps.Count == 1)
                {
                    pluginEvent = pluginEvent with { StepId = instance.Steps.First() };
                }
            }
        }

        _info.OnEvent?.Invoke(pluginEvent);
    }

    private sealed class Instance(PluginProcess process, bool oneShot)
    {
        public PluginProcess Process { get; } = process;

        public Task<InitializeResult> Ready { get; set; } = Task.FromResult<InitializeResult>(null!);

        public int InFlight { get; set; }

        public HashSet<string> Steps { get; } = new(StringComparer.Ordinal);

        public bool Retired { get; set; }

        public bool Dead { get; set; }

        public Task<ExitStatus>? Retiring { get; set; }

        /// <summary>Handshake done, process alive: it may take steps up to its capacity.</summary>
        public bool Usable => !Retired && Ready.IsCompletedSuccessfully && !Process.Exited.IsCompleted;

        public bool IsWarm => !oneShot && Ready.IsCompletedSuccessfully && Ready.Result.Capabilities.Warm;

        public int Capacity => IsWarm ? Math.Max(1, Ready.Result.Capabilities.MaxConcurrency) : 1;
    }
}
