using System.Collections.Concurrent;
using TalkingBinaries.Hosting;
using TalkingBinaries.Hosting.Slurm;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Reporting;
using TalkingBinaries.Workflow.Variables;

namespace TalkingBinaries.Workflow.Running;

/// <summary>An executor for each plugin the run uses, by ref; started ahead of their steps and stopped at the end.</summary>
internal sealed class StepExecutors
{
    private readonly Dictionary<string, StepExecutor> _executors = new(StringComparer.Ordinal);
    private readonly List<string> _warmFirst = [];
    private readonly RunPlan _plan;

    private readonly WarmPlugins? _kept;
    private readonly List<PluginPool> _lent = [];

    public StepExecutors(RunPlan plan, HostingOptions options, IReadOnlyList<string>? slurmRelay, string runId, EventRouter router, VariableStore variables, ConcurrentDictionary<string, StepReport> finished, WarmPlugins? kept, bool warmTracked, IReadOnlyDictionary<string, string>? environment)
    {
        _plan = plan;
        _kept = kept;

        // One executor per plugin and place to run it: a step whose executor differs from its plugin's gets processes of its own.
        foreach (var (plugin, executor) in plan.Selected.Select(name => plan.Step(name)).Select(step => (step.Plugin, ExecutorOf(step))).Distinct())
        {
            var definition = plan.DevFile.Plugin(plugin);
            var key = Key(plugin, executor);
            var command = new PluginCommand
            {
                ExecutablePath = plan.Executables[plugin],
                Name = plugin,
                WorkingDirectory = plan.DevFile.Directory,
                BaseEnvironment = environment,
                Launcher = executor.IsSlurm ? PluginLauncher.Slurm(Slurm(executor, slurmRelay, definition)) : PluginLauncher.Local,
            };
            if (definition.Protocol == PluginProtocol.Seed)
            {
                _executors[key] = new SeedStepExecutor(command, options, router);
                continue;
            }

            // The runner never blocks while it handles an answer: it runs on up to its next await, which yields.
            var behaviour = options with { ResumeOnReaderThread = true, OneShot = !definition.Warm };
            var services = new RunServices(router, plugin, variables, finished);
            PluginPool pool;
            if (kept is not null && kept.Keeps(command))
            {
                pool = kept.Pool(key, command, behaviour, services);
                _lent.Add(pool);
            }
            else
            {
                pool = new PluginPool(command, behaviour, services);
            }

            _executors[key] = new PoolStepExecutor(pool, runId, router, variables);

            // A plugin whose every step may be up to date starts when one has to run, not before: an up-to-date run starts none.
            if (warmTracked || plan.Selected.Select(plan.Step).Any(step => step.Plugin == plugin && !step.Tracked))
            {
                _warmFirst.Add(key);
            }
        }
    }

    public StepExecutor For(StepDefinition step) => _executors[Key(step.Plugin, ExecutorOf(step))];

    private ExecutorDefinition ExecutorOf(StepDefinition step) => step.Executor ?? _plan.DevFile.Plugin(step.Plugin).Executor;

    private static string Key(string plugin, ExecutorDefinition executor) => $"{plugin}\n{executor}";

    private static SlurmOptions Slurm(ExecutorDefinition executor, IReadOnlyList<string>? relay, PluginDefinition plugin) => new()
    {
        Partition = executor.Partition,
        Nodes = executor.Nodes,
        CpusPerTask = executor.CpusPerTask,
        Memory = executor.Memory,
        Time = executor.Time,
        Account = executor.Account,
        ExtraArguments = executor.ExtraArguments,
        CallbackAddress = executor.CallbackAddress,
        Relay = relay ?? throw new DevFileException([new DevFileError(plugin.Location, $"plugin '{plugin.Ref}' runs on Slurm, but this host has no relay for it (RunOptions.SlurmRelay); tb sets it")]),
    };

    /// <summary>Pre-warms the first <paramref name="count"/> pooled plugins, each from a pool thread.</summary>
    /// <remarks>
    /// Bounded by the run's parallelism, start-up overlaps other plugins' start-up and earlier steps. From a pool
    /// thread each, so spawning one plugin (and the host's first use of JSON) does not hold back the next: on the root
    /// DevFile the second plugin starts about 2 ms sooner (bench/run.sh, figure 2).
    /// </remarks>
    public Task WarmUpAsync(int count, CancellationToken cancellationToken) =>
        Task.WhenAll(_warmFirst.Take(count).Select(plugin => Task.Run(() => _executors[plugin].WarmUpAsync(cancellationToken), CancellationToken.None)));

    /// <summary>Stops every plugin process of the run; with <see cref="WarmPlugins"/>, only those not kept for the next run.</summary>
    public Task StopAsync(CancellationToken forcefulCancellationToken)
    {
        if (_kept is null)
        {
            return Task.WhenAll(_executors.Values.Select(executor => executor.StopAsync(forcefulCancellationToken)));
        }

        _kept.Release(_lent);
        return Task.WhenAll(_executors.Values.Where(executor => executor is not PoolStepExecutor pooled || !_lent.Contains(pooled.Pool)).Select(executor => executor.StopAsync(forcefulCancellationToken)));
    }
}
