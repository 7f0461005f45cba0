using TalkingBinaries.Tests;
using TalkingBinaries.Workflow.Reporting;

namespace TalkingBinaries.Workflow.Tests;

/// <summary>Parallelism is asserted from the report's timestamps (which intervals overlap), never from wall-clock thresholds.</summary>
/// <remarks>Steps that must overlap sleep a second: long enough that a slow start of one process (a loaded CI machine) cannot separate them.</remarks>
public sealed class ParallelRunSpecs : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tb-parallel-");
    private readonly RecordingObserver _observer = new();

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task A_run_group_runs_together_and_the_next_step_waits_for_all_of_it()
    {
        var report = await Run($$"""
            steps:
              - name: before
                plugin: test
                config: { mode: sleep, ms: 50 }
              - name: one
                plugin: test
                parallel: true
                config: { mode: sleep, ms: 1000 }
              - name: two
                plugin: test
                parallel: true
                config: { mode: sleep, ms: 1000 }
              - name: three
                plugin: test
                parallel: true
                config: { mode: sleep, ms: 1000 }
              - name: after
                plugin: test
                config: { mode: sleep, ms: 10 }
            """);

        Assert.Equal(RunStatus.Succeeded, report.Status);
        var group = Steps(report, "one", "two", "three");
        AssertAllOverlap(group);
        Assert.All(group, step => Assert.True(step.StartedAt >= Step(report, "before").FinishedAt, $"{step.Name} started before 'before' finished"));
        Assert.True(Step(report, "after").StartedAt >= group.Max(step => step.FinishedAt), "'after' started before the run group finished");
    }

    [Fact]
    public async Task A_diamond_runs_its_middle_steps_together_between_the_top_and_the_bottom()
    {
        var report = await Run($$"""
            steps:
              - name: d
                plugin: test
                needs: [b, c]
                config: { mode: sleep, ms: 10 }
              - name: b
                plugin: test
                needs: a
                config: { mode: sleep, ms: 1000 }
              - name: c
                plugin: test
                needs: [a]
                config: { mode: sleep, ms: 1000 }
              - name: a
                plugin: test
                needs: []
                config: { mode: sleep, ms: 50 }
            """);

        Assert.Equal(RunStatus.Succeeded, report.Status);
        Assert.Equal(["d", "b", "c", "a"], report.Steps.Select(step => step.Name));
        AssertAllOverlap(Steps(report, "b", "c"));
        Assert.True(Step(report, "b").StartedAt >= Step(report, "a").FinishedAt);
        Assert.True(Step(report, "c").StartedAt >= Step(report, "a").FinishedAt);
        Assert.True(Step(report, "d").StartedAt >= Step(report, "b").FinishedAt);
        Assert.True(Step(report, "d").StartedAt >= Step(report, "c").FinishedAt);
    }

    [Fact]
    public async Task A_step_with_needs_starts_without_waiting_for_unrelated_steps()
    {
        var report = await Run($$"""
            steps:
              - name: slow
                plugin: test
                config: { mode: sleep, ms: 1500 }
              - name: quick
                plugin: test
                needs: []
                config: { mode: sleep, ms: 50 }
              - name: last
                plugin: test
                config: { mode: sleep, ms: 10 }
            """);

        Assert.True(Step(report, "quick").FinishedAt < Step(report, "slow").FinishedAt, "'quick' waited for 'slow'");
        Assert.True(Step(report, "last").StartedAt >= Step(report, "slow").FinishedAt);
        Assert.True(Step(report, "last").StartedAt >= Step(report, "quick").FinishedAt);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task Max_parallel_bounds_how_many_steps_overlap(int maxParallel)
    {
        var report = await Run($$"""
            steps:
              - name: s1
                plugin: test
                parallel: true
                config: { mode: sleep, ms: 1000 }
              - name: s2
                plugin: test
                parallel: true
                config: { mode: sleep, ms: 1000 }
              - name: s3
                plugin: test
                parallel: true
                config: { mode: sleep, ms: 1000 }
              - name: s4
                plugin: test
                parallel: true
                config: { mode: sleep, ms: 1000 }
            """, maxParallel);

        Assert.Equal(RunStatus.Succeeded, report.Status);
        Assert.Equal(maxParallel, MostAtOnce(report.Steps));
    }

    [Fact]
    public async Task Concurrent_steps_of_one_plugin_get_distinct_instance_indexes_and_know_their_siblings()
    {
        var report = await Run($$"""
            steps:
              - name: first
                plugin: test
                parallel: true
                config: { mode: sleep, ms: 200 }
              - name: second
                plugin: test
                parallel: true
                config: { mode: sleep, ms: 200 }
              - name: other
                plugin: echo
                parallel: true
                config: { say: hi }
              - name: third
                plugin: test
                parallel: true
                config: { mode: sleep, ms: 200 }
            """);

        var infos = Steps(report, "first", "second", "third").Select(step => step.Outputs["parallel"]).ToList();
        Assert.Equal([0, 1, 2], infos.Select(info => info.GetProperty("instance").GetInt32()));
        Assert.All(infos, info =>
        {
            Assert.True(info.GetProperty("enabled").GetBoolean());
            Assert.Equal(3, info.GetProperty("instances").GetInt32());
            Assert.Equal(infos[0].GetProperty("group").GetInt32(), info.GetProperty("group").GetInt32());
        });
        Assert.Equal(["second", "other", "third"], infos[0].GetProperty("siblings").EnumerateArray().Select(name => name.GetString()));
    }

    [Fact]
    public async Task A_step_alone_is_told_it_does_not_run_in_parallel()
    {
        var report = await Run($$"""
            steps:
              - name: alone
                plugin: test
                config: { mode: sleep, ms: 1 }
            """);

        var info = Step(report, "alone").Outputs["parallel"];
        Assert.False(info.GetProperty("enabled").GetBoolean());
        Assert.Equal(0, info.GetProperty("instance").GetInt32());
        Assert.Equal(1, info.GetProperty("instances").GetInt32());
        Assert.Empty(info.GetProperty("siblings").EnumerateArray());
    }

    [Fact]
    public async Task The_first_failure_cancels_running_siblings_and_skips_what_has_not_started()
    {
        // "fails" fails only once both siblings are running, so both have a process to stop.
        var hanging = Path.Combine(_directory.FullName, "hanging");
        var sleeping = Path.Combine(_directory.FullName, "sleeping");
        var report = await Run($$"""
            steps:
              - name: fails
                plugin: test
                parallel: true
                config: { mode: sleep, ms: 1, fail: true, await: ["{{hanging}}", "{{sleeping}}"] }
              - name: hangs
                plugin: test
                parallel: true
                config: { mode: hang, touch: "{{hanging}}" }
              - name: sleeps
                plugin: test
                parallel: true
                config: { mode: sleep, ms: 30000, touch: "{{sleeping}}" }
              - name: later
                plugin: test
            """);

        Assert.Equal(RunStatus.Failed, report.Status);
        Assert.Equal("fails", report.FailedFirst);
        Assert.Equal(StepStatus.Failed, Step(report, "fails").Status);
        foreach (var name in new[] { "hangs", "sleeps" })
        {
            var step = Step(report, name);
            Assert.Equal(StepStatus.Cancelled, step.Status);
            Assert.StartsWith("step 'fails' failed; plugin 'test' (pid ", step.Error, StringComparison.Ordinal);
        }

        Assert.Equal(StepStatus.Skipped, Step(report, "later").Status);
        Assert.Equal("step 'fails' failed", Step(report, "later").Error);
    }

    [Fact]
    public async Task A_failure_with_continue_on_error_stops_nothing_and_its_dependents_run()
    {
        var report = await Run($$"""
            steps:
              - name: flaky
                plugin: test
                continue_on_error: true
                config: { mode: fail }
              - name: next
                plugin: test
                needs: [flaky]
                config: { mode: sleep, ms: 1 }
              - name: last
                plugin: test
                config: { mode: sleep, ms: 1 }
            """);

        Assert.Equal(RunStatus.Succeeded, report.Status);
        Assert.Null(report.FailedFirst);
        Assert.Equal([StepStatus.Failed, StepStatus.Succeeded, StepStatus.Succeeded], report.Steps.Select(step => step.Status));
    }

    [Fact]
    public async Task A_step_that_needs_a_failed_step_is_skipped_with_the_reason()
    {
        var report = await Run($$"""
            steps:
              - name: broken
                plugin: test
                config: { mode: fail }
              - name: dependent
                plugin: test
                needs: [broken]
            """);

        Assert.Equal(StepStatus.Skipped, Step(report, "dependent").Status);
        Assert.Equal("step 'broken' failed", Step(report, "dependent").Error);
    }

    [Fact]
    public async Task A_step_timeout_kills_a_plugin_that_ignores_SIGTERM_and_its_child_and_fails_the_step()
    {
        // 2 s, not less: the (JIT-compiled) test plugin must have started and said its child's pid before the timeout,
        // which took over 500 ms on a loaded 2-core machine.
        var report = await Run($$"""
            steps:
              - name: stubborn
                plugin: stubborn
                timeout: 2s
            """, plugins: $$"""
              - ref: stubborn
                path: {{Path.Combine(_directory.FullName, "stubborn.sh")}}
            """);
        var child = int.Parse(_observer.TextOf("stubborn").First(text => text.StartsWith("child pid ", StringComparison.Ordinal))["child pid ".Length..], System.Globalization.CultureInfo.InvariantCulture);

        var step = Step(report, "stubborn");
        Assert.Equal(StepStatus.Failed, step.Status);
        Assert.StartsWith("timed out after 2s; plugin 'stubborn' (pid ", step.Error, StringComparison.Ordinal);
        Assert.EndsWith("was killed by signal 9 (SIGKILL)", step.Error, StringComparison.Ordinal);
        Assert.Equal(9, step.Signal);
        Assert.Equal("stubborn", report.FailedFirst);
        Assert.Empty(await ProcessTable.SurvivorsAsync([step.Pid!.Value, child]));
    }

    [Fact]
    public async Task A_run_timeout_stops_everything_and_says_so()
    {
        var report = await Run($$"""
            steps:
              - name: long
                plugin: test
                config: { mode: hang }
              - name: never
                plugin: test
            """, runTimeout: TimeSpan.FromMilliseconds(500));

        Assert.Equal(RunStatus.TimedOut, report.Status);
        Assert.Equal(StepStatus.Cancelled, Step(report, "long").Status);
        Assert.StartsWith("the run timed out after 500ms; plugin 'test'", Step(report, "long").Error, StringComparison.Ordinal);
        Assert.Equal(StepStatus.Skipped, Step(report, "never").Status);
    }

    [Fact]
    public async Task Running_one_step_runs_it_with_what_it_waits_for_and_nothing_else()
    {
        var report = await Run($$"""
            steps:
              - name: base
                plugin: test
                needs: []
                config: { mode: sleep, ms: 1 }
              - name: unrelated
                plugin: test
                needs: []
                config: { mode: sleep, ms: 1 }
              - name: target
                plugin: test
                needs: [base]
                config: { mode: sleep, ms: 1 }
              - name: after
                plugin: test
                config: { mode: sleep, ms: 1 }
            """, only: "target");

        Assert.Equal(["base", "target"], report.Steps.Select(step => step.Name));
        Assert.All(report.Steps, step => Assert.Equal(StepStatus.Succeeded, step.Status));
    }

    private async Task<RunReport> Run(string steps, int maxParallel = 8, string? plugins = null, TimeSpan? runTimeout = null, string? only = null)
    {
        // A plugin that ignores SIGTERM and keeps a child: the test plugin's ignore-sigterm mode behind a script.
        var stubborn = Path.Combine(_directory.FullName, "stubborn.sh");
        File.WriteAllText(stubborn, $"#!/bin/sh\nexec {TestExecutables.TestPlugin} ignore-sigterm\n");
        File.SetUnixFileMode(stubborn, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var devFile = $$"""
            plugins:
              - ref: test
                path: {{TestExecutables.TestPlugin}}
              - ref: echo
                path: {{TestExecutables.Echo}}
            {{plugins ?? string.Empty}}
            {{steps}}
            """;
        var options = IsolatedRun.Options with { MaxParallel = maxParallel, Timeout = runTimeout, Step = only };
        return await IsolatedRun.RunAsync(_directory, devFile, options, _observer);
    }

    private static StepReport Step(RunReport report, string name) => IsolatedRun.Step(report, name);

    private static List<StepReport> Steps(RunReport report, params string[] names) => names.Select(name => Step(report, name)).ToList();

    private static void AssertAllOverlap(List<StepReport> steps)
    {
        foreach (var a in steps)
        {
            foreach (var b in steps.Where(other => other != a))
            {
                Assert.True(a.StartedAt < b.FinishedAt && b.StartedAt < a.FinishedAt, $"{a.Name} and {b.Name} did not run at the same time");
            }
        }
    }

    private static int MostAtOnce(IEnumerable<StepReport> steps)
    {
        var events = steps.SelectMany(step => new[] { (Time: step.StartedAt!.Value, Delta: 1), (Time: step.FinishedAt!.Value, Delta: -1) })
            .OrderBy(e => e.Time).ThenBy(e => e.Delta);
        var running = 0;
        var most = 0;
        foreach (var (_, delta) in events)
        {
            running += delta;
            most = Math.Max(most, running);
        }

        return most;
    }
}
