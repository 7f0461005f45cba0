using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using TalkingBinaries.Protocol.Messages;
using TalkingBinaries.Tests;

namespace TalkingBinaries.Hosting.Tests;

public sealed class PluginPoolSpecs : IAsyncLifetime
{
    private readonly string _marker = "TB_TEST_POOL=" + Guid.NewGuid().ToString("N");
    private readonly ConcurrentQueue<PluginEvent> _events = new();
    private readonly CancellationToken _deadline = Deadline.After(60);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => Assert.Empty(await ProcessTable.SurvivorsWithEnvironmentAsync(_marker));

    [Fact]
    public async Task A_warm_plugin_serves_a_hundred_steps_with_one_process()
    {
        await using var pool = Pool(TestExecutables.Get("tb-sdk-test-plugin"));

        var pids = new List<int>();
        for (var i = 0; i < 100; i++)
        {
            var outcome = await pool.RunStepAsync(Step($"s{i}", """{"mode":"sleep","count":0}"""), _deadline);
            Assert.Equal(StepResultStatus.Succeeded, outcome.Result!.Status);
            Assert.True(outcome.Warm);
            pids.Add(outcome.Pid);
        }

        Assert.Single(pids.Distinct());
        Assert.Equal(pids[0], int.Parse(Output(await pool.RunStepAsync(Step("last", """{"mode":"sleep","count":0}"""), _deadline), "pid"), CultureInfo.InvariantCulture));
        Assert.True(pool.Warm);
        await pool.StopAsync(_deadline);
        Assert.Empty(pool.Pids);
        Assert.Empty(await ProcessTable.SurvivorsAsync([pids[0]]));
    }

