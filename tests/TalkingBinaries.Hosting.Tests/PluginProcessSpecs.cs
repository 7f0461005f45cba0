using TalkingBinaries.Protocol.Messages;
using TalkingBinaries.Tests;

namespace TalkingBinaries.Hosting.Tests;

public sealed class PluginProcessSpecs : IAsyncLifetime
{
    private readonly PluginHarness _harness = new();

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Every test ends with nothing its plugins started still alive.</summary>
    public async Task DisposeAsync() => Assert.Empty(await ProcessTable.SurvivorsWithEnvironmentAsync(_harness.Marker));

    [Fact]
    public async Task The_echo_plugin_shakes_hands_runs_a_step_and_exits_cleanly()
    {
        var deadline = Deadline.After();
        var harness = _harness;
        await using var plugin = harness.Start(TestExecutables.Echo);

        var handshake = await plugin.InitializeAsync(deadline);
        var result = await plugin.RunStepAsync(PluginHarness.Step("say", """{"say":"hello world"}"""), deadline);
        var exit = await plugin.StopAsync(deadline);

        Assert.Equal(1, handshake.ProtocolVersion);
        Assert.Equal("echo", handshake.Plugin.Name);
        Assert.Equal(StepResultStatus.Succeeded, result.Status);
        Assert.Equal("hello world", result.Outputs["said"].GetString());
        Assert.Contains(harness.Lines, line => line.Source == PluginLogSource.Protocol && line.Text == "hello world" && line.StepId == "say");
        Assert.Equal(0, exit.Code);
        Assert.NotNull(plugin.BinaryTime);
        Assert.Empty(await ProcessTable.SurvivorsAsync([plugin.Pid]));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_answer_is_awaited_on_the_thread_pool_unless_the_host_asks_to_resume_on_the_reader_thread(bool resumeOnReaderThread)
    {
        var deadline = Deadline.After();
        await using var plugin = _harness.Start(TestExecutables.Echo, PluginHarness.Options with { ResumeOnReaderThread = resumeOnReaderThread });
        await plugin.InitializeAsync(deadline);

        // A synchronous continuation runs on whichever thread completed the step's task.
        var (result, name, pooled) = await plugin.RunStepAsync(PluginHarness.Step("say", """{"say":"where am I"}"""), deadline).ContinueWith(
            step => (step.Result, Thread.CurrentThread.Name, Thread.CurrentThread.IsThreadPoolThread),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        await plugin.StopAsync(deadline);

        Assert.Equal(StepResultStatus.Succeeded, result.Status);
        Assert.Equal(resumeOnReaderThread, name == $"stdout {plugin.Pid}");
        Assert.Equal(!resumeOnReaderThread, pooled);
    }

    [Fact]
    public async Task A_plugin_that_crashes_after_logging_still_has_every_line_relayed()
    {
        var deadline = Deadline.After();
        var harness = _harness;
        await using var plugin = harness.StartTestPlugin("crash-after-logging");
        await plugin.InitializeAsync(deadline);

        var failure = await Assert.ThrowsAsync<PluginException>(() => plugin.RunStepAsync(PluginHarness.Step("crash", """{"lines":500}"""), deadline));
        await plugin.StopAsync(deadline);

        Assert.Equal(PluginErrorKind.Crashed, failure.Kind);
        Assert.Contains("exited with exit code 3 before answering step 'crash'", failure.Message, StringComparison.Ordinal);
        Assert.Contains($"(pid {plugin.Pid})", failure.Message, StringComparison.Ordinal);
        Assert.Equal(3, failure.ExitStatus?.Code);
        Assert.Equal(Enumerable.Range(1, 500).Select(n => $"line {n} of 500 before the crash"), harness.StderrLines);
        Assert.Contains(harness.Lines, line => line.Source == PluginLogSource.Protocol && line.Text == "crashing now");
        Assert.Empty(await ProcessTable.SurvivorsAsync([plugin.Pid]));
    }

    [Fact]
    public async Task A_plugin_killed_by_a_signal_is_reported_with_the_signal()
    {
        var deadline = Deadline.After();
        var harness = _harness;
        await using var plugin = harness.StartTestPlugin("kill-self");
        await plugin.InitializeAsync(deadline);

        var failure = await Assert.ThrowsAsync<PluginException>(() => plugin.RunStepAsync(PluginHarness.Step("killed"), deadline));
        var exit = await plugin.StopAsync(deadline);

        Assert.Equal(9, exit.Signal);
        Assert.Contains("was killed by signal 9 (SIGKILL) before answering", failure.Message, StringComparison.Ordinal);
        Assert.Contains("about to be killed by SIGKILL", harness.StderrLines);
    }

    [Fact]
    public async Task A_plugin_that_exits_without_answering_fails_the_step_with_its_exit_code()
    {
        var deadline = Deadline.After();
        var harness = _harness;
        await using var plugin = harness.StartTestPlugin("exit-without-answer");
        await plugin.InitializeAsync(deadline);

        var failure = await Assert.ThrowsAsync<PluginException>(() => plugin.RunStepAsync(PluginHarness.Step("quit"), deadline));
        await plugin.StopAsync(deadline);

        Assert.Contains("exited with exit code 0 before answering step 'quit'", failure.Message, StringComparison.Ordinal);
        Assert.Contains("leaving without an answer", harness.StderrLines);
    }

    [Fact]
    public async Task Stray_stdout_lines_become_warnings_and_the_step_still_succeeds()
    {
        var deadline = Deadline.After();
        var harness = _harness;
        await using var plugin = harness.StartTestPlugin("garbage-stdout");
        await plugin.InitializeAsync(deadline);

        var result = await plugin.RunStepAsync(PluginHarness.Step("garbage"), deadline);
        await plugin.StopAsync(deadline);

        Assert.Equal(StepResultStatus.Succeeded, result.Status);
        var stray = harness.Lines.Where(line => line.Source == PluginLogSource.StrayStdout).Select(line => line.Text).ToList();
        Assert.Equal(["this is not json", """{"json":"but not JSON-RPC"}""", "[1, 2"], stray);
        Assert.All(harness.Lines.Where(line => line.Source == PluginLogSource.StrayStdout), line => Assert.Equal(LogLevels.Warn, line.Level));
    }

    [Theory]
    [InlineData("bad-handshake", PluginErrorKind.Incompatible, "chose protocol version 99, which the host did not offer")]
    [InlineData("version-mismatch", PluginErrorKind.Incompatible, "shares no protocol version with the host (the host speaks [1]): this plugin speaks protocol versions [7]")]
    [InlineData("exit-in-handshake", PluginErrorKind.HandshakeFailed, "exited with exit code 4 during the handshake")]
    [InlineData("silent-handshake", PluginErrorKind.HandshakeFailed, "did not answer the handshake within 2 s")]
    public async Task A_broken_handshake_gives_an_error_that_says_what_happened(string mode, PluginErrorKind kind, string expected)
    {
        var deadline = Deadline.After();
        var harness = _harness;
        await using var plugin = harness.Start(TestExecutables.TestPlugin, PluginHarness.Options with { HandshakeTimeout = TimeSpan.FromSeconds(2) }, mode);

        var failure = await Assert.ThrowsAsync<PluginException>(() => plugin.InitializeAsync(deadline));
        await plugin.StopAsync(deadline);

        Assert.Equal(kind, failure.Kind);
        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
        Assert.StartsWith($"plugin 'tb-test-plugin' (pid {plugin.Pid})", failure.Message, StringComparison.Ordinal);
        Assert.Empty(await ProcessTable.SurvivorsAsync([plugin.Pid]));
    }

    [Fact]
    public async Task A_grandchild_holding_the_pipes_does_not_hang_the_host_and_is_killed()
    {
        var deadline = Deadline.After();
        var harness = _harness;
        await using var plugin = harness.StartTestPlugin("spawn-child");
        await plugin.InitializeAsync(deadline);

        var result = await plugin.RunStepAsync(PluginHarness.Step("spawn"), deadline);
        var exit = await plugin.StopAsync(deadline);
        var child = result.Outputs["childPid"].GetInt32();

        Assert.Equal(0, exit.Code);
        Assert.Contains($"child pid {child}", harness.StderrLines);
        Assert.Empty(await ProcessTable.SurvivorsAsync([plugin.Pid, child]));
    }

    [Fact]
    public async Task Cancelling_a_hanging_step_stops_the_plugin_and_its_child_with_SIGTERM()
    {
        var deadline = Deadline.After();
        var harness = _harness;
        await using var plugin = harness.StartTestPlugin("hang");
        await plugin.InitializeAsync(deadline);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(deadline);
        var step = plugin.RunStepAsync(PluginHarness.Step("hang"), cancel.Token);
        var child = await WaitForChildPidAsync(harness, deadline);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => step);
        var exit = await plugin.StopAsync(deadline);

        Assert.Equal(15, exit.Signal);
        Assert.Contains(harness.StderrLines, line => line.StartsWith("hanging", StringComparison.Ordinal));
        Assert.Empty(await ProcessTable.SurvivorsAsync([plugin.Pid, child]));
    }

    [Fact]
    public async Task A_plugin_that_ignores_SIGTERM_is_killed_with_its_child_after_the_grace_period()
    {
        var deadline = Deadline.After();
        var harness = _harness;
        await using var plugin = harness.StartTestPlugin("ignore-sigterm");
        await plugin.InitializeAsync(deadline);
        _ = plugin.RunStepAsync(PluginHarness.Step("stubborn"), deadline);
        var child = await WaitForChildPidAsync(harness, deadline);

        var exit = await plugin.StopAsync(deadline);

        Assert.Equal(9, exit.Signal);
        Assert.Empty(await ProcessTable.SurvivorsAsync([plugin.Pid, child]));
    }

    [Fact]
    public async Task Cancelling_the_force_token_skips_the_grace_period()
    {
        var deadline = Deadline.After();
        var harness = _harness;
        await using var plugin = harness.Start(TestExecutables.TestPlugin, PluginHarness.Options with { StopGrace = TimeSpan.FromMinutes(10) }, "ignore-sigterm");
        await plugin.InitializeAsync(deadline);
        _ = plugin.RunStepAsync(PluginHarness.Step("stubborn"), deadline);
        var child = await WaitForChildPidAsync(harness, deadline);
        using var force = new CancellationTokenSource();

        var stopping = plugin.StopAsync(force.Token);
        await force.CancelAsync();
        var exit = await stopping.WaitAsync(deadline);

        Assert.Equal(9, exit.Signal);
        Assert.Empty(await ProcessTable.SurvivorsAsync([plugin.Pid, child]));
    }

    [Fact]
    public async Task A_flood_of_stderr_arrives_whole_and_in_order()
    {
        var deadline = Deadline.After();
        var harness = _harness;
        await using var plugin = harness.StartTestPlugin("stderr-flood");
        await plugin.InitializeAsync(deadline);

        await plugin.RunStepAsync(PluginHarness.Step("flood", """{"lines":50000}"""), deadline);
        await plugin.StopAsync(deadline);

        Assert.Equal(Enumerable.Range(1, 50000).Select(n => $"flood line {n}"), harness.StderrLines);
    }

    [Fact]
    public async Task A_plugin_run_by_hand_without_the_cookie_says_so_and_exits_non_zero()
    {
        var deadline = Deadline.After();
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(TestExecutables.Echo)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
        })!;
        var stderr = await process.StandardError.ReadToEndAsync(deadline);
        await process.WaitForExitAsync(deadline);

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("This is a Talking Binaries plugin (echo 1.0.0)", stderr, StringComparison.Ordinal);
        Assert.Contains("Run it through tb", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Starting_something_that_is_not_executable_fails_with_a_clear_error()
    {
        var file = Path.GetTempFileName();
        try
        {
            var failure = Assert.Throws<PluginException>(() => new PluginHarness().Start(file));

            Assert.Equal(PluginErrorKind.StartFailed, failure.Kind);
            Assert.Contains($"could not start {file}", failure.Message, StringComparison.Ordinal);
            Assert.Contains("Permission denied", failure.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<int> WaitForChildPidAsync(PluginHarness harness, CancellationToken deadline)
    {
        while (true)
        {
            deadline.ThrowIfCancellationRequested();
            var line = harness.StderrLines.FirstOrDefault(text => text.StartsWith("child pid ", StringComparison.Ordinal));
            if (line is not null && harness.StderrLines.Any(text => text.StartsWith("hanging", StringComparison.Ordinal)))
            {
                return int.Parse(line["child pid ".Length..], System.Globalization.CultureInfo.InvariantCulture);
            }

            await Task.Delay(10, deadline);
        }
    }
}
