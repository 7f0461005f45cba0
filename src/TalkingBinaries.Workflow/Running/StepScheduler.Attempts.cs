using System.Text.Json;
using TalkingBinaries.Protocol.Messages;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Reporting;

namespace TalkingBinaries.Workflow.Running;

/// <summary>The attempts of a step with <c>retry</c> (docs/devfile.md, "Retries").</summary>
internal sealed partial class StepScheduler
{
    /// <summary>Runs the step until an attempt succeeds, fails in a way not retried, or has no retry left; the last outcome and every attempt.</summary>
    /// <remarks>
    /// Only the last outcome reaches <see cref="Finish"/>, so a failure with a retry left never stops the run. A stop
    /// (Ctrl-C, the run's timeout, another step's failure) ends the wait before a retry at once, and is never retried.
    /// </remarks>
    private async Task<(StepOutcome Last, List<StepAttempt> Attempts)> AttemptsAsync(
        StepDefinition step, RetryPolicy retry, JsonElement config, TimeSpan? timeout, ParallelInfo parallel, CancellationToken stop)
    {
        var attempts = new List<StepAttempt>();
        for (var number = 1; ; number++)
        {
            var startedAt = DateTimeOffset.UtcNow;
            var (outcome, failure) = await AttemptAsync(step, config, timeout, parallel, stop).ConfigureAwait(false);
            var attempt = new StepAttempt
            {
                Attempt = number,
                Status = outcome.Status,
                ExitCode = outcome.Exit?.Code,
                Signal = outcome.Exit?.Signal,
                Pid = outcome.Pid,
                StartedAt = startedAt,
                FinishedAt = DateTimeOffset.UtcNow,
                Error = outcome.Error,
            };
            attempts.Add(attempt);
            if (failure is not { } kind || number >= retry.Attempts || !retry.Retries(kind, outcome.Exit?.Code) || stop.IsCancellationRequested)
            {
                return (outcome, attempts);
            }

            var delay = retry.DelayAfter(number);
            observer.StepRetrying(step, router.Mask(attempt), delay);
            try
            {
                await Task.Delay(delay, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                var stopped = $"{run.Reason} before attempt {number + 1} of {retry.Attempts}; attempt {number} failed: {outcome.Error}";
                return (outcome with { Status = StepStatus.Cancelled, Error = stopped }, attempts);
            }
        }
    }
}
