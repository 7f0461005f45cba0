using TalkingBinaries.Protocol.Messages;
using TalkingBinaries.Tests;

namespace TalkingBinaries.Hosting.Tests;

/// <summary>The bundled echo and shell plugins, driven as the host drives them.</summary>
public sealed class BundledPluginSpecs : IAsyncLifetime, IDisposable
{
    private readonly PluginHarness _harness = new();
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tb-shell-");
    private readonly CancellationToken _deadline = Deadline.After();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => Assert.Empty(await ProcessTable.SurvivorsWithEnvironmentAsync(_harness.Marker));

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task Shell_runs_commands_through_sh_so_quotes_are_shell_syntax_not_text()
    {
        var (result, lines) = await RunShell("""{"commands":["echo -n \"hello world\"","echo -n \"hello world 2\""]}""");

        Assert.Equal(StepResultStatus.Succeeded, result.Status);
        Assert.Equal(["hello world", "hello world 2"], lines.Where(line => line.Level == LogLevels.Info).Select(line => line.Text));
        Assert.Equal("hello world\nhello world 2\n", result.Outputs["stdout"].GetString());
    }

    [Fact]
    public async Task Shell_stops_at_the_first_failing_command_and_reports_its_exit_code()
    {
        var marker = Path.Combine(_directory.FullName, "should-not-exist");
        var (result, lines) = await RunShell($$"""{"commands":["echo before","echo oops >&2; exit 3","touch {{marker}}"]}""");

        Assert.Equal(StepResultStatus.Failed, result.Status);
        Assert.Equal("command 2 of 3 failed with exit code 3: echo oops >&2; exit 3", result.Error!.Message);
        Assert.Equal("command_failed", result.Error.Code);
        Assert.Equal(3, result.Error.Data!.Value.GetProperty("exitCode").GetInt32());
        Assert.Equal("before\n", result.Outputs["stdout"].GetString());
        Assert.Contains(lines, line => line.Level == LogLevels.Warn && line.Text == "oops");
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task Shell_uses_workdir_and_env_and_hands_values_to_commands_as_variables()
    {
        var (result, lines) = await RunShell($$$"""{"commands":["pwd","printf '%s\\n' \"$GREETING\""],"workdir":"{{{_directory.FullName}}}","env":{"GREETING":"it's \"quoted\"; rm -rf ~"}}""");

        Assert.Equal(StepResultStatus.Succeeded, result.Status);
        Assert.Equal([_directory.FullName, "it's \"quoted\"; rm -rf ~"], lines.Where(line => line.Level == LogLevels.Info).Select(line => line.Text));
    }

    [Fact]
    public async Task Shell_streams_each_line_as_the_command_prints_it()
    {
        var plugin = _harness.Start(TestExecutables.Shell);
        await plugin.InitializeAsync(_deadline);
        var step = plugin.RunStepAsync(PluginHarness.Step("stream", """{"commands":["echo first; sleep 30; echo second"]}"""), _deadline);

        while (!_harness.Lines.Any(line => line.Text == "first"))
        {
            Assert.False(step.IsCompleted, "the step ended before its first line arrived");
            await Task.Delay(10, _deadline);
        }

        // "first" arrived while the command was still sleeping: output is relayed live, not at the end.
        Assert.False(step.IsCompleted);
        await plugin.StopAsync(_deadline);
        await plugin.DisposeAsync();
    }

    [Fact]
    public async Task Shell_keeps_1_MiB_of_stdout_in_its_output_shows_every_line_live_and_says_what_it_left_out()
    {
        // 300000 lines, 1988895 bytes: well over the 1 MiB kept (seq 1 2500000 would be 21 MB).
        var (result, lines) = await RunShell("""{"commands":["seq 1 300000"]}""");

        var kept = result.Outputs["stdout"].GetString()!;
        Assert.Equal(StepResultStatus.Succeeded, result.Status);
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(kept) <= 1024 * 1024, $"kept {kept.Length} characters");
        Assert.StartsWith("1\n2\n3\n", kept, StringComparison.Ordinal);
        Assert.EndsWith("\n", kept, StringComparison.Ordinal);
        Assert.Equal(300000, lines.Count(line => line.Level == LogLevels.Info));
        var note = Assert.Single(lines, line => line.Level == LogLevels.Warn).Text;
        Assert.Equal($"output 'stdout' keeps the first {kept.Length} bytes of the commands' stdout (the limit is 1048576); the other {1988895 - kept.Length} bytes ({300000 - kept.Count(c => c == '\n')} lines) were shown above but not kept", note);
    }

