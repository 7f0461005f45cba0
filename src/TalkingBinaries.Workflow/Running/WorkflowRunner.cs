using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using TalkingBinaries.Hosting;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Planning;
using TalkingBinaries.Workflow.Plugins;
using TalkingBinaries.Workflow.Reporting;
using TalkingBinaries.Workflow.UpToDate;
using TalkingBinaries.Workflow.Variables;

namespace TalkingBinaries.Workflow.Running;

/// <summary>Runs a DevFile's steps, each as soon as the steps it waits for have succeeded, up to a limit at once.</summary>
/// <remarks>
/// Every plugin is located (and its pinned hash checked) before the first step starts, so a missing plugin fails the run without running anything.
/// The run is three parts: a scheduler decides when each step runs, an executor per plugin runs it (warm pools for
/// protocol v1, a process per step for the seed format), and an event router takes what plugins say to the observer,
/// masked. A step's output is delivered to the observer as it arrives and drained before the step's outcome.
/// </remarks>
public sealed class WorkflowRunner
{
    private readonly RunOptions _options;
    private readonly RunObserver _observer;
    private readonly RunPlan _plan;
    private readonly HashSet<string> _allSteps;

    /// <summary>Prepares a run: locates every plugin the DevFile declares, checks the hashes pinned for them, and picks the steps to run.</summary>
    /// <exception cref="DevFileException">A plugin cannot be found or does not match its pinned hash (each error names the plugin's line), <see cref="RunOptions.Step"/> names no step, or <see cref="RunOptions.Matrix"/> matches no instance.</exception>
    public WorkflowRunner(DevFile devFile, RunOptions options, RunObserver observer)
    {
        ArgumentNullException.ThrowIfNull(devFile);
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _observer = observer ?? throw new ArgumentNullException(nameof(observer));
        var plugins = PluginResolver.Resolve(devFile, options.Locator);
        foreach (var warning in PluginIntegrity.Verify(devFile, plugins, options.Lock, options.Frozen, options.Hashes))
        {
            observer.Warning(warning);
        }

        var executables = plugins.ToDictionary(plugin => plugin.Ref, plugin => plugin.Located.ExecutablePath, StringComparer.Ordinal);
        _allSteps = devFile.Steps.Select(step => step.Name).ToHashSet(StringComparer.Ordinal);
        devFile = MatrixSelection.Apply(devFile, options.Matrix);
        var graph = StepGraph.Build(devFile.Steps);
        var selected = StepSelection.Select(devFile, graph, options.Step);
        _plan = new RunPlan(devFile, graph, selected, executables, Math.Max(1, options.MaxParallel ?? devFile.MaxParallel ?? Environment.ProcessorCount));
    }

    /// <summary>The most steps this run runs at once.</summary>
    public int MaxParallel => _plan.MaxParallel;

