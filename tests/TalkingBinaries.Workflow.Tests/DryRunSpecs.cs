using System.Text.Json;
using TalkingBinaries.Hosting.Discovery;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Planning;
using TalkingBinaries.Workflow.Running;

namespace TalkingBinaries.Workflow.Tests;

public sealed class DryRunSpecs : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tb-dry-run-");

    public DryRunSpecs()
    {
        // A plugin that would leave a marker if it were ever started.
        var plugin = Path.Combine(_directory.FullName, "marker-plugin");
        File.WriteAllText(plugin, $"#!/bin/sh\ntouch '{Marker}'\n");
        File.SetUnixFileMode(plugin, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private string Marker => Path.Combine(_directory.FullName, "started");

    private string PluginPath => Path.Combine(_directory.FullName, "marker-plugin");

    public void Dispose() => _directory.Delete(recursive: true);

    private DevFile Load(string steps, string vars = "")
    {
        var path = Path.Combine(_directory.FullName, "DevFile");
        File.WriteAllText(path, $"{vars}plugins:\n  - ref: p\n    path: ./marker-plugin\nsteps:\n{steps}");
        return DevFileLoader.Load(path);
    }

    private static RunOptions Options(int? maxParallel = null, string? step = null, Dictionary<string, JsonElement>? variables = null, Dictionary<string, string>? secrets = null) => new()
    {
        Locator = new PluginLocator(searchPath: string.Empty, bundledDirectory: null),
        MaxParallel = maxParallel,
        Step = step,
        Variables = variables ?? [],
        Secrets = secrets ?? [],
    };

    private const string Diamond = """
          - { name: top, plugin: p }
          - { name: left, plugin: p, needs: top }
          - { name: right, plugin: p, needs: top }
          - { name: bottom, plugin: p, needs: [left, right] }

        """;

    private static string[][] Waves(DryRunPlan plan) => plan.Waves.Select(wave => wave.Steps.Select(step => step.Name).ToArray()).ToArray();

    [Fact]
    public void A_diamond_is_three_waves_and_resolves_each_step_to_its_executable_without_starting_it()
    {
        var plan = DryRun.Plan(Load(Diamond), Options(maxParallel: 4));

        Assert.Equal([["top"], ["left", "right"], ["bottom"]], Waves(plan));
        Assert.All(plan.Waves.SelectMany(wave => wave.Steps), step => Assert.Equal(PluginPath, step.Executable));
        Assert.Equal(["left", "right"], plan.Waves[2].Steps[0].WaitsFor);
        Assert.False(File.Exists(Marker));
    }

    [Fact]
    public void The_limit_cuts_a_wide_wave_in_file_order_and_step_keeps_what_it_waits_for()
    {
        Assert.Equal([["top"], ["left"], ["right"], ["bottom"]], Waves(DryRun.Plan(Load(Diamond), Options(maxParallel: 1))));
        Assert.Equal([["top"], ["left"]], Waves(DryRun.Plan(Load(Diamond), Options(maxParallel: 4, step: "left"))));
    }

    [Fact]
    public void A_parallel_group_is_one_wave_after_what_is_above_it()
    {
        var plan = DryRun.Plan(Load("""
              - { name: setup, plugin: p }
              - { name: a, plugin: p, parallel: true }
              - { name: b, plugin: p, parallel: true }
              - { name: after, plugin: p }

            """), Options(maxParallel: 8));

        Assert.Equal([["setup"], ["a", "b"], ["after"]], Waves(plan));
        Assert.Equal(["a", "b"], plan.Waves[2].Steps[0].WaitsFor);
    }

    [Fact]
    public void Known_variables_are_filled_in_and_outputs_of_steps_are_left_as_written_with_a_note()
    {
        var plan = DryRun.Plan(
            Load("""
                  - name: a
                    plugin: p
                    timeout: ${{ vars.limit }}
                    config: { say: "hello ${{ vars.who }}", count: "${{ vars.count }}" }
                  - name: b
                    plugin: p
                    needs: a
                    if: vars.env == 'prod'
                    config: { say: "${{ vars.who }} got ${{ steps.a.outputs.x }}", later: "${{ vars.unset }}" }

                """, "vars:\n  who: world\n  count: 3\n  limit: 90s\n"),
            Options(variables: new() { ["env"] = JsonDocument.Parse("\"prod\"").RootElement.Clone() }));

        var a = plan.Waves[0].Steps[0];
        Assert.Equal("""{"say":"hello world","count":3}""", a.Config.GetRawText());
        Assert.Equal("90s", a.Timeout);
        Assert.Empty(a.Unknown);
        var b = plan.Waves[1].Steps[0];
        Assert.Equal("vars.env == 'prod'", b.If);
        Assert.True(b.Runs);
        Assert.Equal("world got ${{ steps.a.outputs.x }}", b.Config.GetProperty("say").GetString());
        Assert.Equal("${{ vars.unset }}", b.Config.GetProperty("later").GetString());
        Assert.Equal(
            ["config/say: steps.a.outputs.x is known only once step 'a' has run", "config/later: vars.unset is not set before the run; a plugin may set it"],
            b.Unknown);
    }

    [Fact]
    public void A_condition_that_reads_outputs_is_unknown_and_a_false_one_says_the_step_would_be_skipped()
    {
        var plan = DryRun.Plan(Load("""
              - { name: a, plugin: p }
              - { name: b, plugin: p, if: "steps.a.outputs.ok == 'yes'" }
              - { name: c, plugin: p, if: "failure()" }

            """), Options());

        Assert.Null(plan.Waves[1].Steps[0].Runs);
        Assert.Equal(["if: steps.a.outputs.ok is known only once step 'a' has run"], plan.Waves[1].Steps[0].Unknown);
        Assert.False(plan.Waves[2].Steps[0].Runs);
    }

    [Fact]
    public void Secrets_are_masked_in_the_config()
    {
        var plan = DryRun.Plan(
            Load("""
                  - { name: a, plugin: p, config: { token: "Bearer ${{ secrets.token }}" } }

                """, "secrets: [token]\n"),
            Options(secrets: new() { ["token"] = "s3cr3t-value" }));

        Assert.Equal("""{"token":"Bearer ***"}""", plan.Waves[0].Steps[0].Config.GetRawText());
    }

    [Fact]
    public void An_expression_that_fails_with_known_values_is_an_error_with_its_line()
    {
        var devFile = Load("""
              - { name: a, plugin: p, config: { n: "${{ vars.who.name }}" } }

            """, "vars:\n  who: world\n");

        var failure = Assert.Throws<DevFileException>(() => DryRun.Plan(devFile, Options()));

        var error = Assert.Single(failure.Errors);
        Assert.Equal(7, error.Location.Line);
        Assert.EndsWith("the step would fail when it starts", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_plan_has_each_steps_retry_and_each_matrix_instances_step_and_values()
    {
        var plan = DryRun.Plan(Load("""
              - { name: fetch, plugin: p, retry: { max: 3, delay: 1s, backoff: 2, on: [3, timeout] } }
              - { name: test, plugin: p, matrix: { os: [a], level: [1, 2] } }
              - { name: plain, plugin: p }

            """), Options());

        var steps = plan.Waves.SelectMany(wave => wave.Steps).ToDictionary(step => step.Name);
        var retry = steps["fetch"].Retry!;
        Assert.Equal((3, "1s", 2.0, "max 3, delay 1s, backoff 2, on 3, timeout"), (retry.Max, retry.Delay, retry.Backoff, retry.Text()));
        Assert.Equal([3], retry.ExitCodes);
        Assert.Equal(["timeout"], retry.Kinds);
        Assert.Null(steps["fetch"].Matrix);
        var instance = steps["test (a, 2)"].Matrix!;
        Assert.Equal("test", instance.Step);
        Assert.Equal("""{"os":"a","level":2}""", instance.Values.GetRawText());
        Assert.Equal("test: os=a, level=2", instance.Text());
        Assert.Null(steps["test (a, 2)"].Retry);
        Assert.Null(steps["plain"].Retry);
        Assert.Null(steps["plain"].Matrix);
    }

    [Fact]
    public void A_step_that_is_not_there_is_an_error()
    {
        var failure = Assert.Throws<DevFileException>(() => DryRun.Plan(Load(Diamond), Options(step: "botom")));

        Assert.Contains("there is no step 'botom' to run; did you mean 'bottom'?", failure.Message, StringComparison.Ordinal);
    }
}
