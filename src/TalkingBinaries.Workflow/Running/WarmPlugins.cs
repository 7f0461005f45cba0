using TalkingBinaries.Hosting;

namespace TalkingBinaries.Workflow.Running;

/// <summary>Warm plugin processes kept from one run to the next (<c>tb run --watch</c>), so a rerun pays no start-up.</summary>
/// <remarks>
/// Give the same instance to the <see cref="RunOptions.WarmPlugins"/> of runs made one after the other, never at the
/// same time, and dispose it when done: that stops every process. A plugin whose executable changed (its size or
/// modification time) since its processes started gets new ones, the old stopped gracefully.
/// </remarks>
public sealed class WarmPlugins : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _pools = new(StringComparer.Ordinal);
    private readonly List<Task> _stopping = [];
    private bool _disposed;

    /// <summary>The pool for <paramref name="key"/>, made now or kept from an earlier run, talking to <paramref name="services"/>.</summary>
    internal PluginPool Pool(string key, PluginCommand command, HostingOptions options, HostServices services)
    {
        var stamp = Stamp(command.ExecutablePath);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_pools.TryGetValue(key, out var kept))
            {
                if (kept.Stamp == stamp && kept.Pool.Command.ExecutablePath == command.ExecutablePath)
                {
                    kept.Services.Target = services;
                    return kept.Pool;
                }

                _stopping.Add(kept.Pool.StopAsync());
            }

            var relayed = new RelayedServices { Target = services };
            var pool = new PluginPool(command, options, relayed);
            _pools[key] = new Entry(pool, relayed, stamp);
            return pool;
        }
    }

    /// <summary>Ends a run: what the plugins say until the next run is dropped.</summary>
    internal void Release()
    {
        lock (_lock)
        {
            foreach (var entry in _pools.Values)
            {
                entry.Services.Target = HostServices.None;
            }
        }
    }

    /// <summary>Stops every process gracefully, cut short by <paramref name="forcefulCancellationToken"/>; returns when all are gone.</summary>
    public async Task StopAsync(CancellationToken forcefulCancellationToken = default)
    {
        List<Task> stops;
        lock (_lock)
        {
            _disposed = true;
            stops = [.. _stopping, .. _pools.Values.Select(entry => entry.Pool.StopAsync(forcefulCancellationToken))];
            _pools.Clear();
        }

        await Task.WhenAll(stops).ConfigureAwait(false);
    }

    /// <summary>Stops every process gracefully (<see cref="StopAsync"/>).</summary>
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private static (long Size, DateTime Written) Stamp(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? (info.Length, info.LastWriteTimeUtc) : (-1, default);
    }

    private sealed record Entry(PluginPool Pool, RelayedServices Services, (long Size, DateTime Written) Stamp);
}
