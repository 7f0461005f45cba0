using System.Diagnostics;
using System.Text.Json;
using TalkingBinaries.Protocol;
using TalkingBinaries.Protocol.Messages;
using TalkingBinaries.Tests;

namespace TalkingBinaries.Hosting.Tests;

/// <summary>Plugins that misbehave in ways that once hung the host or lost what they said (issue 10): each ends, bounded, with a clear message.</summary>
public sealed class PluginFaultSpecs : IAsyncLifetime
{
    private readonly PluginHarness _harness = new();
    private readonly CancellationToken _deadline = Deadline.After(60);

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Every spec ends with nothing its plugins started still alive, escaped ones included.</summary>
    public async Task DisposeAsync() => Assert.Empty(await ProcessTable.SurvivorsWithEnvironmentAsync(_harness.Marker));

    [Fact]
    public async Task A_descendant_that_left_the_process_group_holding_the_pipes_is_reported_by_pid_and_killed_and_the_stop_returns()
    {
        await using var plugin = _harness.StartTestPlugin("escape-group");
        await plugin.InitializeAsync(_deadline);
        var result = await plugin.RunStepAsync(PluginHarness.Step("escape"), _deadline);
        var escaped = result.Outputs["childPid"].GetInt32();

        var clock = Stopwatch.StartNew();
        var exit = await plugin.StopAsync(_deadline);
        clock.Stop();

        Assert.Equal(0, exit.Code);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the stop took {clock.Elapsed}");
        Assert.Contains($"escaped pid {escaped}", _harness.StderrLines);
        var report = Assert.Single(_harness.Lines, line => line.Source == PluginLogSource.Host && line.Text.Contains($"pid {escaped} (sleep)", StringComparison.Ordinal));
        Assert.Contains("left the plugin's process group", report.Text, StringComparison.Ordinal);
        Assert.Contains("killed it", report.Text, StringComparison.Ordinal);
        Assert.Empty(await ProcessTable.SurvivorsAsync([plugin.Pid, escaped]));
    }

