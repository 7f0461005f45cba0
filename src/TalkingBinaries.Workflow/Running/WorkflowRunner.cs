using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using TalkingBinaries.Hosting;
using TalkingBinaries.Hosting.Discovery;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Expressions;
using TalkingBinaries.Workflow.Planning;
using TalkingBinaries.Workflow.Reporting;
using TalkingBinaries.Workflow.Variables;

namespace TalkingBinaries.Workflow.Running;

/// <summary>Runs a DevFile's steps, each as soon as the steps it waits for have succeeded, up to a limit at once.</summary>
/// <remarks>
/// Every plugin is located before the first step starts, so a missing plugin fails the run without running anything.
/// Each step's task is started once and awaited by the steps that need it; a step holds one of the
/// <see cref="RunOptions.MaxParallel"/> slots only while it runs, not while it waits. By default the first failure
/// stops the run: running steps are cancelled and waiting ones skipped (docs/devfile.md, "Failures and timeouts").
/// A step's output is delivered to the observer as it arrives and drained before the step's outcome.
/// </remarks>
public sealed partial class WorkflowRunner
{
    private readonly DevFile _devFile;
    private readonly RunOptions _options;
    private readonly RunObserver _observer;
    private readonly IReadOnlyDictionary<string, string> _executables;
    private readonly StepGraph _graph;
    private readonly IReadOnlyList<string> _selected;
    private readonly HashSet<string> _selectedSet;
    private readonly InstanceAllocator _instances = new();
    private readonly VariableStore _variables;
    private readonly SecretMasker _masker = new();
    private readonly ConcurrentDictionary<string, StepReport> _finished = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (DateTimeOffset Started, DateTimeOffset? Finished)> _intervals = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _conflicts = new(StringComparer.Ordinal);
    private readonly RunExpressions _expressions;
    private readonly Dictionary<string, PluginPool> _pools = new(StringComparer.Ordinal);

    /// <summary>Prepares a run: locates every plugin the DevFile declares and picks the steps to run.</summary>
    /// <exception cref="DevFileException">A plugin cannot be found (each error names the plugin's line), or <see cref="RunOptions.Step"/> names no step.</exception>
    public WorkflowRunner(DevFile devFile, RunOptions options, RunObserver observer)
    {
        _devFile = devFile ?? throw new ArgumentNullException(nameof(devFile));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _observer = observer ?? throw new ArgumentNullException(nameof(observer));
        _executables = LocatePlugins(devFile, options.Locator);
        _graph = StepGraph.Build(devFile.Steps);
        if (options.Step is { } only && devFile.Steps.All(step => step.Name != only))
        {
            throw new DevFileException($"{devFile.Path}: there is no step '{only}' to run{Suggestions.DidYouMean(only, devFile.Steps.Select(step => step.Name))}");
        }

        _selected = options.Step is { } name ? _graph.Closure(name) : devFile.Steps.Select(step => step.Name).ToList();
        _selectedSet = _selected.ToHashSet(StringComparer.Ordinal);

        var initial = new Dictionary<string, JsonElement>(devFile.Vars, StringComparer.Ordinal);
        foreach (var (variable, value) in options.Variables)
        {
            initial[variable] = value;
        }

        var secrets = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var secret in devFile.Secrets)
        {
            // Read explicitly, by name: nothing else of the environment is taken implicitly.
            if (Environment.GetEnvironmentVariable(secret) is { } value)
            {
                secrets[secret] = value;
            }
        }

        foreach (var (secret, value) in options.Secrets)
        {
            secrets[secret] = value;
        }

        foreach (var value in secrets.Values)
        {
            _masker.Add(value);
        }

