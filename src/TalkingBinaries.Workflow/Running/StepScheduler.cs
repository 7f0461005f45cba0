using System.Collections.Concurrent;
using System.Diagnostics;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Expressions;
using TalkingBinaries.Workflow.Reporting;

namespace TalkingBinaries.Workflow.Running;

/// <summary>Decides when each step runs: after what it needs, within the run's slots, unless the run is stopping.</summary>
/// <remarks>
/// Each step's task is started once and awaited by the steps that need it; a step holds one of the slots only while
/// it runs, not while it waits. By default the first failure stops the run: running steps are cancelled and waiting
/// ones skipped (docs/devfile.md, "Failures and timeouts").
/// </remarks>
internal sealed partial class StepScheduler(
    RunPlan plan,
    RunState run,
    RunExpressions expressions,
    StepExecutors executors,
    EventRouter router,
    RunObserver observer,
    ConcurrentDictionary<string, StepReport> finished,
    OutputBudget outputs,
    UpToDateTracker? upToDate,
    CancellationToken forcefulCancellationToken)
{
    private readonly StepPlacement _placement = new(plan);

    /// <summary>Runs every selected step; the reports, unmasked, in file order.</summary>
    public async Task<IReadOnlyList<StepReport>> RunAsync()
    {
        using var slots = new SemaphoreSlim(plan.MaxParallel);
        var tasks = new Dictionary<string, Task<StepReport>>(StringComparer.Ordinal);
        var allCreated = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        foreach (var name in plan.Graph.Order.Where(plan.SelectedSet.Contains))
        {
            tasks[name] = RunWhenReadyAsync(plan.Step(name), tasks, slots, allCreated.Task);
        }

        // Only now may steps look up the tasks they wait for: the dictionary is complete and no longer written.
        allCreated.SetResult();
        await Task.WhenAll(tasks.Values).ConfigureAwait(false);
        return plan.Selected.Select(name => tasks[name].Result).ToList();
    }

    private async Task<StepReport> RunWhenReadyAsync(StepDefinition step, Dictionary<string, Task<StepReport>> tasks, SemaphoreSlim slots, Task allCreated)
    {
        await allCreated.ConfigureAwait(false);

        // A condition that looks at the run's state (failure(), always(), cancelled()) decides for itself whether the
        // step runs after a failure or an interruption; any other step needs everything it waits for to succeed.
        var statusAware = RunExpressions.IsStatusAware(step);
        var dependencies = plan.Graph.Dependencies[step.Name];
        foreach (var dependency in dependencies)
        {
            var report = await tasks[dependency].ConfigureAwait(false);
            if (!statusAware && !plan.Satisfies(report))
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
            await slots.WaitAsync(statusAware ? forcefulCancellationToken : run.Stop).ConfigureAwait(false);
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
                condition = expressions.Condition(step, status);
            }
            catch (StepSetupException exception)
            {
                return Finish(step, SetupFailed(step, exception));
            }

            if (!condition)
            {
                return Skip(step, $"its condition is false: if: {step.If!.Text}");
            }

            result = await RunStepAsync(step, status).ConfigureAwait(false);
        }
        finally
        {
            slots.Release();
        }

        return Finish(step, result);
    }

    private async Task<StepReport> RunStepAsync(StepDefinition step, ExpressionStatus status)
    {
        System.Text.Json.JsonElement config;
        TimeSpan? timeout;
        try
        {
            config = expressions.Config(step, status);
            timeout = expressions.Timeout(step, status);
        }
        catch (StepSetupException exception)
        {
            return SetupFailed(step, exception);
        }

        return step.Tracked && upToDate is not null
            ? await RunTrackedAsync(step, upToDate, config, timeout).ConfigureAwait(false)
            : await RunPluginAsync(step, config, timeout).ConfigureAwait(false);
    }

    private async Task<StepReport> RunPluginAsync(StepDefinition step, System.Text.Json.JsonElement config, TimeSpan? timeout)
    {
        var parallel = _placement.Place(step);

        // A step that runs because of its condition after the run began to stop is not stopped by that.
        var stop = run.Stop.IsCancellationRequested ? forcefulCancellationToken : run.Stop;

        router.Started(step);
        observer.StepStarting(step);
        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        try
        {
            if (step.Retry is null)
            {
                var (outcome, _) = await AttemptAsync(step, config, timeout, parallel, stop).ConfigureAwait(false);
                return Keep(step, outcome).ToReport(step, startedAt, clock.Elapsed);
            }

            var (last, attempts) = await AttemptsAsync(step, step.Retry, config, timeout, parallel, stop).ConfigureAwait(false);
            return Keep(step, last).ToReport(step, startedAt, clock.Elapsed) with { Attempts = attempts };
        }
        finally
        {
            router.Finished(step);
            _placement.Release(step, parallel);
        }
    }

    /// <summary>Runs the step once, within its own timeout; how it failed, when a retry may help.</summary>
    private async Task<(StepOutcome Outcome, FailureKind? Failure)> AttemptAsync(StepDefinition step, System.Text.Json.JsonElement config, TimeSpan? timeout, Protocol.Messages.ParallelInfo parallel, CancellationToken stop)
    {
        using var timedOut = new CancellationTokenSource(timeout ?? Timeout.InfiniteTimeSpan);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(stop, timedOut.Token);
        var outcome = await executors.For(step).RunAsync(step, config, parallel, cancellation.Token, forcefulCancellationToken).ConfigureAwait(false);
        if (router.ConflictOf(step) is { } conflict && outcome.Status != StepStatus.Cancelled)
        {
            // The conflict stays whatever the step does next: running it again cannot help.
            return (outcome with { Status = StepStatus.Failed, Error = conflict }, null);
        }

        if (outcome.Status == StepStatus.Cancelled && cancellation.IsCancellationRequested)
        {
            // Stopped by us: say why. Its own timeout is a failure of the step; anything else stopped it from outside.
            return timedOut.IsCancellationRequested && !stop.IsCancellationRequested
                ? (outcome with { Status = StepStatus.Failed, Error = $"timed out after {Durations.Format(timeout!.Value)}; {outcome.Error}" }, FailureKind.Timeout)
                : (outcome with { Error = $"{run.Reason}; {outcome.Error}" }, null);
        }

        return outcome.Status != StepStatus.Failed ? (outcome, null)
            : outcome.Exit is { Signal: not null } ? (outcome, FailureKind.Signal)
            : outcome.Exit is { Code: not null and not 0 } ? (outcome, FailureKind.Exit)
            : (outcome, FailureKind.Error);
    }

    /// <summary>The outcome with its outputs, or without them when the run has kept all it may (docs/devfile.md, "Output limits").</summary>
    private StepOutcome Keep(StepDefinition step, StepOutcome outcome)
    {
        if (outputs.TryTake(outcome.Outputs, out var size))
        {
            return outcome;
        }

        var note = $"its outputs ({size} bytes) were dropped: a run keeps at most {outputs.LimitBytes} bytes of step outputs; "
            + "write large data to a file and output its path";
        router.Say(step, step.Plugin, outcome.Pid ?? 0, Protocol.Messages.LogLevels.Warn, note);
        return outcome with { Outputs = new Dictionary<string, System.Text.Json.JsonElement>(), Note = note };
    }

    /// <summary>Records the step's end: the run stops on a failure that counts, and the observer hears of it, masked.</summary>
    private StepReport Finish(StepDefinition step, StepReport report)
    {
        if (report.Status is StepStatus.Failed && !step.ContinueOnError)
        {
            run.Fail(step.Name);
        }

        // Later steps' expressions see the real values; only what is shown or reported is masked.
        observer.StepFinished(step, router.Mask(report));
        finished[report.Name] = report;
        return report;
    }

    private StepReport Skip(StepDefinition step, string reason)
    {
        var skipped = StepOutcome.Skipped(reason).ToReport(step);
        observer.StepFinished(step, skipped);
        finished[step.Name] = skipped;
        return skipped;
    }

    private static StepReport SetupFailed(StepDefinition step, StepSetupException exception) =>
        new StepOutcome(StepStatus.Failed, exception.Message).ToReport(step, DateTimeOffset.UtcNow, TimeSpan.Zero);

    private static string Describe(StepStatus status) => status switch
    {
        StepStatus.Failed => "failed",
        StepStatus.Skipped => "was skipped",
        StepStatus.Cancelled => "was cancelled",
        _ => "did not succeed",
    };
}