    [Fact]
    public async Task A_plugin_that_stops_reading_stdin_has_a_step_with_a_2_MB_config_cancelled_and_stopped_without_waiting_for_the_write()
    {
        await using var plugin = _harness.StartTestPlugin("deaf");
        await plugin.InitializeAsync(_deadline);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(_deadline);
        var step = plugin.RunStepAsync(PluginHarness.Step("deaf", $$"""{"pad":"{{new string('x', 2_000_000)}}"}"""), cancel.Token);
        await Task.Delay(300, _deadline);

        var clock = Stopwatch.StartNew();
        await cancel.CancelAsync();
        var cancelled = await Task.WhenAny(step, Task.Delay(TimeSpan.FromSeconds(10), _deadline));
        var exit = await plugin.StopAsync(_deadline).WaitAsync(TimeSpan.FromSeconds(10), _deadline);
        clock.Stop();

        Assert.Same(step, cancelled);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => step);
        Assert.Equal(15, exit.Signal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"cancelling and stopping took {clock.Elapsed}");
        Assert.Contains("deaf now", _harness.StderrLines);
        Assert.Empty(await ProcessTable.SurvivorsAsync([plugin.Pid]));
    }

    [Fact]
    public async Task A_step_whose_variables_are_over_16_MiB_fails_at_once_naming_the_variable_and_the_plugin_serves_the_next_step()
    {
        await using var plugin = _harness.Start(TestExecutables.Echo);
        await plugin.InitializeAsync(_deadline);
        var huge = PluginHarness.Step("huge", """{"say":"never"}""") with
        {
            Variables = new Dictionary<string, JsonElement>
            {
                ["small"] = JsonSerializer.SerializeToElement("x", ProtocolJsonContext.Default.String),
                ["blob"] = JsonSerializer.SerializeToElement(new string('b', 17 * 1024 * 1024), ProtocolJsonContext.Default.String),
            },
        };

        var failure = await Assert.ThrowsAsync<PluginException>(() => plugin.RunStepAsync(huge, _deadline)).WaitAsync(TimeSpan.FromSeconds(20), _deadline);
        var next = await plugin.RunStepAsync(PluginHarness.Step("next", """{"say":"still here"}"""), _deadline);
        await plugin.StopAsync(_deadline);

        Assert.Equal(PluginErrorKind.LimitExceeded, failure.Kind);
        Assert.StartsWith($"plugin 'plugin-echo' (pid {plugin.Pid}) was not sent step 'huge': its step/run message would be over the protocol's limit of 16777216 bytes (variable 'blob' alone is 17825794 bytes)", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', failure.Message);
        Assert.Equal("still here", next.Outputs["said"].GetString());
    }

    [Fact]
    public async Task A_variable_that_makes_the_message_65_levels_deep_fails_at_once_and_one_that_makes_it_64_is_served()
    {
        await using var plugin = _harness.Start(TestExecutables.Echo);
        await plugin.InitializeAsync(_deadline);

        // The message, "params" and "variables" take 3 levels; the variable the rest.
        var fits = await plugin.RunStepAsync(WithVariable("fits", Nested(61)), _deadline);
        var failure = await Assert.ThrowsAsync<PluginException>(() => plugin.RunStepAsync(WithVariable("deep", Nested(62)), _deadline)).WaitAsync(TimeSpan.FromSeconds(10), _deadline);
        await plugin.StopAsync(_deadline);

        Assert.Equal(StepResultStatus.Succeeded, fits.Status);
        Assert.True(failure.Kind == PluginErrorKind.LimitExceeded, failure.Message);
        Assert.Contains("was not sent step 'deep': its step/run message would nest deeper than the protocol's limit of 64 levels (variable 'nested' is 62 levels deep", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_SDK_plugin_whose_result_is_over_16_MiB_answers_with_an_error_the_host_reports_and_it_serves_the_next_step()
    {
        await using var plugin = _harness.Start(TestExecutables.Get("tb-sdk-test-plugin"));
        await plugin.InitializeAsync(_deadline);

        var failure = await Assert.ThrowsAsync<PluginException>(() => plugin.RunStepAsync(PluginHarness.Step("huge", """{"mode":"huge-output","count":17}"""), _deadline)).WaitAsync(TimeSpan.FromSeconds(20), _deadline);
        var next = await plugin.RunStepAsync(PluginHarness.Step("next", """{"mode":"sleep","count":0}"""), _deadline);
        await plugin.StopAsync(_deadline);

        Assert.Equal(PluginErrorKind.LimitExceeded, failure.Kind);
        Assert.Contains("could not answer step 'huge' within the protocol's limits: The result was not sent: it is over the protocol's limit of 16777216 bytes", failure.Message, StringComparison.Ordinal);
        Assert.Equal(StepResultStatus.Succeeded, next.Status);
    }

    [Fact]
    public async Task A_log_message_with_an_invalid_UTF8_byte_is_shown_with_a_replacement_character()
    {
        await using var plugin = _harness.StartTestPlugin("invalid-utf8-log");
        await plugin.InitializeAsync(_deadline);

        var result = await plugin.RunStepAsync(PluginHarness.Step("bad-byte"), _deadline);
        await plugin.StopAsync(_deadline);

        Assert.Equal(StepResultStatus.Succeeded, result.Status);
        Assert.Contains(_harness.Lines, line => line.Source == PluginLogSource.Protocol && line.Text == "bad \uFFFD byte" && line.StepId == "bad-byte");
        Assert.DoesNotContain(_harness.Lines, line => line.Source is PluginLogSource.StrayStdout or PluginLogSource.Host);
    }

    [Fact]
    public async Task A_stderr_line_over_64_KiB_comes_in_pieces_that_say_whether_the_line_goes_on()
    {
        await using var plugin = _harness.StartTestPlugin("long-stderr-line");
        await plugin.InitializeAsync(_deadline);

        await plugin.RunStepAsync(PluginHarness.Step("long", """{"lines":150000,"secret":"s3cr3t","at":65536}"""), _deadline);
        await plugin.StopAsync(_deadline);

        var pieces = _harness.Lines.Where(line => line.Source == PluginLogSource.Stderr).ToList();
        Assert.Equal([false, false, true], pieces.Select(piece => piece.EndsLine));
        Assert.Equal(150000, pieces.Sum(piece => piece.Text.Length));
        Assert.EndsWith("s3c", pieces[0].Text, StringComparison.Ordinal);
        Assert.StartsWith("r3t", pieces[1].Text, StringComparison.Ordinal);
    }

    private static StepRunParams WithVariable(string name, JsonElement value) =>
        PluginHarness.Step(name, """{"say":"deep"}""") with { Variables = new Dictionary<string, JsonElement> { ["nested"] = value } };

    /// <summary>Arrays nested <paramref name="levels"/> deep.</summary>
    private static JsonElement Nested(int levels) =>
        JsonDocument.Parse(new string('[', levels) + new string(']', levels), new JsonDocumentOptions { MaxDepth = 1000 }).RootElement.Clone();
}
