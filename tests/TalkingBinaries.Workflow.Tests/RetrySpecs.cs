using System.Diagnostics;
using TalkingBinaries.Tests;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Reporting;
using TalkingBinaries.Workflow.Running;

namespace TalkingBinaries.Workflow.Tests;

/// <summary>A step's <c>retry</c>: read from the DevFile, and run with real plugin processes (docs/devfile.md, "Retries").</summary>
public sealed class RetrySpecs : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tb-retry-");
    private readonly RecordingObserver _observer = new();

    public void Dispose() => _directory.Delete(recursive: true);

    private string Counter => Path.Combine(_directory.FullName, "attempts");

    [Fact]
    public async Task A_step_that_succeeds_on_its_third_attempt_succeeded_and_reports_all_three()
    {
        var report = await RunAsync($$"""
              - name: flaky
                plugin: test
                retry: { max: 3, delay: 0s }
                config: { mode: fail-until, file: {{Counter}}, succeed-on: 3 }
              - name: after
                plugin: test
            """);

        Assert.Equal(RunStatus.Succeeded, report.Status);
        var flaky = IsolatedRun.Step(report, "flaky");
        Assert.Equal(StepStatus.Succeeded, flaky.Status);
        Assert.Equal(3, flaky.Outputs["attempt"].GetInt32());
        Assert.Null(flaky.Error);
        Assert.Equal([1, 2, 3], flaky.Attempts!.Select(attempt => attempt.Attempt));
        Assert.Equal([StepStatus.Failed, StepStatus.Failed, StepStatus.Succeeded], flaky.Attempts!.Select(attempt => attempt.Status));
        Assert.Contains("attempt 1 failed [not_yet]", flaky.Attempts![0].Error, StringComparison.Ordinal);
        Assert.Null(flaky.Attempts![2].Error);
        Assert.True(flaky.Attempts![0].StartedAt >= flaky.StartedAt && flaky.Attempts![2].FinishedAt <= flaky.FinishedAt, "the attempts are not within the step");
        Assert.Equal(StepStatus.Succeeded, IsolatedRun.Step(report, "after").Status);
        Assert.Equal(["start flaky", "retry flaky 1 0ms", "retry flaky 2 0ms", "finish flaky Succeeded"], _observer.Calls.Where(call => call.Contains("flaky", StringComparison.Ordinal) && !call.StartsWith("log", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_step_that_fails_every_attempt_fails_the_run_once_its_retries_are_spent()
    {
        var report = await RunAsync($$"""
              - name: broken
                plugin: test
                retry: { max: 2, delay: 0s }
                config: { mode: fail-until, file: {{Counter}}, exit: 3 }
              - name: never
                plugin: test
            """);

        Assert.Equal(RunStatus.Failed, report.Status);
        Assert.Equal("broken", report.FailedFirst);
        var broken = IsolatedRun.Step(report, "broken");
        Assert.Equal(StepStatus.Failed, broken.Status);
        Assert.Equal(3, broken.ExitCode);
        Assert.Equal([3, 3, 3], broken.Attempts!.Select(attempt => attempt.ExitCode));
        Assert.Equal(3, broken.Attempts!.Select(attempt => attempt.Pid).Distinct().Count());
        Assert.Equal("3", await File.ReadAllTextAsync(Counter));
        Assert.Equal(StepStatus.Skipped, IsolatedRun.Step(report, "never").Status);
        Assert.Empty(await ProcessTable.SurvivorsAsync(broken.Attempts!.Select(attempt => attempt.Pid!.Value)));
    }

    [Fact]
    public async Task A_failure_that_on_does_not_name_is_not_retried()
    {
        var report = await RunAsync($$"""
              - name: picky
                plugin: test
                retry: { max: 3, delay: 0s, on: [2, signal] }
                config: { mode: fail-until, file: {{Counter}}, exit: 3 }
            """);

        var picky = IsolatedRun.Step(report, "picky");
        Assert.Equal(StepStatus.Failed, picky.Status);
        Assert.Equal(3, Assert.Single(picky.Attempts!).ExitCode);
        Assert.Equal("1", await File.ReadAllTextAsync(Counter));
        Assert.DoesNotContain(_observer.Calls, call => call.StartsWith("retry", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_exit_code_that_on_names_is_retried_and_an_answered_error_is_not_an_exit()
    {
        var report = await RunAsync($$"""
              - name: by-code
                plugin: test
                retry: { max: 1, delay: 0s, on: [3] }
                config: { mode: fail-until, file: {{Counter}}, exit: 3 }
              - name: by-kind
                plugin: test
                needs: []
                continue_on_error: true
                retry: { max: 1, delay: 0s, on: exit }
                config: { mode: fail }
            """);

        Assert.Equal(2, IsolatedRun.Step(report, "by-code").Attempts!.Count);
        Assert.Single(IsolatedRun.Step(report, "by-kind").Attempts!);
    }

    [Fact]
    public async Task Each_delay_is_the_last_one_times_the_backoff()
    {
        var report = await RunAsync($$"""
              - name: slow
                plugin: test
                retry: { max: 2, delay: 300ms, backoff: 3 }
                config: { mode: fail-until, file: {{Counter}}, succeed-on: 3 }
            """);

        var attempts = IsolatedRun.Step(report, "slow").Attempts!;
        var first = attempts[1].StartedAt - attempts[0].FinishedAt;
        var second = attempts[2].StartedAt - attempts[1].FinishedAt;
        // Less a few milliseconds: the report's clock and the delay's timer tick apart.
        Assert.InRange(first.TotalMilliseconds, 280, 3000);
        Assert.InRange(second.TotalMilliseconds, 880, 5000);
        Assert.True(second > first, $"the second delay ({second}) is not longer than the first ({first})");
        Assert.Contains("retry slow 1 300ms", _observer.Calls);
        Assert.Contains("retry slow 2 900ms", _observer.Calls);
    }

    [Fact]
    public async Task A_timeout_applies_to_each_attempt_and_on_timeout_retries_it()
    {
        var report = await RunAsync("""
              - name: hung
                plugin: test
                timeout: 300ms
                retry: { max: 1, delay: 0s, on: timeout }
                config: { mode: sleep, ms: 20000 }
            """);

        var hung = IsolatedRun.Step(report, "hung");
        Assert.Equal(StepStatus.Failed, hung.Status);
        Assert.All(hung.Attempts!, attempt => Assert.StartsWith("timed out after 300ms", attempt.Error, StringComparison.Ordinal));
        Assert.Equal(2, hung.Attempts!.Count);
        Assert.All(hung.Attempts!, attempt => Assert.True(attempt.FinishedAt - attempt.StartedAt < TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task An_interruption_during_the_delay_ends_the_step_at_once_as_cancelled()
    {
        var path = Path.Combine(_directory.FullName, DevFile.FileName);
        await File.WriteAllTextAsync(path, DevFileText($$"""
              - name: waiting
                plugin: test
                retry: { max: 3, delay: 1h }
                config: { mode: fail-until, file: {{Counter}} }
            """));
        using var interrupt = new CancellationTokenSource();
        var observer = new InterruptOnRetry(interrupt);
        var clock = Stopwatch.StartNew();

        var report = await new WorkflowRunner(DevFileLoader.Load(path), IsolatedRun.Options, observer).RunAsync(interrupt.Token, Deadline.After());

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"the run took {clock.Elapsed}");
        Assert.Equal(RunStatus.Cancelled, report.Status);
        var waiting = IsolatedRun.Step(report, "waiting");
        Assert.Equal(StepStatus.Cancelled, waiting.Status);
        Assert.StartsWith("the run was interrupted before attempt 2 of 4; attempt 1 failed", waiting.Error, StringComparison.Ordinal);
        Assert.Single(waiting.Attempts!);
        Assert.Equal("1", await File.ReadAllTextAsync(Counter));
        Assert.Empty(await ProcessTable.SurvivorsAsync(waiting.Attempts!.Select(attempt => attempt.Pid!.Value)));
    }

    [Fact]
    public async Task A_step_without_retry_has_null_attempts_in_its_report()
    {
        var report = await RunAsync("""
              - name: plain
                plugin: test
            """);

        Assert.Null(IsolatedRun.Step(report, "plain").Attempts);
        Assert.Contains("\"attempts\": null", System.Text.Json.JsonSerializer.Serialize(report, ReportJsonContext.Default.RunReport), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("retry: 3", 12, "'retry' must be a mapping")]
    [InlineData("retry: { delay: 1s }", 12, "'retry' needs 'max'")]
    [InlineData("retry: { max: 0 }", 19, "'max' must be a whole number of retries from 1 to 100, not '0'")]
    [InlineData("retry: { max: 2, delay: soon }", 29, "'delay' must be a duration")]
    [InlineData("retry: { max: 2, backoff: 0.5 }", 31, "'backoff' must be a number from 1 to 100")]
    [InlineData("retry: { max: 2, on: [timout] }", 27, "did you mean 'timeout'?")]
    [InlineData("retry: { max: 2, on: [0] }", 27, "'on' takes exit codes from 1 to 255")]
    [InlineData("retry: { max: 2, tries: 3 }", 22, "unknown key 'tries' in 'retry'")]
    public void A_bad_retry_is_one_error_at_its_place(string retry, int column, string message)
    {
        var failure = Assert.Throws<DevFileException>(() => DevFileLoader.Parse(DevFileText($"""
              - name: flaky
                plugin: test
                {retry}
            """), "/tmp/DevFile"));

        var error = Assert.Single(failure.Errors);
        Assert.Equal((7, column), (error.Location.Line, error.Location.Column));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_retry_is_read_with_its_defaults()
    {
        var devFile = DevFileLoader.Parse(DevFileText("""
              - name: flaky
                plugin: test
                retry: { max: 2, on: [2, timeout] }
            """), "/tmp/DevFile");

        var retry = devFile.Step("flaky").Retry!;
        Assert.Equal((2, TimeSpan.FromSeconds(1), 1.0), (retry.Max, retry.Delay, retry.Backoff));
        Assert.Equal([2], retry.ExitCodes);
        Assert.Equal([FailureKind.Timeout], retry.Kinds);
    }

    private static string DevFileText(string steps) => $"""
        plugins:
          - ref: test
            path: {TestExecutables.TestPlugin}
        steps:
        {steps}
        """;

    private Task<RunReport> RunAsync(string steps) => IsolatedRun.RunAsync(_directory, DevFileText(steps), IsolatedRun.Options, _observer);

    /// <summary>Presses Ctrl-C as soon as the first retry is announced.</summary>
    private sealed class InterruptOnRetry(CancellationTokenSource interrupt) : RunObserver
    {
        public override void StepRetrying(StepDefinition step, StepAttempt attempt, TimeSpan delay) => interrupt.Cancel();
    }
}
