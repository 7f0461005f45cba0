using System.Diagnostics;
using System.Text.Json;
using TalkingBinaries.Hosting.Conformance;
using TalkingBinaries.Tests;

namespace TalkingBinaries.Hosting.Tests;

/// <summary>The conformance suite against real plugins: the bundled ones pass, each misbehaviour fails the scenario about it.</summary>
public sealed class ConformanceSuiteSpecs
{
    private const string MarkerName = "TB_TEST_CONFORMANCE";

    private readonly string _marker = Guid.NewGuid().ToString("N");

    /// <summary>Short waits for the misbehaving plugin, whose failures each cost a wait.</summary>
    private static readonly ConformanceOptions Quick = ConformanceOptions.Default with { Timeout = TimeSpan.FromSeconds(3) };

    [Fact]
    public async Task The_bundled_echo_plugin_passes_every_scenario_and_skips_cancel_without_a_slow_config()
    {
        var results = await CheckAsync(TestExecutables.Echo, ConformanceOptions.Default with { Config = Json("""{"say": "hi"}""") });

        Assert.Equal(ConformanceSuite.Scenarios, results.Select(result => result.Scenario));
        Assert.All(results.Where(result => result.Scenario != "cancel"), result => Assert.True(result.Outcome == ConformanceOutcome.Passed, $"{result.Scenario}: {result.Reason}"));
        Assert.Equal(ConformanceOutcome.Skipped, Outcome(results, "cancel"));
        Assert.Contains("--slow-config", Reason(results, "cancel"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_bundled_shell_plugin_passes_every_scenario_cancel_included_with_a_slow_config()
    {
        var results = await CheckAsync(TestExecutables.Shell, ConformanceOptions.Default with
        {
            Config = Json("""{"commands": ["echo hi >&2"]}"""),
            SlowConfig = Json("""{"commands": ["sleep 30"]}"""),
        });

        Assert.All(results, result => Assert.True(result.Outcome == ConformanceOutcome.Passed, $"{result.Scenario}: {result.Reason}"));
        Assert.Contains("answered 'cancelled'", Reason(results, "cancel"), StringComparison.Ordinal);
        Assert.Contains("served the next step", Reason(results, "cancel"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_slow_config_that_is_not_slow_fails_cancel_and_says_so()
    {
        var results = await CheckAsync(TestExecutables.Shell, ConformanceOptions.Default with { SlowConfig = Json("""{"commands": ["true"]}""") });

        Assert.Equal(ConformanceOutcome.Failed, Outcome(results, "cancel"));
        Assert.Contains("makes a step last longer", Reason(results, "cancel"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Garbage_on_stdout_fails_stdout_with_the_first_stray_line()
    {
        var results = await CheckAsync(TestExecutables.TestPlugin, Quick with { Config = Json("""{"mode": "garbage-stdout"}""") });

        Assert.Equal(ConformanceOutcome.Failed, Outcome(results, "stdout"));
        Assert.Contains("3 stdout lines were not JSON-RPC messages, the first: \"this is not json\"", Reason(results, "stdout"), StringComparison.Ordinal);
        Assert.Equal(ConformanceOutcome.Passed, Outcome(results, "step"));
    }

    [Fact]
    public async Task A_plugin_that_ignores_shutdown_fails_shutdown_but_still_exits_at_the_end_of_stdin()
    {
        var results = await CheckAsync(TestExecutables.TestPlugin, Quick, "ignore-shutdown");

        Assert.Equal(ConformanceOutcome.Failed, Outcome(results, "shutdown"));
        Assert.Contains("still running 3 s after shutdown", Reason(results, "shutdown"), StringComparison.Ordinal);
        Assert.Equal(ConformanceOutcome.Passed, Outcome(results, "stdin-eof"));
    }

    [Fact]
    public async Task A_plugin_that_ignores_unknown_requests_and_the_cookie_fails_both_within_the_deadline()
    {
        var results = await CheckAsync(TestExecutables.TestPlugin, Quick);

        Assert.Equal(ConformanceOutcome.Failed, Outcome(results, "unknown-method"));
        Assert.Contains("no answer within 3 s", Reason(results, "unknown-method"), StringComparison.Ordinal);
        Assert.Equal(ConformanceOutcome.Failed, Outcome(results, "cookie"));
        Assert.Contains("still running 3 s after being started without TALKING_BINARIES_PLUGIN", Reason(results, "cookie"), StringComparison.Ordinal);
        Assert.Equal(ConformanceOutcome.Failed, Outcome(results, "version-negotiation"));
        Assert.Equal(ConformanceOutcome.Skipped, Outcome(results, "concurrency"));
        Assert.Equal(ConformanceOutcome.Passed, Outcome(results, "no-process-left"));
    }

    [Fact]
    public async Task A_hanging_step_fails_within_the_deadline_and_leaves_no_process_behind()
    {
        var clock = Stopwatch.StartNew();
        var results = await CheckAsync(TestExecutables.TestPlugin, Quick with { Config = Json("""{"mode": "hang"}""") });

        Assert.Equal(ConformanceOutcome.Failed, Outcome(results, "step"));
        Assert.Contains("no answer to step/run within 3 s", Reason(results, "step"), StringComparison.Ordinal);
        Assert.Equal(ConformanceOutcome.Failed, Outcome(results, "large-line"));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_child_left_in_the_process_group_fails_no_process_left_with_its_pid()
    {
        var results = await CheckAsync(TestExecutables.TestPlugin, Quick with { Config = Json("""{"mode": "spawn-child"}""") });

        Assert.Equal(ConformanceOutcome.Failed, Outcome(results, "no-process-left"));
        Assert.Matches(@"pid \d+ \(sleep\) in its process group still ran 0\.5 s after the plugin exited", Reason(results, "no-process-left"));
        Assert.Equal(ConformanceOutcome.Failed, Outcome(results, "stderr"));
    }

    [Fact]
    public async Task A_child_that_left_the_process_group_is_found_by_the_marker_and_killed()
    {
        var results = await CheckAsync(TestExecutables.TestPlugin, Quick with { Config = Json("""{"mode": "escape-group"}""") });

        Assert.Equal(ConformanceOutcome.Failed, Outcome(results, "no-process-left"));
        Assert.Matches(@"pid \d+ \(sleep\), which left its process group", Reason(results, "no-process-left"));
    }

    [Theory]
    [InlineData("bad-handshake", "chose protocol version 99")]
    [InlineData("version-mismatch", "shares no protocol version")]
    public async Task A_broken_handshake_fails_handshake_and_every_scenario_that_needs_one(string mode, string reason)
    {
        var results = await CheckAsync(TestExecutables.TestPlugin, Quick, mode);

        Assert.Equal(ConformanceOutcome.Failed, Outcome(results, "handshake"));
        Assert.Contains(reason, Reason(results, "handshake"), StringComparison.Ordinal);
        Assert.StartsWith("no handshake: ", Reason(results, "shutdown"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_executable_that_cannot_start_fails_every_scenario_that_starts_it_with_the_reason()
    {
        var results = await ConformanceSuite.RunAsync("/nonexistent/plugin", Quick, cancellationToken: Deadline.After(30));

        Assert.All(results.Where(result => result.Scenario != "cancel"), result => Assert.Equal(ConformanceOutcome.Failed, result.Outcome));
        Assert.Contains("could not start /nonexistent/plugin", results[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_result_is_reported_as_its_scenario_ends()
    {
        var reported = new List<string>();

        var results = await ConformanceSuite.RunAsync(TestExecutables.Echo, onResult: result => reported.Add(result.Scenario), cancellationToken: Deadline.After(60));

        Assert.Equal(results.Select(result => result.Scenario), reported);
        Assert.All(results, result => Assert.True(result.Elapsed > TimeSpan.Zero));
    }

    /// <summary>Runs the suite with a marker in the plugin's environment, then asserts that nothing carrying it survived.</summary>
    private async Task<IReadOnlyList<ConformanceResult>> CheckAsync(string executable, ConformanceOptions options, params string[] arguments)
    {
        var command = new PluginCommand
        {
            ExecutablePath = executable,
            Name = Path.GetFileName(executable),
            Arguments = arguments,
            Environment = new Dictionary<string, string?> { [MarkerName] = _marker },
        };
        var results = await ConformanceSuite.RunAsync(command, options, cancellationToken: Deadline.After(120));
        Assert.Empty(ProcessTable.WithEnvironment($"{MarkerName}={_marker}"));
        return results;
    }

    private static ConformanceOutcome Outcome(IReadOnlyList<ConformanceResult> results, string scenario) => results.Single(result => result.Scenario == scenario).Outcome;

    private static string Reason(IReadOnlyList<ConformanceResult> results, string scenario) => results.Single(result => result.Scenario == scenario).Reason;

    private static JsonElement Json(string text) => JsonElement.Parse(text);
}