    [Fact]
    public async Task Echo_logs_and_returns_what_it_was_told_to_say()
    {
        await using var plugin = _harness.Start(TestExecutables.Echo);
        await plugin.InitializeAsync(_deadline);

        var result = await plugin.RunStepAsync(PluginHarness.Step("say", """{"say":"hi there"}"""), _deadline);
        await plugin.StopAsync(_deadline);

        Assert.Equal("hi there", result.Outputs["said"].GetString());
        Assert.Equal(["hi there"], _harness.Lines.Select(line => line.Text));
    }

    [Fact]
    public async Task Shell_ends_the_step_when_the_shell_exits_though_a_background_process_holds_its_output()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();

        // The background sleep keeps the command's stdout open for five minutes; RunShell stops the plugin after the
        // step, and DisposeAsync asserts that the sleep went with the plugin's process group.
        var (result, lines) = await RunShell("""{"commands":["sleep 300 & echo started","echo next"]}""");

        Assert.Equal(StepResultStatus.Succeeded, result.Status);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"the step took {clock.Elapsed}");
        Assert.Equal(["started", "next"], lines.Where(line => line.Level == LogLevels.Info).Select(line => line.Text));
        Assert.Contains(lines, line => line.Level == LogLevels.Warn && line.Text.Contains("left a process running in the background", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Shell_splits_lines_at_LF_CR_and_CRLF_and_keeps_a_last_line_without_its_line_end()
    {
        var (result, lines) = await RunShell("""{"commands":["printf 'a\\r\\nb\\rc\\n\\nlast'"]}""");

        Assert.Equal(StepResultStatus.Succeeded, result.Status);
        Assert.Equal(["a", "b", "c", "", "last"], lines.Where(line => line.Level == LogLevels.Info).Select(line => line.Text));
        Assert.Equal("a\nb\nc\n\nlast\n", result.Outputs["stdout"].GetString());
    }

    [Fact]
    public async Task Shell_reports_a_command_ended_by_a_signal_as_128_plus_the_signal_and_starts_commands_with_SIGPIPE_ignored_and_no_signal_blocked()
    {
        // Read by grep of itself (sh blocks signals while it waits for a child): SigIgn bit 12 is SIGPIPE, which the
        // runtime ignores and .NET's Process passed on; SigBlk must be empty.
        var (result, lines) = await RunShell("""{"commands":["grep -E '^Sig(Ign|Blk)' /proc/self/status","kill -TERM $$"]}""");

        Assert.Equal(StepResultStatus.Failed, result.Status);
        Assert.Equal(128 + 15, result.Error!.Data!.Value.GetProperty("exitCode").GetInt32());
        var status = lines.Where(line => line.Level == LogLevels.Info).Select(line => line.Text.Split('\t')).ToDictionary(fields => fields[0], fields => Convert.ToUInt64(fields[1], 16));
        Assert.Equal(0UL, status["SigBlk:"]);
        Assert.Equal(1UL << 12, status["SigIgn:"] & (1UL << 12));
    }

    private async Task<(StepRunResult Result, List<PluginLogEvent> Lines)> RunShell(string config)
    {
        await using var plugin = _harness.Start(TestExecutables.Shell);
        await plugin.InitializeAsync(_deadline);
        var result = await plugin.RunStepAsync(PluginHarness.Step("shell", config), _deadline);
        var exit = await plugin.StopAsync(_deadline);
        Assert.Equal(0, exit.Code);
        return (result, _harness.Lines.Where(line => line.Source == PluginLogSource.Protocol && line.Level != LogLevels.Debug).ToList());
    }
}
