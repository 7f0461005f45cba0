using TalkingBinaries.Protocol.Messages;

namespace TalkingBinaries.Hosting;

/// <summary>The pool's processes: leasing a place on one, starting, counting deaths, retiring.</summary>
public sealed partial class PluginPool
{
    private async Task<Lease> LeaseAsync(string stepId, CancellationToken cancellationToken)
    {
        while (true)
        {
            Instance? awaited = null;
            Lease? lease = null;
            List<Instance> died;
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_stopped, this);
                if (_deathsInARow > _options.MaxRestarts)
                {
                    throw new PluginException(PluginErrorKind.GaveUp, $"plugin '{Name}' died {_deathsInARow} times in a row; not starting it again. Its logs above say why.");
                }

                // A live process with room (a warm one, or a fresh one-shot one started ahead); else a process being
                // started whose kind is not known yet; else a new one. One that died while idle is dropped first.
                died = _instances.Where(instance => instance.Steps.Count == 0 && instance.Process.Exited.IsCompleted).ToList();
                var chosen = _instances.FirstOrDefault(instance => instance.HasRoom);
                if (chosen is null && _warm is not false && _instances.FirstOrDefault(instance => instance.State == InstanceState.Starting) is { } starting)
                {
                    // A fresh process nobody waits for is this step's; one already taken says in its handshake how
                    // many steps it takes: wait for that rather than start a process that may not be needed.
                    if (starting.Steps.Count == 0)
                    {
                        chosen = starting;
                    }
                    else
                    {
                        awaited = starting;
                    }
                }

                if (chosen is null && awaited is null)
                {
                    chosen = StartInstance();
                }

                if (chosen is not null)
                {
                    lease = new Lease(this, chosen, stepId);
                }
            }

            foreach (var instance in died)
            {
                _ = RetireAsync(instance, CancellationToken.None);
            }

            if (awaited is not null)
            {
                await WaitQuietlyAsync(awaited.Ready, cancellationToken).ConfigureAwait(false);
                continue;
            }

            try
            {
                await BackoffAsync(cancellationToken).ConfigureAwait(false);
                await lease!.Instance.Ready.WaitAsync(cancellationToken).ConfigureAwait(false);
                return lease;
            }
            catch
            {
                lease!.Dispose();
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
        var instance = new Instance();
        instance.Process = PluginProcess.Start(_command, _options, new InstanceServices(this, instance));
        _instances.Add(instance);
        instance.Ready = HandshakeAsync(instance);
        return instance;
    }

    private async Task<InitializeResult> HandshakeAsync(Instance instance)
    {
        try
        {
            var result = await instance.Process.InitializeAsync().ConfigureAwait(false);
            lock (_lock)
            {
                _warm = result.Capabilities.Warm && !_options.OneShot;
                instance.Handshaken(result, _options.OneShot);
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
    /// <remarks>The stop starts off the lock and is tracked, so <see cref="StopAsync"/> waits for it.</remarks>
    private Task<ExitStatus> RetireAsync(Instance instance, CancellationToken forcefulCancellationToken)
    {
        lock (_lock)
        {
            if (instance.Retiring is { } retiring)
            {
                return retiring;
            }

            instance.State = InstanceState.Retired;
            _instances.Remove(instance);
            instance.Retiring = Task.Run(() => StopAndDisposeAsync(instance.Process, forcefulCancellationToken), CancellationToken.None);
            _retirements.Add(instance.Retiring);
            return instance.Retiring;
        }
    }

    private static async Task<ExitStatus> StopAndDisposeAsync(PluginProcess process, CancellationToken forcefulCancellationToken)
    {
        var exit = await process.StopAsync(forcefulCancellationToken).ConfigureAwait(false);

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
}
