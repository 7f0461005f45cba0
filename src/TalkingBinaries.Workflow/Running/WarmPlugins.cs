using System.Security.Cryptography;
using System.Text;
using TalkingBinaries.Hosting;

namespace TalkingBinaries.Workflow.Running;

/// <summary>Warm plugin processes kept from one run to the next (<c>tb run --watch</c>, the tb server), so a run pays no start-up.</summary>
/// <remarks>
/// Give the same instance to the <see cref="RunOptions.WarmPlugins"/> of several runs, and dispose it when done: that
/// stops every process. A pool is lent to one run at a time; a run that finds its pools lent to another at the same
/// time gets new ones. A pool is found again only for the same plugin name, executable, arguments, environment,
/// working directory and hosting options, so a run never talks to a process started with another run's environment
/// (but for <c>_</c>, which shells set to each command's path).
/// A plugin whose executable changed (its size or modification time) since its processes started gets new ones, the
/// old stopped gracefully. Pools of plugins on Slurm are kept only when <see cref="KeepsSlurm"/> says so.
/// </remarks>
public sealed class WarmPlugins : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<Entry>> _pools = new(StringComparer.Ordinal);
    private readonly List<Task> _stopping = [];
    private bool _disposed;
    private long _clock;

    /// <summary>Whether pools of plugins on Slurm are kept too (true), holding their allocations between runs.</summary>
    public bool KeepsSlurm { get; init; } = true;

    /// <summary>The most pools kept while no run has them; past it, those idle longest are stopped.</summary>
    public int MaxIdle { get; init; } = int.MaxValue;

    /// <summary>The plugin processes kept now, lent to a run or idle.</summary>
    public IReadOnlyList<WarmPluginState> Describe()
    {
        lock (_lock)
        {
            return [.. _pools.Values.SelectMany(entries => entries).Select(entry => new WarmPluginState(entry.Pool.Name, entry.Pool.Command.ExecutablePath, entry.Pool.Command.WorkingDirectory, entry.Pool.Pids, entry.Lent))];
        }
    }

    /// <summary>Whether pools of <paramref name="command"/> are kept.</summary>
    internal bool Keeps(PluginCommand command) => KeepsSlurm || command.Launcher == PluginLauncher.Local;

    /// <summary>A pool for <paramref name="key"/>, made now or kept from an earlier run, lent to the caller's run and talking to <paramref name="services"/>.</summary>
    internal PluginPool Pool(string key, PluginCommand command, HostingOptions options, HostServices services)
    {
        var stamp = Stamp(command.ExecutablePath);
        var identity = $"{key}\n{Identity(command, options)}";
        var (pool, sweep) = Lend(identity, stamp, command, options, services);

        // The sweep after the pool's last run kills only what that run left; it ends before this run's steps start.
        sweep.Wait();
        return pool;
    }

    private (PluginPool Pool, Task Sweep) Lend(string identity, (long Size, DateTime Written) stamp, PluginCommand command, HostingOptions options, HostServices services)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_pools.TryGetValue(identity, out var entries))
            {
                _pools[identity] = entries = [];
            }

            foreach (var kept in entries.Where(entry => !entry.Lent).ToList())
            {
                if (kept.Stamp == stamp)
                {
                    kept.Lent = true;
                    kept.Released = ++_clock;
                    kept.Services.Target = services;
                    return (kept.Pool, kept.Sweep);
                }

                entries.Remove(kept);
                _stopping.Add(kept.Pool.StopAsync());
            }

            var relayed = new RelayedServices { Target = services };
            var pool = new PluginPool(command, options, relayed);
            entries.Add(new Entry(pool, relayed, stamp) { Lent = true, Released = ++_clock });
            return (pool, Task.CompletedTask);
        }
    }

    /// <summary>Ends a run: its <paramref name="pools"/> are free for the next, and what their plugins say until then is dropped.</summary>
    /// <remarks>Of several idle pools for one plugin (left by runs at the same time), one is kept and the others stopped.</remarks>
    internal void Release(IReadOnlyCollection<PluginPool> pools)
    {
        // Off the run's critical path: what its steps left in the background goes a moment after it ends.
        var sweep = Task.Run(() => PluginPool.KillLeftovers(pools));
        lock (_lock)
        {
            foreach (var entries in _pools.Values)
            {
                foreach (var entry in entries.Where(entry => pools.Contains(entry.Pool)))
                {
                    entry.Sweep = sweep;
                    entry.Lent = false;
                    entry.Released = ++_clock;
                    entry.Services.Target = HostServices.None;
                }

                foreach (var surplus in entries.Where(entry => !entry.Lent).Skip(1).ToList())
                {
                    entries.Remove(surplus);
                    _stopping.Add(surplus.Pool.StopAsync());
                }
            }

            var idle = _pools.Values.SelectMany(entries => entries).Where(entry => !entry.Lent).OrderBy(entry => entry.Released).ToList();
            foreach (var oldest in idle.Take(Math.Max(0, idle.Count - MaxIdle)))
            {
                _pools.Values.First(entries => entries.Contains(oldest)).Remove(oldest);
                _stopping.Add(oldest.Pool.StopAsync());
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
            stops = [.. _stopping, .. _pools.Values.SelectMany(entries => entries).Select(entry => entry.Pool.StopAsync(forcefulCancellationToken))];
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

    /// <summary>Everything a process was started with: two commands with one identity may share processes.</summary>
    private static string Identity(PluginCommand command, HostingOptions options)
    {
        var text = new StringBuilder()
            .Append(command.ExecutablePath).Append('\0')
            .Append(command.WorkingDirectory).Append('\0')
            .Append(command.Launcher.Name).Append('\0')
            .AppendJoin('\0', command.Arguments).Append('\0')
            .Append(options).Append('\0');
        foreach (var (name, value) in command.Environment.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            text.Append(name).Append('=').Append(value ?? "\u0001").Append('\0');
        }

        text.Append('\0');

        // Not "_": shells set it to the path of each command they start, so it tells nothing of the plugin's world.
        // Sorted in place, not with LINQ's OrderBy: this is on the way to every warm run's first step.
        var environment = command.BaseEnvironment ?? ProcessEnvironment.Current();
        var names = environment.Keys.Where(name => name != "_").ToArray();
        Array.Sort(names, StringComparer.Ordinal);
        foreach (var name in names)
        {
            text.Append(name).Append('=').Append(environment[name]).Append('\0');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private sealed record Entry(PluginPool Pool, RelayedServices Services, (long Size, DateTime Written) Stamp)
    {
        public bool Lent { get; set; }

        public long Released { get; set; }

        public Task Sweep { get; set; } = Task.CompletedTask;
    }
}