        _variables = new VariableStore(initial);
        _expressions = new RunExpressions(_variables, secrets, _finished);
    }

    /// <summary>The most steps this run runs at once.</summary>
    public int MaxParallel => Math.Max(1, _options.MaxParallel ?? _devFile.MaxParallel ?? Environment.ProcessorCount);

    /// <summary>Finds the executable of every declared plugin, or throws with one error per missing one.</summary>
    public static IReadOnlyDictionary<string, string> LocatePlugins(DevFile devFile, PluginLocator locator)
    {
        ArgumentNullException.ThrowIfNull(devFile);
        ArgumentNullException.ThrowIfNull(locator);
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        var errors = new List<DevFileError>();
        foreach (var plugin in devFile.Plugins)
        {
            try
            {
                found[plugin.Ref] = locator.Locate(new PluginReference(plugin.Ref, plugin.Name, plugin.Path, devFile.Directory));
            }
            catch (PluginNotFoundException exception)
            {
                errors.Add(new DevFileError(plugin.Location, exception.Message));
            }
        }

        return errors.Count == 0 ? found : throw new DevFileException(errors);
    }

    /// <summary>Runs the steps; cancelling stops the running plugins gracefully and skips the rest.</summary>
    public async Task<RunReport> RunAsync(CancellationToken cancellationToken = default)
    {
        // Unique enough to tell runs apart in logs; not a secret, so no cryptographic generator (its first use costs ~4 ms).
        var runId = Random.Shared.NextInt64(1L << 48).ToString("x12", System.Globalization.CultureInfo.InvariantCulture);
        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        _observer.RunStarting(_devFile, runId);
        using var run = new RunState(_options.Timeout, cancellationToken);
        using var slots = new SemaphoreSlim(MaxParallel);
        var warmUps = StartPools(run.Stop);
        var tasks = new Dictionary<string, Task<StepReport>>(StringComparer.Ordinal);
        var allCreated = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        foreach (var name in _graph.Order.Where(_selectedSet.Contains))
        {
            tasks[name] = RunWhenReadyAsync(runId, _devFile.Step(name), tasks, slots, run, allCreated.Task);
        }

        // Only now may steps look up the tasks they wait for: the dictionary is complete and no longer written.
        allCreated.SetResult();

        await Task.WhenAll(tasks.Values).ConfigureAwait(false);

        // Warm plugins live for the whole run; none outlives it.
        await Task.WhenAll(warmUps).ConfigureAwait(false);
        await Task.WhenAll(_pools.Values.Select(pool => pool.StopAsync(_options.Force))).ConfigureAwait(false);

        // Mask again at the end: a plugin may have registered a secret after an earlier step reported it.
        var reports = _selected.Select(name => Mask(tasks[name].Result)).ToList();
        var status = run.Interrupted ? RunStatus.Cancelled
            : run.TimedOut ? RunStatus.TimedOut
            : reports.Any(report => report.Status is StepStatus.Failed or StepStatus.Cancelled && !_devFile.Step(report.Name).ContinueOnError) ? RunStatus.Failed
            : RunStatus.Succeeded;
        var result = new RunReport
        {
            RunId = runId,
            DevFile = _devFile.Path,
            Status = status,
            FailedFirst = run.FailedFirst,
            StartedAt = startedAt,
            FinishedAt = DateTimeOffset.UtcNow,
            DurationMs = clock.Elapsed.TotalMilliseconds,
            Steps = reports,
            Variables = _masker.Apply(_variables.Snapshot()),
        };
        _observer.RunFinished(result);
        return result;
    }

    private async Task<StepReport> RunWhenReadyAsync(string runId, StepDefinition step, Dictionary<string, Task<StepReport>> tasks, SemaphoreSlim slots, RunState run, Task allCreated)
    {
        await allCreated.ConfigureAwait(false);

        // A condition that looks at the run's state (failure(), always(), cancelled()) decides for itself whether the
        // step runs after a failure or an interruption; any other step needs everything it waits for to succeed.
        var statusAware = RunExpressions.IsStatusAware(step);
        var dependencies = _graph.Dependencies[step.Name];
        foreach (var dependency in dependencies)
        {
            var report = await tasks[dependency].ConfigureAwait(false);
            if (!statusAware && !Satisfies(report))
            {
                // Finish only after everything it waits for has: a step that waits for this one may use their outputs.
                await Task.WhenAll(dependencies.Select(name => tasks[name])).ConfigureAwait(false);
                return Skip(step, run.Stop.IsCancellationRequested ? run.Reason : $"it waits for step '{dependency}', which {Describe(report.Status)}");
            }
        }

        if (!statusAware && run.Stop.IsCancellationRequested)
        {
            return Skip(step, run.Reason);
        }

        try
        {
            await slots.WaitAsync(statusAware ? _options.Force : run.Stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return Skip(step, run.Reason);
        }

        StepReport result;
        try
        {
            if (!statusAware && run.Stop.IsCancellationRequested)
            {
                return Skip(step, run.Reason);
            }

            var status = new ExpressionStatus(AnyFailed: run.FailedFirst is not null, Cancelled: run.Interrupted || run.TimedOut);
            bool condition;
            try
            {
                condition = _expressions.Condition(step, status);
            }
            catch (StepSetupException exception)
            {
                result = Mask(SetupFailed(step, exception));
                if (!step.ContinueOnError)
                {
                    run.Fail(step.Name);
                }

                _observer.StepFinished(step, result);
                return Finish(result);
            }

            if (!condition)
            {
                return Skip(step, $"its condition is false: if: {step.If!.Text}");
            }

            result = await RunStepAsync(runId, step, run, status).ConfigureAwait(false);
        }
        finally
        {
            slots.Release();
        }

        if (result.Status is StepStatus.Failed && !step.ContinueOnError)
        {
            run.Fail(step.Name);
        }

        // Later steps' expressions see the real values; only what is shown or reported is masked.
        _observer.StepFinished(step, Mask(result));
        return Finish(result);
    }

    private StepReport Finish(StepReport report)
    {
        _finished[report.Name] = report;
        return report;
    }

    private StepReport Mask(StepReport report) => _masker.IsEmpty ? report : report with
    {
        Error = report.Error is { } error ? _masker.Apply(error) : null,
        Outputs = _masker.Apply(report.Outputs),
    };

    private static StepReport SetupFailed(StepDefinition step, StepSetupException exception) => new()
    {
        Name = step.Name,
        Plugin = step.Plugin,
        Status = StepStatus.Failed,
        StartedAt = DateTimeOffset.UtcNow,
        FinishedAt = DateTimeOffset.UtcNow,
        StepTimeMs = 0,
        Error = exception.Message,
    };

    private bool Satisfies(StepReport report) =>
        report.Status == StepStatus.Succeeded || (report.Status == StepStatus.Failed && _devFile.Step(report.Name).ContinueOnError);

    private static string Describe(StepStatus status) => status switch
    {
        StepStatus.Failed => "failed",
        StepStatus.Skipped => "was skipped",
        StepStatus.Cancelled => "was cancelled",
        _ => "did not succeed",
    };

    private StepReport Skip(StepDefinition step, string reason)
    {
        var skipped = new StepReport { Name = step.Name, Plugin = step.Plugin, Status = StepStatus.Skipped, Error = reason };
        _observer.StepFinished(step, skipped);
        return Finish(skipped);
    }

    private static double Milliseconds(TimeSpan? span) => span is { } value ? Math.Round(value.TotalMilliseconds, 3) : 0;
}
