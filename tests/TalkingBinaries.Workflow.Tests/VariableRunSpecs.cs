using System.Text.Json;
using TalkingBinaries.Tests;
using TalkingBinaries.Workflow.Reporting;

namespace TalkingBinaries.Workflow.Tests;

public sealed class VariableRunSpecs : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tb-vars-");
    private readonly RecordingObserver _observer = new();

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task A_variable_a_plugin_sets_is_used_by_a_later_steps_config_with_its_type()
    {
        var report = await Run("""
            vars:
              region: eu-west-1
            plugins: PLUGINS
            steps:
              - name: produce
                plugin: test
                config:
                  mode: set-var
                  name: versions
                  value: [1, 2, 3]
              - name: consume
                plugin: test
                config:
                  mode: sleep
                  list: ${{ vars.versions }}
                  first: ${{ vars.versions[0] }}
                  text: "v${{ vars.versions[2] }} in ${{ vars.region }}, said ${{ toJson(steps.produce.outputs.value) }}"
            """);

        Assert.Equal(RunStatus.Succeeded, report.Status);
        var consume = Step(report, "consume");
        Assert.Equal(StepStatus.Succeeded, consume.Status);
        Assert.Contains("variables seen: {\"region\":\"eu-west-1\"}", _observer.TextOf("produce"));
        Assert.Equal("[1,2,3]", report.Variables["versions"].GetRawText());
        Assert.Equal("eu-west-1", report.Variables["region"].GetString());
        Assert.Equal([1, 2, 3], report.Steps[0].Outputs["value"].EnumerateArray().Select(item => item.GetInt32()));
    }

    [Fact]
    public async Task A_plugin_asks_the_host_for_a_variable_and_another_steps_outputs_while_it_runs()
    {
        var report = await Run("""
            plugins: PLUGINS
            steps:
              - name: producer
                plugin: test
                config: { mode: set-var, name: wanted, value: { deep: [1, 2] } }
              - name: reader
                plugin: sdk
                config: { mode: read-var }
            """);

        var reader = Step(report, "reader");
        Assert.Equal(StepStatus.Succeeded, reader.Status);
        Assert.Equal("""{"deep":[1,2]}""", reader.Outputs["variable"].GetRawText());
        Assert.Equal("succeeded", reader.Outputs["producerStatus"].GetString());
        Assert.Equal(["value", "config"], reader.Outputs["producerOutputs"].EnumerateArray().Select(item => item.GetString()));
    }

    [Fact]
    public async Task Substituted_config_reaches_the_plugin_typed_and_interpolated()
    {
        var report = await Run("""
            vars:
              list: [a, b]
              count: 3
            plugins: PLUGINS
            steps:
              - name: show
                plugin: test
                config:
                  mode: set-var
                  name: unused
                  value: ${{ vars.list }}
                  count: ${{ vars.count }}
                  text: "${{ vars.count }} items: ${{ vars.list }} $${{ not an expression }}"
            """);

        var config = Step(report, "show").Outputs["config"];
        Assert.Equal(JsonValueKind.Array, config.GetProperty("value").ValueKind);
        Assert.Equal(3, config.GetProperty("count").GetInt32());
        Assert.Equal("3 items: [\"a\",\"b\"] ${{ not an expression }}", config.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Two_steps_setting_one_variable_at_the_same_time_fail_the_run()
    {
        var report = await Run("""
            plugins: PLUGINS
            steps:
              - name: left
                plugin: test
                parallel: true
                config: { mode: set-var, name: winner, value: left, ms: 300 }
              - name: right
                plugin: test
                parallel: true
                config: { mode: set-var, name: winner, value: right, ms: 300 }
            """);

        Assert.Equal(RunStatus.Failed, report.Status);
        var failed = Assert.Single(report.Steps, step => step.Status == StepStatus.Failed);
        Assert.Matches("^steps '(left|right)' and '(left|right)' both set variable 'winner' while running at the same time", failed.Error);
    }

    [Fact]
    public async Task Steps_that_set_one_variable_one_after_the_other_are_fine_and_the_last_wins()
    {
        var report = await Run("""
            plugins: PLUGINS
            steps:
              - name: first
                plugin: test
                config: { mode: set-var, name: winner, value: first }
              - name: second
                plugin: test
                config: { mode: set-var, name: winner, value: second }
            """);

        Assert.Equal(RunStatus.Succeeded, report.Status);
        Assert.Equal("second", report.Variables["winner"].GetString());
    }

    [Fact]
    public async Task A_cleanup_step_with_if_failure_runs_after_a_failure_and_others_are_skipped()
    {
        var report = await Run("""
            plugins: PLUGINS
            steps:
              - name: breaks
                plugin: test
                config: { mode: fail }
              - name: normal
                plugin: test
              - name: cleanup
                plugin: test
                if: failure()
                config: { mode: sleep, ms: 1 }
              - name: always
                plugin: test
                if: ${{ always() }}
                config: { mode: sleep, ms: 1 }
              - name: only_on_success
                plugin: test
                if: success()
                config: { mode: sleep, ms: 1 }
            """);

        Assert.Equal(RunStatus.Failed, report.Status);
        Assert.Equal(
            [StepStatus.Failed, StepStatus.Skipped, StepStatus.Succeeded, StepStatus.Succeeded, StepStatus.Skipped],
            report.Steps.Select(step => step.Status));
    }

    [Fact]
    public async Task A_false_condition_skips_the_step_and_says_why()
    {
        var report = await Run("""
            vars:
              deploy: false
            plugins: PLUGINS
            steps:
              - name: deploy
                plugin: test
                if: vars.deploy == true
            """);

        Assert.Equal(RunStatus.Succeeded, report.Status);
        Assert.Equal("its condition is false: if: vars.deploy == true", Step(report, "deploy").Error);
    }

    [Fact]
    public async Task An_undefined_variable_fails_the_step_with_file_line_column_and_expression()
    {
        var report = await Run("""
            plugins: PLUGINS
            steps:
              - name: broken
                plugin: test
                config:
                  say: "hello ${{ vars.nobody }}"
            """);

        var step = Step(report, "broken");
        Assert.Equal(StepStatus.Failed, step.Status);
        Assert.StartsWith($"{Path.Combine(_directory.FullName, "DevFile")}:12:23: in 'hello ${{{{ vars.nobody }}}}': 'vars.nobody' is not defined", step.Error, StringComparison.Ordinal);
        Assert.Null(step.Pid);
    }

    [Fact]
    public async Task Secrets_are_masked_in_logs_errors_outputs_and_variables_including_ones_a_plugin_registers()
    {
        Environment.SetEnvironmentVariable("TB_TEST_SECRET_TOKEN", "hunter2-token");
        var report = await Run("""
            secrets: [TB_TEST_SECRET_TOKEN]
            plugins: PLUGINS
            steps:
              - name: leak
                plugin: shell
                config:
                  commands: ['echo "the token is $TOKEN"; printf "line one\nline two\n"']
                  env:
                    TOKEN: ${{ secrets.TB_TEST_SECRET_TOKEN }}
              - name: register
                plugin: test
                config: { mode: set-var, name: key, value: "k-123456", secret: true, register: "runtime-secret-42" }
              - name: echo_back
                plugin: test
                config:
                  mode: set-var
                  name: echoed
                  value: "${{ vars.key }} and runtime-secret-42"
            """, secrets: new Dictionary<string, string> { ["multi"] = "line one\nline two" });

        var lines = _observer.Lines.Select(entry => entry.Line.Text).ToList();
        Assert.Contains("the token is ***", lines);
        Assert.DoesNotContain(lines, line => line.Contains("hunter2", StringComparison.Ordinal));
        Assert.Contains("***", lines);
        Assert.DoesNotContain("line one", lines);
        Assert.Contains("the registered secret is ***", lines);
        Assert.Equal("***", report.Variables["key"].GetString());
        Assert.Equal("*** and ***", report.Variables["echoed"].GetString());
        Assert.Equal("*** and ***", Step(report, "echo_back").Outputs["value"].GetString());
        Assert.DoesNotContain("hunter2", Step(report, "leak").Outputs["stdout"].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_value_passed_through_env_stays_data_and_is_never_run_as_shell()
    {
        var marker = Path.Combine(_directory.FullName, "pwned");
        var report = await Run($$$"""
            vars:
              name: '"; touch {{{marker}}}; echo "'
            plugins: PLUGINS
            steps:
              - name: greet
                plugin: shell
                config:
                  commands: ['printf "hello %s\n" "$NAME"']
                  env:
                    NAME: ${{ vars.name }}
            """);

        Assert.Equal(RunStatus.Succeeded, report.Status);
        Assert.Contains($"hello \"; touch {marker}; echo \"", _observer.TextOf("greet"));
        Assert.False(File.Exists(marker));
    }

    private Task<RunReport> Run(string devFile, IReadOnlyDictionary<string, string>? secrets = null)
    {
        var withPlugins = devFile.Replace("plugins: PLUGINS", $"""
            plugins:
              - ref: test
                path: {TestExecutables.TestPlugin}
              - ref: shell
                path: {TestExecutables.Shell}
              - ref: sdk
                path: {TestExecutables.Get("tb-sdk-test-plugin")}
            """, StringComparison.Ordinal);
        var options = IsolatedRun.Options with { Secrets = secrets ?? new Dictionary<string, string>() };
        return IsolatedRun.RunAsync(_directory, withPlugins, options, _observer);
    }

    private static StepReport Step(RunReport report, string name) => IsolatedRun.Step(report, name);
}