    [Fact]
    public async Task Concurrent_steps_run_in_flight_at_once_on_one_process_up_to_its_declared_concurrency()
    {
        await using var pool = Pool(TestExecutables.Get("tb-sdk-test-plugin"));
        await pool.WarmUpAsync(_deadline);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => pool.RunStepAsync(Step($"c{i}", """{"mode":"sleep","count":400}"""), _deadline)));

        Assert.Single(outcomes.Select(outcome => outcome.Pid).Distinct());
        var intervals = outcomes.Select(outcome => (Start: DateTimeOffset.Parse(Output(outcome, "started"), CultureInfo.InvariantCulture), End: DateTimeOffset.Parse(Output(outcome, "finished"), CultureInfo.InvariantCulture))).ToList();
        Assert.All(intervals, a => Assert.All(intervals, b => Assert.True(a.Start < b.End && b.Start < a.End, "two steps on the process did not overlap")));
    }

    [Fact]
    public async Task Steps_beyond_the_declared_concurrency_get_another_process()
    {
        await using var pool = Pool(TestExecutables.Get("tb-sdk-test-plugin"));
        await pool.WarmUpAsync(_deadline);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => pool.RunStepAsync(Step($"c{i}", """{"mode":"sleep","count":300}"""), _deadline)));

        Assert.Equal(2, outcomes.Select(outcome => outcome.Pid).Distinct().Count());
    }

    [Fact]
    public async Task Cancelling_one_of_two_steps_in_flight_leaves_the_other_and_the_process_running()
    {
        await using var pool = Pool(TestExecutables.Get("tb-sdk-test-plugin"));
        await pool.WarmUpAsync(_deadline);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(_deadline);
        var waiting = pool.RunStepAsync(Step("waits", """{"mode":"wait-for-cancel"}"""), cancel.Token);
        var sleeping = pool.RunStepAsync(Step("sleeps", """{"mode":"sleep","count":600}"""), _deadline);
        while (!_events.OfType<PluginLogEvent>().Any(line => line.Text == "waiting for cancellation"))
        {
            await Task.Delay(10, _deadline);
        }

        await cancel.CancelAsync();
        var cancelled = await waiting;
        var finished = await sleeping;

        Assert.Equal(StepResultStatus.Cancelled, cancelled.Result!.Status);
        Assert.Equal(StepResultStatus.Succeeded, finished.Result!.Status);
        Assert.Equal(cancelled.Pid, finished.Pid);
        Assert.Equal([cancelled.Pid], pool.Pids);
    }

    [Fact]
    public async Task A_warm_plugin_that_crashes_fails_its_step_with_its_logs_and_the_next_step_gets_a_new_process()
    {
        await using var pool = Pool(TestExecutables.Get("tb-sdk-test-plugin"));
        var first = await pool.RunStepAsync(Step("before", """{"mode":"sleep","count":0}"""), _deadline);

        var failure = await Assert.ThrowsAsync<PluginException>(() => pool.RunStepAsync(Step("crash", """{"mode":"crash"}"""), _deadline));
        var after = await pool.RunStepAsync(Step("after", """{"mode":"sleep","count":0}"""), _deadline);

        Assert.Contains("exited with exit code 3 before answering step 'crash'", failure.Message, StringComparison.Ordinal);
        Assert.Equal(3, failure.ExitStatus?.Code);
        Assert.Equal(first.Pid, failure.Pid);
        Assert.Contains(_events.OfType<PluginLogEvent>(), line => line.Text == $"crashing in {first.Pid}" && line.StepId == "crash");
        Assert.Contains(_events.OfType<PluginLogEvent>(), line => line.Text == "about to crash");
        Assert.NotEqual(first.Pid, after.Pid);
        Assert.Equal(StepResultStatus.Succeeded, after.Result!.Status);
    }

    [Fact]
    public async Task A_crash_with_several_steps_in_flight_fails_them_all_and_counts_as_one_death()
    {
        await using var pool = new PluginPool(Command(TestExecutables.Get("tb-sdk-test-plugin")), Options with { MaxRestarts = 1, RestartBackoff = TimeSpan.FromMilliseconds(10) }, Services);
        await pool.WarmUpAsync(_deadline);
        string[] waiters = ["wait0", "wait1"];
        var waiting = waiters.Select(name => pool.RunStepAsync(Step(name, """{"mode":"wait-for-cancel"}"""), _deadline)).ToList();

        // Each says so once its handler runs; from then on it is in flight until cancelled, or until the process dies.
        while (!waiters.All(name => _events.OfType<PluginLogEvent>().Any(line => line.StepId == name && line.Text == "waiting for cancellation")))
        {
            await Task.Delay(10, _deadline);
        }

        var crash = await Assert.ThrowsAsync<PluginException>(() => pool.RunStepAsync(Step("crash", """{"mode":"crash"}"""), _deadline));
        var failures = await Task.WhenAll(waiting.Select(step => Assert.ThrowsAsync<PluginException>(() => step)));
        var after = await pool.RunStepAsync(Step("after", """{"mode":"sleep","count":0}"""), _deadline);

        Assert.All(failures, failure => Assert.Equal(3, failure.ExitStatus?.Code));
        Assert.All(failures, failure => Assert.Equal(crash.Pid, failure.Pid));
        Assert.Equal(StepResultStatus.Succeeded, after.Result!.Status);
        Assert.NotEqual(crash.Pid, after.Pid);
    }

    [Fact]
    public async Task A_plugin_that_keeps_dying_is_given_up_on_with_a_clear_error()
    {
        await using var pool = new PluginPool(Command(TestExecutables.TestPlugin, "exit-in-handshake"), Options with { MaxRestarts = 2, RestartBackoff = TimeSpan.FromMilliseconds(10) }, Services);

        for (var attempt = 0; attempt < 3; attempt++)
        {
            var failure = await Assert.ThrowsAsync<PluginException>(() => pool.RunStepAsync(Step("s", "{}"), _deadline));
            Assert.Contains("during the handshake", failure.Message, StringComparison.Ordinal);
        }

        var given = await Assert.ThrowsAsync<PluginException>(() => pool.RunStepAsync(Step("s", "{}"), _deadline));
        Assert.Equal(PluginErrorKind.GaveUp, given.Kind);
        Assert.Equal("plugin 'pool' died 3 times in a row; not starting it again. Its logs above say why.", given.Message);
    }

    [Fact]
    public async Task A_plugin_that_is_not_warm_gets_a_process_per_step()
    {
        await using var pool = Pool(TestExecutables.TestPlugin);

        var outcomes = new List<PoolStepResult>();
        for (var i = 0; i < 3; i++)
        {
            outcomes.Add(await pool.RunStepAsync(Step($"s{i}", """{"mode":"sleep","ms":1}"""), _deadline));
        }

        Assert.Equal(3, outcomes.Select(outcome => outcome.Pid).Distinct().Count());
        Assert.All(outcomes, outcome =>
        {
            Assert.False(outcome.Warm);
            Assert.Equal(0, outcome.Exit?.Code);
        });
        Assert.False(pool.Warm);
        Assert.Empty(pool.Pids);
    }

    [Fact]
    public async Task Stderr_written_before_a_warm_plugin_answers_is_relayed_as_that_steps_before_the_step_ends()
    {
        await using var pool = Pool(TestExecutables.Get("tb-sdk-test-plugin"));
        await pool.WarmUpAsync(_deadline);

        // Steps back to back on one process: a late line would be read while no step, or the next one, is in flight.
        for (var i = 0; i < 10; i++)
        {
            var outcome = await pool.RunStepAsync(Step($"step{i}", """{"mode":"stderr-lines","count":1000}"""), _deadline);
            Assert.Equal(StepResultStatus.Succeeded, outcome.Result!.Status);
            var lines = _events.OfType<PluginLogEvent>().Where(line => line.Source == PluginLogSource.Stderr && line.Text.StartsWith($"step{i} ", StringComparison.Ordinal)).ToList();
            Assert.Equal(Enumerable.Range(1, 1000).Select(n => $"step{i} line {n}"), lines.Select(line => line.Text));
            Assert.All(lines, line => Assert.Equal($"step{i}", line.StepId));
        }
    }

    [Fact]
    public async Task Warming_up_a_plugin_that_cannot_start_leaves_the_error_to_the_first_step()
    {
        // Executable by its mode bits, but not a program this machine can run: the kernel refuses it (ENOEXEC).
        var directory = Directory.CreateTempSubdirectory("tb-pool-");
        try
        {
            var bogus = Path.Combine(directory.FullName, "bogus");
            await File.WriteAllBytesAsync(bogus, [0x7f, (byte)'E', (byte)'L', (byte)'F', 0, 1, 2, 3], _deadline);
            File.SetUnixFileMode(bogus, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            await using var pool = Pool(bogus);

            await pool.WarmUpAsync(_deadline);

            var failure = await Assert.ThrowsAsync<PluginException>(() => pool.RunStepAsync(Step("s", "{}"), _deadline));
            Assert.StartsWith($"plugin 'pool': could not start {bogus}: Exec format error", failure.Message, StringComparison.Ordinal);
            Assert.Empty(pool.Pids);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_descendant_that_left_the_process_group_holding_the_pipes_neither_hangs_the_step_nor_the_stop(bool oneShot)
    {
        await using var pool = new PluginPool(Command(TestExecutables.TestPlugin, "escape-group"), Options with { OneShot = oneShot, DrainTimeout = TimeSpan.FromMilliseconds(300) }, Services);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var outcome = await pool.RunStepAsync(Step("escape", "{}"), _deadline).WaitAsync(TimeSpan.FromSeconds(15), _deadline);
        await pool.StopAsync(_deadline).WaitAsync(TimeSpan.FromSeconds(15), _deadline);
        clock.Stop();

        var escaped = outcome.Result!.Outputs["childPid"].GetInt32();
        Assert.Equal(!oneShot, outcome.Warm);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"the step and the stop took {clock.Elapsed}");
        Assert.Contains(_events.OfType<PluginLogEvent>(), line => line.Source == PluginLogSource.Host && line.Text.Contains($"pid {escaped} (sleep) left the plugin's process group", StringComparison.Ordinal));
        Assert.Empty(pool.Pids);
        Assert.Empty(await ProcessTable.SurvivorsAsync([outcome.Pid, escaped]));
    }

    private static HostingOptions Options { get; } = HostingOptions.Default with
    {
        StopGrace = TimeSpan.FromSeconds(2),
        CancelTimeout = TimeSpan.FromSeconds(2),
        HandshakeTimeout = TimeSpan.FromSeconds(5),
    };

    private HostServices Services => HostServices.ForEvents(_events.Enqueue);

    private PluginPool Pool(string executable) => new(Command(executable), Options, Services);

    private PluginCommand Command(string executable, params string[] arguments) => new()
    {
        ExecutablePath = executable,
        Name = "pool",
        Arguments = arguments,
        Environment = new Dictionary<string, string?> { [_marker.Split('=')[0]] = _marker.Split('=')[1] },
    };

    private static StepRunParams Step(string name, string config) => new()
    {
        RunId = "run",
        StepId = name,
        Step = name,
        Config = JsonDocument.Parse(config).RootElement.Clone(),
    };

    private static string Output(PoolStepResult outcome, string name) => outcome.Result!.Outputs[name].GetString()!;
}
