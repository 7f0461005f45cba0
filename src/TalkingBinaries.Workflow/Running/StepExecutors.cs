using System.Collections.Concurrent;
using TalkingBinaries.Hosting;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Reporting;
using TalkingBinaries.Workflow.Variables;

namespace TalkingBinaries.Workflow.Running;

/// <summary>An executor for each plugin the run uses, by ref; started ahead of their steps and stopped at the end.</summary>
internal sealed class StepExecutors
{
    private readonly Dictionary<string, StepExecutor> _executors = new(StringComparer.Ordinal);
    private readonly List<string> _warmFirst = [];

    public StepExecutors(RunPlan plan, HostingOptions options, string runId, EventRouter router, VariableStore variables, ConcurrentDictionary<string, StepReport> finished)
    {
        foreach (var plugin in plan.Selected.Select(name => plan.Step(name).Plugin).Distinct(StringComparer.Ordinal).Select(plan.DevFile.Plugin))
        {
            var command = new PluginCommand { ExecutablePath = plan.Executables[plugin.Ref], Name = plugin.Ref, WorkingDirectory = plan.DevFile.Directory };
            if (plugin.Protocol == PluginProtocol.Seed)
            {
                _executors[plugin.Ref] = new SeedStepExecutor(command, options, router);
                continue;
            }

            // The runner never blocks while it handles an answer: it runs on up to its next await, which yields.
            var behaviour = options with { ResumeOnReaderThread = true, OneShot = !plugin.Warm };
            var pool = new PluginPool(command, behaviour, new RunServices(router, plugin.Ref, variables, finished));
            _executors[plugin.Ref] = new PoolStepExecutor(pool, runId, router, variables);
            _warmFirst.Add(plugin.Ref);
        }
    }

    public StepExecutor For(StepDefinition step) => _executors[step.Plugin];

    /// <summary>Pre-warms the first <paramref name="count"/> pooled plugins, each from a pool thread.</summary>
    /// <remarks>
    /// Bounded by the run's parallelism, start-up overlaps other plugins' start-up and earlier steps. From a pool
    /// thread each, so spawning one plugin (and the host's first use of JSON) does not hold back the next: on the root
    /// DevFile the second plugin starts about 2 ms sooner (bench/run.sh, figure 2).
    /// </remarks>
    public Task WarmUpAsync(int count, CancellationToken cancellationToken) =>
        Task.WhenAll(_warmFirst.Take(count).Select(plugin => Task.Run(() => _executors[plugin].WarmUpAsync(cancellationToken), CancellationToken.None)));

    public Task StopAsync(CancellationToken forcefulCancellationToken) =>
        Task.WhenAll(_executors.Values.Select(executor => executor.StopAsync(forcefulCancellationToken)));
}
