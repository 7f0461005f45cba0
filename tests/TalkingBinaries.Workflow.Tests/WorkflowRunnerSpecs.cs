using TalkingBinaries.Hosting;
using TalkingBinaries.Hosting.Discovery;
using TalkingBinaries.Hosting.Integrity;
using TalkingBinaries.Tests;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Reporting;
using TalkingBinaries.Workflow.Running;

namespace TalkingBinaries.Workflow.Tests;

public sealed class WorkflowRunnerSpecs : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tb-runner-");
    private readonly RecordingObserver _observer = new();

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task Steps_run_in_file_order_and_report_their_outputs_and_timings()
    {
        var devFile = Write($"""
            plugins:
              - ref: echo
                path: {TestExecutables.Echo}
              - ref: shell
                path: {TestExecutables.Shell}
            steps:
              - name: first
                plugin: echo
                config:
                  say: one
              - name: second
                plugin: shell
                config:
                  commands:
                    - echo -n "hello world"
                    - echo -n "hello world 2"
            """);

        var report = await Run(devFile);

        Assert.Equal(RunStatus.Succeeded, report.Status);
        Assert.Equal(["first", "second"], report.Steps.Select(step => step.Name));
        Assert.Equal("one", report.Steps[0].Outputs["said"].GetString());
        Assert.Equal(["hello world", "hello world 2"], _observer.Lines.Where(entry => entry.Step == "second" && entry.Line.Level != "debug").Select(entry => entry.Line.Text));
        Assert.All(report.Steps, step =>
        {
            Assert.Equal(StepStatus.Succeeded, step.Status);

            // echo and shell are warm plugins: their processes outlive the steps, so no exit code per step.
            Assert.Null(step.ExitCode);
            Assert.True(step.BinaryTimeMs > 0);
            Assert.True(step.StepTimeMs >= step.BinaryTimeMs);
            Assert.True(step.FinishedAt > step.StartedAt);
        });
        Assert.True(report.Steps[1].StartedAt >= report.Steps[0].FinishedAt, "the second step started before the first finished");
        Assert.Empty(await ProcessTable.SurvivorsAsync(report.Steps.Select(step => step.Pid!.Value)));
    }

    [Fact]
    public async Task A_warm_plugin_serves_every_step_of_the_run_with_one_process_that_ends_with_the_run()
    {
        var devFile = Write($"""
            plugins:
              - ref: echo
                path: {TestExecutables.Echo}
            steps:
              - name: one
                plugin: echo
                config:
                  say: one
              - name: two
                plugin: echo
                config:
                  say: two
              - name: three
                plugin: echo
                parallel: true
                config:
                  say: three
              - name: four
                plugin: echo
                parallel: true
                config:
                  say: four
            """);

        var report = await Run(devFile);

        Assert.Equal(RunStatus.Succeeded, report.Status);
        var pid = Assert.Single(report.Steps.Select(step => step.Pid).Distinct());
        Assert.Empty(await ProcessTable.SurvivorsAsync([pid!.Value]));
    }

    [Fact]
    public async Task A_workflow_of_hundreds_of_steps_runs_every_one_of_them_in_order()
    {
        var steps = string.Concat(Enumerable.Range(0, 400).Select(i => $"  - name: s{i}\n    plugin: echo\n    config:\n      say: step {i}\n"));
        var devFile = Write($"plugins:\n  - ref: echo\n    path: {TestExecutables.Echo}\nsteps:\n{steps}");

        var report = await Run(devFile);

        Assert.Equal(RunStatus.Succeeded, report.Status);
        Assert.Equal(400, report.Steps.Count(step => step.Status == StepStatus.Succeeded));
        Assert.Equal(Enumerable.Range(0, 400).Select(i => $"step {i}"), _observer.Lines.Select(entry => entry.Line.Text));
        Assert.All(report.Steps.Skip(1).Zip(report.Steps), pair => Assert.True(pair.First.StartedAt >= pair.Second.FinishedAt));
    }

    [Fact]
    public async Task The_first_failure_stops_the_run_and_later_steps_are_skipped()
    {
        var devFile = Write($$"""
            plugins:
              - ref: test
                path: {{TestExecutables.TestPlugin}}
            steps:
              - name: fine
                plugin: test
              - name: crash
                plugin: test
                config: { mode: crash-after-logging, lines: 3 }
              - name: never
                plugin: test
            """);

        var report = await Run(devFile);

        Assert.Equal(RunStatus.Failed, report.Status);
        Assert.Equal([StepStatus.Succeeded, StepStatus.Failed, StepStatus.Skipped], report.Steps.Select(step => step.Status));
        var crash = report.Steps[1];
        Assert.Equal(3, crash.ExitCode);
        Assert.Contains("exited with exit code 3 before answering step 'crash'", crash.Error, StringComparison.Ordinal);
        Assert.Equal("step 'crash' failed", report.Steps[2].Error);
        Assert.Null(report.Steps[2].StartedAt);
        Assert.DoesNotContain("start never", _observer.Calls);
    }

    [Fact]
    public async Task Every_line_of_a_dying_plugin_is_delivered_before_its_step_finishes()
    {
        var devFile = Write($$"""
            plugins:
              - ref: test
                path: {{TestExecutables.TestPlugin}}
            steps:
              - name: crash
                plugin: test
                config: { mode: crash-after-logging, lines: 2000 }
            """);

        await Run(devFile);

        var calls = _observer.Calls.ToList();
        var finish = calls.IndexOf("finish crash Failed");
        Assert.Equal(2000, calls.Take(finish).Count(call => call.Contains("before the crash", StringComparison.Ordinal)));
        Assert.Contains("log crash crashing now", calls.Take(finish));
        Assert.DoesNotContain(calls.Skip(finish + 1), call => call.StartsWith("log ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_plugin_failure_result_fails_the_step_with_the_plugins_message()
    {
        var devFile = Write($$"""
            plugins:
              - ref: test
                path: {{TestExecutables.TestPlugin}}
            steps:
              - name: told
                plugin: test
                config: { mode: fail }
            """);

        var report = await Run(devFile);

        var step = Assert.Single(report.Steps);
        Assert.Equal(StepStatus.Failed, step.Status);
        Assert.StartsWith("the test plugin was told to fail [told_to_fail] (plugin 'test', pid ", step.Error, StringComparison.Ordinal);
        Assert.Equal(0, step.ExitCode);
    }

    [Fact]
    public async Task A_missing_plugin_is_reported_with_its_line_before_any_step_runs()
    {
        var devFile = Write($"""
            plugins:
              - ref: echo
                path: {TestExecutables.Echo}
              - ref: ghost
                name: ./bin/ghost
            steps:
              - name: first
                plugin: echo
              - name: second
                plugin: ghost
            """);

        var failure = Assert.Throws<DevFileException>(() => new WorkflowRunner(devFile, Options(), _observer));

        var error = Assert.Single(failure.Errors);
        Assert.Equal(4, error.Location.Line);
        Assert.Contains($"plugin 'ghost' not found; looked at: {Path.Combine(_directory.FullName, "bin/ghost")} (no such file)", error.Message, StringComparison.Ordinal);
        Assert.Empty(_observer.Calls);
    }

    [Fact]
    public async Task A_seed_format_plugin_has_its_base64_response_decoded_in_order()
    {
        var devFile = Write($"""
            plugins:
              - ref: seed
                path: {Path.Combine(TestExecutables.RepositoryRoot, "tests/plugins/seed-plugin.sh")}
                protocol: seed
            steps:
              - name: legacy
                plugin: seed
                config:
                  say: hello
            """);

        var report = await Run(devFile);

        var step = Assert.Single(report.Steps);
        Assert.Equal(StepStatus.Succeeded, step.Status);
        Assert.Equal(
            ["""seed plugin got: {"Config":{"say":"hello"},"Parallel":false}""", "plugin log 1", "plugin log 2", "first output", "second output", "eleventh output", "a warning"],
            _observer.TextOf("legacy"));
        Assert.Equal(["first output", "second output", "eleventh output"], step.Outputs["userOutput"].EnumerateArray().Select(item => item.GetString()));
    }

    [Fact]
    public async Task A_seed_plugin_that_writes_no_JSON_has_its_stdout_shown_with_a_warning()
    {
        var devFile = Write($"""
            plugins:
              - ref: echo
                path: {Path.Combine(TestExecutables.RepositoryRoot, "tests/plugins/seed-echo-prototype.sh")}
                protocol: seed
            steps:
              - name: say_hi
                plugin: echo
                config:
                  say: hello world
            """);

        var report = await Run(devFile);

        Assert.Equal(StepStatus.Succeeded, Assert.Single(report.Steps).Status);
        var lines = _observer.Lines.Select(entry => entry.Line).ToList();
        Assert.Contains(lines, line => line.Level == "warn" && line.Text.Contains("speaks the seed format but its stdout is not the seed JSON response", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Text == """Configuration received: {"Config":{"say":"hello world"},"Parallel":false}""");
    }

    [Fact]
    public async Task Cancelling_a_run_stops_the_running_plugin_and_skips_the_rest()
    {
        var deadline = Deadline.After();
        var devFile = Write($$"""
            plugins:
              - ref: test
                path: {{TestExecutables.TestPlugin}}
            steps:
              - name: hang
                plugin: test
                config: { mode: hang }
              - name: after
                plugin: test
            """);
        using var interrupt = new CancellationTokenSource();
        var running = new WorkflowRunner(devFile, Options(), _observer).RunAsync(interrupt.Token);
        await _observer.WaitForLineAsync("hanging", deadline);
        var child = int.Parse(_observer.TextOf("hang").First(text => text.StartsWith("child pid ", StringComparison.Ordinal))["child pid ".Length..], System.Globalization.CultureInfo.InvariantCulture);

        await interrupt.CancelAsync();
        var report = await running.WaitAsync(deadline);

        Assert.Equal(RunStatus.Cancelled, report.Status);
        Assert.Equal([StepStatus.Cancelled, StepStatus.Skipped], report.Steps.Select(step => step.Status));
        Assert.Equal(15, report.Steps[0].Signal);
        Assert.Empty(await ProcessTable.SurvivorsAsync([report.Steps[0].Pid!.Value, child]));
    }

    [Fact]
    public void A_plugin_that_does_not_match_its_sha256_stops_the_run_before_anything_starts()
    {
        var wrong = new string('0', 64);
        var actual = new PluginHashes(cacheFile: null).HashFile(TestExecutables.Echo);
        var devFile = Write($"""
            plugins:
              - ref: shell
                path: {TestExecutables.Shell}
              - ref: echo
                path: {TestExecutables.Echo}
                sha256: {wrong}
            steps:
              - name: first
                plugin: shell
                config:
                  commands:
                    - touch {Path.Combine(_directory.FullName, "ran")}
              - name: second
                plugin: echo
            """);

        var failure = Assert.Throws<DevFileException>(() => new WorkflowRunner(devFile, Options() with { Hashes = new PluginHashes(cacheFile: null) }, _observer));

        var error = Assert.Single(failure.Errors);
        Assert.Equal(new SourceLocation(devFile.Path, 4, 5), error.Location);
        Assert.Contains($"plugin 'echo' ({TestExecutables.Echo}) does not match its 'sha256:' in the DevFile: expected sha256 {wrong}, found {actual}", error.Message, StringComparison.Ordinal);
        Assert.Empty(_observer.Calls);
        Assert.False(File.Exists(Path.Combine(_directory.FullName, "ran")));
    }

    [Fact]
    public async Task A_plugin_that_matches_its_sha256_runs()
    {
        var devFile = Write($"""
            plugins:
              - ref: echo
                path: {TestExecutables.Echo}
                sha256: {new PluginHashes(cacheFile: null).HashFile(TestExecutables.Echo).ToUpperInvariant()}
            steps:
              - name: first
                plugin: echo
                config:
                  say: pinned
            """);

        var report = await new WorkflowRunner(devFile, Options() with { Hashes = new PluginHashes(cacheFile: null) }, _observer).RunAsync(Deadline.After());

        Assert.Equal(RunStatus.Succeeded, report.Status);
        Assert.Equal(["pinned"], _observer.TextOf("first"));
    }

    private DevFile Write(string text)
    {
        var path = Path.Combine(_directory.FullName, DevFile.FileName);
        File.WriteAllText(path, text);
        return DevFileLoader.Load(path);
    }

    private static RunOptions Options() => new()
    {
        Locator = new PluginLocator(searchPath: string.Empty, bundledDirectory: null),
        Hosting = HostingOptions.Default with { StopGrace = TimeSpan.FromSeconds(2), CancelTimeout = TimeSpan.FromSeconds(1), HandshakeTimeout = TimeSpan.FromSeconds(5) },
    };

    private Task<RunReport> Run(DevFile devFile) =>
        new WorkflowRunner(devFile, Options(), _observer).RunAsync(Deadline.After());
}
