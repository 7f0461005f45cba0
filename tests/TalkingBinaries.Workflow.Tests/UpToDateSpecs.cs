using System.Collections.Concurrent;
using System.Text.Json;
using TalkingBinaries.Tests;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Reporting;
using TalkingBinaries.Workflow.Running;

namespace TalkingBinaries.Workflow.Tests;

/// <summary>Steps with <c>inputs</c> and <c>outputs</c>, run twice or more with real plugins: skipped when up to date, run when anything that went in changed (docs/devfile.md, "Up to date").</summary>
/// <remarks>Each shell step appends its name to the file <c>runs</c> when its plugin really runs it: that file is the proof of what ran.</remarks>
public sealed class UpToDateSpecs : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tb-uptodate-");

    public UpToDateSpecs()
    {
        Write("src/a.c", "int a;");
        Write("src/b.c", "int b;");
    }

    public void Dispose() => _directory.Delete(recursive: true);

    private const string Build = """
          - name: build
            plugin: shell
            inputs: src/*.c
            outputs: out/app
            config:
              commands:
                - echo build >> runs
                - mkdir -p out && cat src/*.c > out/app
                - printf built
        """;

    [Fact]
    public async Task The_second_run_is_up_to_date_and_does_not_start_the_plugin()
    {
        var first = await RunAsync(Build);
        var second = await RunAsync(Build);

        Assert.Equal(StepStatus.Succeeded, Step(first.Report, "build").Status);
        var build = Step(second.Report, "build");
        Assert.Equal(StepStatus.UpToDate, build.Status);
        Assert.Null(build.Pid);
        Assert.Equal(RunStatus.Succeeded, second.Report.Status);
        Assert.Equal(["build"], Runs());
        Assert.DoesNotContain("start build", second.Observer.Calls);
        Assert.Contains("finish build UpToDate", second.Observer.Calls);
        Assert.True(File.Exists(Path.Combine(_directory.FullName, ".tb", "state", "DevFile.json")));
        Assert.Equal("*", File.ReadAllLines(Path.Combine(_directory.FullName, ".tb", ".gitignore")).Last());
    }

    [Fact]
    public async Task Changing_an_input_files_content_runs_the_step_again()
    {
        await RunAsync(Build);

        Write("src/a.c", "int a = 2;");
        var second = await RunAsync(Build);
        var third = await RunAsync(Build);

        Assert.Equal(StepStatus.Succeeded, Step(second.Report, "build").Status);
        Assert.Equal("int a = 2;int b;", Read("out/app"));
        Assert.Equal(StepStatus.UpToDate, Step(third.Report, "build").Status);
        Assert.Equal(["build", "build"], Runs());
    }

    [Fact]
    public async Task Touching_an_input_without_changing_its_content_does_not_run_the_step_again()
    {
        await RunAsync(Build);

        File.SetLastWriteTimeUtc(Path.Combine(_directory.FullName, "src", "a.c"), DateTime.UtcNow.AddHours(1));
        Write("src/b.c", "int b;");
        var second = await RunAsync(Build);

        Assert.Equal(StepStatus.UpToDate, Step(second.Report, "build").Status);
        Assert.Equal(["build"], Runs());
    }

    [Fact]
    public async Task A_new_file_that_the_inputs_pattern_matches_runs_the_step_again()
    {
        await RunAsync(Build);

        Write("src/c.c", "int c;");
        var second = await RunAsync(Build);

        Assert.Equal(StepStatus.Succeeded, Step(second.Report, "build").Status);
        Assert.Equal("int a;int b;int c;", Read("out/app"));
        Assert.Equal(["build", "build"], Runs());
    }

    [Fact]
    public async Task A_file_the_pattern_does_not_match_changes_nothing()
    {
        await RunAsync(Build);

        Write("src/c.h", "int c;");
        var second = await RunAsync(Build);

        Assert.Equal(StepStatus.UpToDate, Step(second.Report, "build").Status);
    }

    [Fact]
    public async Task Deleting_an_output_runs_the_step_again_and_makes_it_anew()
    {
        await RunAsync(Build);

        File.Delete(Path.Combine(_directory.FullName, "out", "app"));
        var second = await RunAsync(Build);

        Assert.Equal(StepStatus.Succeeded, Step(second.Report, "build").Status);
        Assert.Equal("int a;int b;", Read("out/app"));
        Assert.Equal(["build", "build"], Runs());
    }

    [Fact]
    public async Task Editing_an_output_runs_the_step_again()
    {
        await RunAsync(Build);

        Write("out/app", "tampered");
        var second = await RunAsync(Build);

        Assert.Equal(StepStatus.Succeeded, Step(second.Report, "build").Status);
        Assert.Equal("int a;int b;", Read("out/app"));
    }

    [Fact]
    public async Task Changing_the_steps_config_runs_it_again()
    {
        await RunAsync(Build);

        var second = await RunAsync(Build.Replace("printf built", "printf rebuilt", StringComparison.Ordinal));

        var build = Step(second.Report, "build");
        Assert.Equal(StepStatus.Succeeded, build.Status);
        Assert.Equal("rebuilt", build.Outputs["stdout"].GetString()!.TrimEnd());
        Assert.Equal(["build", "build"], Runs());
    }

    [Fact]
    public async Task Changing_a_given_variable_runs_the_step_again_and_the_same_value_does_not()
    {
        var mode = new Dictionary<string, JsonElement> { ["mode"] = Text("debug") };
        await RunAsync(Build, options => options with { Variables = mode });
        var same = await RunAsync(Build, options => options with { Variables = mode });

        var changed = await RunAsync(Build, options => options with
        {
            Variables = new Dictionary<string, JsonElement> { ["mode"] = Text("release") },
        });

        Assert.Equal(StepStatus.UpToDate, Step(same.Report, "build").Status);
        Assert.Equal(StepStatus.Succeeded, Step(changed.Report, "build").Status);
        Assert.Equal(["build", "build"], Runs());
    }

    [Fact]
    public async Task A_step_that_waits_for_a_step_that_ran_again_with_new_outputs_runs_again_too()
    {
        var steps = Build + """

              - name: package
                plugin: shell
                needs: [build]
                outputs: dist/app.tar
                config:
                  commands:
                    - echo package >> runs
                    - mkdir -p dist && cp out/app dist/app.tar
            """;
        await RunAsync(steps);
        var unchanged = await RunAsync(steps);

        Write("src/a.c", "int a = 3;");
        var changed = await RunAsync(steps);

        Assert.Equal(StepStatus.UpToDate, Step(unchanged.Report, "build").Status);
        Assert.Equal(StepStatus.UpToDate, Step(unchanged.Report, "package").Status);
        Assert.Equal(StepStatus.Succeeded, Step(changed.Report, "build").Status);
        Assert.Equal(StepStatus.Succeeded, Step(changed.Report, "package").Status);
        Assert.Equal("int a = 3;int b;", Read("dist/app.tar"));
        Assert.Equal(["build", "package", "build", "package"], Runs());
    }

    [Fact]
    public async Task A_chain_of_tracked_steps_whose_upstream_gives_an_object_output_is_up_to_date_on_every_later_run()
    {
        // The test plugin gives its config back as an object output: read back from the state file, it must count as
        // the same output, or the step after it would run again.
        Write("in.txt", "one");
        const string Steps = """
              - name: up
                plugin: test
                inputs: in.txt
                config: { nested: { a: 1, b: [1, 2] } }
              - name: down
                plugin: shell
                needs: [up]
                inputs: in.txt
                config:
                  commands:
                    - echo down >> runs
            """;

        await RunAsync(Steps);
        var second = await RunAsync(Steps);
        var third = await RunAsync(Steps);

        Assert.Equal(StepStatus.UpToDate, Step(second.Report, "up").Status);
        Assert.Equal(StepStatus.UpToDate, Step(second.Report, "down").Status);
        Assert.Equal(StepStatus.UpToDate, Step(third.Report, "down").Status);
        Assert.Equal(["down"], Runs());
    }

    [Fact]
    public async Task The_outputs_and_variables_of_an_up_to_date_step_are_given_back_to_the_steps_after_it()
    {
        Write("in.txt", "one");
        var steps = Build + """

              - name: setter
                plugin: test
                inputs: in.txt
                config: { mode: set-var, name: flavour, value: vanilla }
              - name: use
                plugin: shell
                needs: [build, setter]
                config:
                  env:
                    BUILT: ${{ steps.build.outputs.stdout }}
                    FLAVOUR: ${{ vars.flavour }}
                  commands:
                    - echo "$(echo $BUILT) $FLAVOUR" >> seen
            """;

        await RunAsync(steps);
        var second = await RunAsync(steps);

        Assert.Equal(StepStatus.UpToDate, Step(second.Report, "build").Status);
        Assert.Equal(StepStatus.UpToDate, Step(second.Report, "setter").Status);
        Assert.Equal("built", Step(second.Report, "build").Outputs["stdout"].GetString()!.TrimEnd());
        Assert.Equal(["built vanilla", "built vanilla"], File.ReadAllLines(Path.Combine(_directory.FullName, "seen")));
    }

    [Fact]
    public async Task A_step_that_failed_is_not_up_to_date_the_next_time_even_with_the_fingerprint_it_last_succeeded_with()
    {
        // Whether it fails hangs on a file that is not an input, so its fingerprint stays the same throughout.
        var steps = Build.Replace("printf built", "test ! -f fail", StringComparison.Ordinal);
        await RunAsync(steps);
        Write("fail", "yes");
        var failed = await RunAsync(steps, options => options with { Force = true });
        File.Delete(Path.Combine(_directory.FullName, "fail"));

        var after = await RunAsync(steps);

        Assert.Equal(StepStatus.Failed, Step(failed.Report, "build").Status);
        Assert.Equal(StepStatus.Succeeded, Step(after.Report, "build").Status);
        Assert.Equal(["build", "build", "build"], Runs());
    }

    [Fact]
    public async Task Force_runs_every_step_and_still_records_them()
    {
        await RunAsync(Build);

        var forced = await RunAsync(Build, options => options with { Force = true });
        var after = await RunAsync(Build);

        Assert.Equal(StepStatus.Succeeded, Step(forced.Report, "build").Status);
        Assert.Contains("start build", forced.Observer.Calls);
        Assert.Equal(StepStatus.UpToDate, Step(after.Report, "build").Status);
        Assert.Equal(["build", "build"], Runs());
    }

    [Fact]
    public async Task The_state_of_another_DevFile_in_the_same_directory_does_not_interfere()
    {
        var other = Build.Replace("echo build", "echo other", StringComparison.Ordinal).Replace("out/app", "out/other", StringComparison.Ordinal);

        await RunAsync(Build);
        await RunAsync(other, fileName: "other.yml");
        var second = await RunAsync(Build);
        var otherSecond = await RunAsync(other, fileName: "other.yml");

        Assert.Equal(StepStatus.UpToDate, Step(second.Report, "build").Status);
        Assert.Equal(StepStatus.UpToDate, Step(otherSecond.Report, "build").Status);
        Assert.Equal(["build", "other"], Runs());
        Assert.True(File.Exists(Path.Combine(_directory.FullName, ".tb", "state", "DevFile.json")));
        Assert.True(File.Exists(Path.Combine(_directory.FullName, ".tb", "state", "other.yml.json")));
    }

    [Theory]
    [InlineData("this is not JSON")]
    [InlineData("""{ "version": 1, "steps": null }""")]
    [InlineData("""{ "version": 1, "steps": { "build": { "fingerprint": "x", "config": "x", "plugin": "x", "variables": "x", "inputs": null } } }""")]
    public async Task A_corrupt_state_file_gives_a_warning_or_is_ignored_and_every_tracked_step_runs(string corrupt)
    {
        await RunAsync(Build);
        Write(".tb/state/DevFile.json", corrupt);

        var second = await RunAsync(Build);
        var third = await RunAsync(Build);

        Assert.Equal(StepStatus.Succeeded, Step(second.Report, "build").Status);
        Assert.Equal(RunStatus.Succeeded, second.Report.Status);
        if (corrupt.StartsWith('t'))
        {
            Assert.Contains(second.Warnings, warning => warning.Contains("DevFile.json", StringComparison.Ordinal) && warning.Contains("every step with inputs or outputs runs", StringComparison.Ordinal));
        }

        Assert.Equal(StepStatus.UpToDate, Step(third.Report, "build").Status);
        Assert.Empty(third.Warnings);
        Assert.Equal(["build", "build"], Runs());
    }

    [Fact]
    public async Task A_step_without_inputs_or_outputs_runs_every_time_and_nothing_is_written()
    {
        const string Steps = """
              - name: plain
                plugin: shell
                config:
                  commands:
                    - echo plain >> runs
            """;

        await RunAsync(Steps);
        var second = await RunAsync(Steps);

        Assert.Equal(StepStatus.Succeeded, Step(second.Report, "plain").Status);
        Assert.Equal(["plain", "plain"], Runs());
        Assert.False(Directory.Exists(Path.Combine(_directory.FullName, ".tb")));
    }

    private async Task<(RunReport Report, RecordingObserver Observer, IReadOnlyList<string> Warnings)> RunAsync(string steps, Func<RunOptions, RunOptions>? configure = null, string fileName = DevFile.FileName)
    {
        var path = Path.Combine(_directory.FullName, fileName);
        await File.WriteAllTextAsync(path, $"""
            plugins:
              - ref: shell
                path: {TestExecutables.Shell}
              - ref: test
                path: {TestExecutables.TestPlugin}
            steps:
            {steps}
            """);
        var observer = new RecordingObserver();
        var warnings = new WarningObserver();
        var options = configure is null ? IsolatedRun.Options : configure(IsolatedRun.Options);
        var report = await new WorkflowRunner(DevFileLoader.Load(path), options, RunObserver.Combine(observer, warnings)).RunAsync(Deadline.After());
        Assert.Empty(await ProcessTable.SurvivorsAsync(report.Steps.Where(step => step.Pid is not null).Select(step => step.Pid!.Value)));
        return (report, observer, warnings.Messages.ToList());
    }

    private static StepReport Step(RunReport report, string name) => IsolatedRun.Step(report, name);

    private static JsonElement Text(string value) => JsonDocument.Parse($"\"{value}\"").RootElement.Clone();

    private string[] Runs()
    {
        var path = Path.Combine(_directory.FullName, "runs");
        return File.Exists(path) ? File.ReadAllLines(path) : [];
    }

    private string Read(string relative) => File.ReadAllText(Path.Combine(_directory.FullName, relative));

    private void Write(string relative, string text)
    {
        var path = Path.Combine(_directory.FullName, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private sealed class WarningObserver : RunObserver
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public override void Warning(string message) => Messages.Enqueue(message);
    }
}