    /// <summary>Runs the steps and reports how each ended.</summary>
    /// <param name="gracefulCancellationToken">Stops the running plugins gracefully (cancel, shutdown, SIGTERM) and skips the rest.</param>
    /// <param name="forcefulCancellationToken">Skips what is left of the grace: running plugins' process groups are killed at once.</param>
    public async Task<RunReport> RunAsync(CancellationToken gracefulCancellationToken = default, CancellationToken forcefulCancellationToken = default)
    {
        // Unique enough to tell runs apart in logs; not a secret, so no cryptographic generator (its first use costs ~4 ms).
        var runId = Random.Shared.NextInt64(1L << 48).ToString("x12", System.Globalization.CultureInfo.InvariantCulture);
        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var devFile = _plan.DevFile;
        var (variables, masker, secrets) = Initial();
        var finished = new ConcurrentDictionary<string, StepReport>(StringComparer.Ordinal);
        var router = new EventRouter(_plan, _observer, masker, variables);
        _observer.RunStarting(devFile, _plan.Selected, runId);

        using var run = new RunState(_options.Timeout, gracefulCancellationToken);
        var executors = new StepExecutors(_plan, _options.Hosting, _options.SlurmRelay, runId, router, variables, finished, _options.WarmPlugins, warmTracked: _options.Force, _options.Environment);
        var warmUps = executors.WarmUpAsync(_plan.MaxParallel, run.Stop);
        var upToDate = UpToDate(variables, masker, finished);
        var scheduler = new StepScheduler(_plan, run, new RunExpressions(variables, secrets, finished, _options.Environment), executors, router, _observer, finished, new OutputBudget(_options.MaxOutputBytes), upToDate, forcefulCancellationToken);
        var steps = await scheduler.RunAsync().ConfigureAwait(false);
        if (upToDate?.Save() is { } unsaved)
        {
            _observer.Warning(unsaved);
        }

        // Warm plugins live for the whole run; none outlives it.
        await warmUps.ConfigureAwait(false);
        await executors.StopAsync(forcefulCancellationToken).ConfigureAwait(false);

        // Mask again at the end: a plugin may have registered a secret after an earlier step reported it.
        var reports = steps.Select(router.Mask).ToList();
        var status = run.Interrupted ? RunStatus.Cancelled
            : run.TimedOut ? RunStatus.TimedOut
            : reports.Any(report => report.Status is StepStatus.Failed or StepStatus.Cancelled && !devFile.Step(report.Name).ContinueOnError) ? RunStatus.Failed
            : RunStatus.Succeeded;
        var result = new RunReport
        {
            RunId = runId,
            DevFile = devFile.Path,
            Status = status,
            FailedFirst = run.FailedFirst,
            StartedAt = startedAt,
            FinishedAt = DateTimeOffset.UtcNow,
            DurationMs = clock.Elapsed.TotalMilliseconds,
            Steps = reports,
            Variables = masker.Apply(variables.Snapshot()),
        };
        _observer.RunFinished(result);
        return result;
    }

    /// <summary>What the run knows of <c>.tb/</c>, when a step it runs has <c>inputs</c> or <c>outputs</c>; null otherwise, and nothing is read.</summary>
    private UpToDateTracker? UpToDate(VariableStore variables, SecretMasker masker, ConcurrentDictionary<string, StepReport> finished)
    {
        if (!_plan.Selected.Any(name => _plan.Step(name).Tracked))
        {
            return null;
        }

        var state = StateFile.For(_plan.DevFile.Path);
        var previous = state.Read(out var problem);
        if (problem is not null)
        {
            _observer.Warning(problem);
        }

        var fingerprints = new Fingerprints(_plan.DevFile, _plan.Executables, _options.Hashes, variables.Snapshot());
        return new UpToDateTracker(_plan, fingerprints, state, previous, _allSteps, _options.Force, variables, masker, finished);
    }

    /// <summary>The run's variables (DevFile, then options), its secrets (environment, then options), and a masker that knows them.</summary>
    private (VariableStore Variables, SecretMasker Masker, Dictionary<string, string> Secrets) Initial()
    {
        var (initial, secrets) = Given(_plan.DevFile, _options);
        var masker = new SecretMasker(_observer.SecretRegistered);
        foreach (var value in secrets.Values)
        {
            masker.Add(value);
        }

        return (new VariableStore(initial), masker, secrets);
    }

    /// <summary>The variables (DevFile, then options) and secrets (environment, then options) a run of <paramref name="devFile"/> starts with.</summary>
    internal static (Dictionary<string, JsonElement> Variables, Dictionary<string, string> Secrets) Given(DevFile devFile, RunOptions options)
    {
        var variables = new Dictionary<string, JsonElement>(devFile.Vars, StringComparer.Ordinal);
        foreach (var (variable, value) in options.Variables)
        {
            variables[variable] = value;
        }

        var secrets = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var secret in devFile.Secrets)
        {
            // Read explicitly, by name: nothing else of the environment is taken implicitly.
            if (ProcessEnvironment.Variable(options.Environment, secret) is { } value)
            {
                secrets[secret] = value;
            }
        }

        foreach (var (secret, value) in options.Secrets)
        {
            secrets[secret] = value;
        }

        return (variables, secrets);
    }
}
