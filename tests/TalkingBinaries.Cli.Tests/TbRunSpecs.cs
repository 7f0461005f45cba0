using System.Text.Json;
using System.Text.RegularExpressions;
using TalkingBinaries.Tests;

namespace TalkingBinaries.Cli.Tests;

public sealed partial class TbRunSpecs : IDisposable
{
    // A time as tb prints it (ConsoleReporter.Ms): "12.34 ms" under a second, "1.234 s" from a second on.
    private const string Duration = @"(?:\d+\.\d{2} ms|\d+\.\d{3} s)";

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tb-cli-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task The_seed_DevFile_runs_unchanged_from_a_subdirectory()
    {
        File.Copy(Path.Combine(TestExecutables.RepositoryRoot, "DevFile"), Path.Combine(_directory.FullName, "DevFile"));
        var dist = Directory.CreateDirectory(Path.Combine(_directory.FullName, "dist"));
        File.CreateSymbolicLink(Path.Combine(dist.FullName, "plugin-echo"), TestExecutables.Echo);
        File.CreateSymbolicLink(Path.Combine(dist.FullName, "plugin-shell"), TestExecutables.Shell);
        var nested = Directory.CreateDirectory(Path.Combine(_directory.FullName, "a", "b"));

        using var tb = await Tb.RunAsync(nested.FullName, "run");

        AssertSeedRunOutput(tb);
    }

    [Fact]
    public async Task The_native_build_in_dist_runs_the_root_DevFile()
    {
        var tbPath = Path.Combine(TestExecutables.RepositoryRoot, "dist", "tb");
        Assert.True(File.Exists(tbPath), $"{tbPath} is missing: run ./build.sh before the tests (the README's test command does)");

        using var tb = Tb.StartExecutable(TestExecutables.RepositoryRoot, tbPath, null, "run");
        await tb.WaitAsync(Deadline.After());

        AssertSeedRunOutput(tb);
    }

    [Fact]
    public async Task The_native_build_runs_a_thousand_steps_on_one_warm_echo()
    {
        // The native build is where a race between creating and starting step tasks showed, at this size.
        var tbPath = Path.Combine(TestExecutables.RepositoryRoot, "dist", "tb");
        Assert.True(File.Exists(tbPath), $"{tbPath} is missing: run ./build.sh before the tests (the README's test command does)");
        var steps = string.Concat(Enumerable.Range(0, 1000).Select(i => $"  - name: s{i}\n    plugin: echo\n    config:\n      say: step {i}\n"));
        WriteDevFile($"plugins:\n  - ref: echo\n    path: {Path.Combine(TestExecutables.RepositoryRoot, "dist", "plugin-echo")}\nsteps:\n{steps}");
        var reportPath = Path.Combine(_directory.FullName, "report.json");

        using var tb = Tb.StartExecutable(_directory.FullName, tbPath, null, "run", "--report", reportPath);
        var exit = await tb.WaitAsync(Deadline.After(60));

        Assert.True(exit == 0, tb.Stderr);
        using var report = JsonDocument.Parse(File.ReadAllText(reportPath));
        var reported = report.RootElement.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(1000, reported.Count(step => step.GetProperty("status").GetString() == "succeeded"));
        Assert.Single(reported.Select(step => step.GetProperty("pid").GetInt32()).Distinct());
    }

    [Fact]
    public async Task A_failing_step_exits_1_shows_its_logs_and_skips_the_rest()
    {
        WriteDevFile($"""
            plugins:
              - ref: test
                path: {TestExecutables.TestPlugin}
            steps:
              - name: crash
                plugin: test
                config:
                  mode: crash-after-logging
                  lines: 3
              - name: after
                plugin: test
            """);

        using var tb = await Tb.RunAsync(_directory.FullName, "run");

        Assert.Equal(1, tb.ExitCode);
        // stderr and the log go through two pipes, so the log line may land between the stderr lines; each pipe keeps its order.
        var lines = tb.Stdout.Split('\n').ToList();
        var told = Enumerable.Range(1, 3).Select(line => lines.IndexOf($"[crash] line {line} of 3 before the crash")).ToList();
        Assert.True(told[0] >= 0 && told[0] < told[1] && told[1] < told[2], tb.Stdout);
        Assert.Contains("[crash] error: crashing now", lines);
        Assert.True(told[2] < lines.FindIndex(line => line.StartsWith("[crash] failed", StringComparison.Ordinal)), tb.Stdout);
        Assert.Matches($@"\[crash\] failed \(binary execution time {Duration}, step execution time {Duration}, exit code 3\): plugin 'test' \(pid \d+\) exited with exit code 3 before answering step 'crash'", tb.Stdout);
        Assert.Contains("[after] skipped: step 'crash' failed", tb.Stdout, StringComparison.Ordinal);
        Assert.Contains("run failed (step 'crash' failed first): 0 succeeded, 1 failed, 1 skipped, 0 cancelled", tb.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plugin_the_machine_cannot_execute_fails_its_step_with_one_line_and_exit_1()
    {
        var bogus = Path.Combine(_directory.FullName, "bogus");
        File.WriteAllBytes(bogus, [0x7f, (byte)'E', (byte)'L', (byte)'F', 0, 1, 2, 3]);
        File.SetUnixFileMode(bogus, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        WriteDevFile($"""
            plugins:
              - ref: bogus
                path: {bogus}
            steps:
              - name: first
                plugin: bogus
            """);

        using var tb = await Tb.RunAsync(_directory.FullName, "run");

        Assert.Equal(1, tb.ExitCode);
        Assert.Contains($"[first] failed (step execution time ", tb.Stdout, StringComparison.Ordinal);
        Assert.Contains($"plugin 'bogus': could not start {bogus}: Exec format error. Check that {bogus} is an executable for this machine.", tb.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", tb.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", tb.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stray_stdout_is_shown_as_a_warning_and_the_run_succeeds()
    {
        WriteDevFile($"""
            plugins:
              - ref: test
                path: {TestExecutables.TestPlugin}
            steps:
              - name: noisy
                plugin: test
                config:
                  mode: garbage-stdout
            """);

        using var tb = await Tb.RunAsync(_directory.FullName, "run");

        Assert.Equal(0, tb.ExitCode);
        Assert.Contains("[noisy] warning: stray stdout (plugins log to stderr): this is not json", tb.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_report_has_every_step_with_timestamps_timings_and_outputs()
    {
        WriteDevFile($"""
            plugins:
              - ref: echo
                path: {TestExecutables.Echo}
              - ref: test
                path: {TestExecutables.TestPlugin}
            steps:
              - name: hi
                plugin: echo
                config:
                  say: hello
              - name: bad
                plugin: test
                config:
                  mode: fail
              - name: never
                plugin: echo
            """);
        var reportPath = Path.Combine(_directory.FullName, "report.json");

        using var tb = await Tb.RunAsync(_directory.FullName, "run", "--report", reportPath);

        Assert.Equal(1, tb.ExitCode);
        using var report = JsonDocument.Parse(File.ReadAllText(reportPath));
        var root = report.RootElement;
        Assert.Equal("failed", root.GetProperty("status").GetString());
        var steps = root.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(["succeeded", "failed", "skipped"], steps.Select(step => step.GetProperty("status").GetString()));
        var hi = steps[0];
        Assert.Equal("hi", hi.GetProperty("name").GetString());
        Assert.Equal("echo", hi.GetProperty("plugin").GetString());
        // A warm plugin's process outlives the step: no exit code, but the process that ran it.
        Assert.Equal(JsonValueKind.Null, hi.GetProperty("exitCode").ValueKind);
        Assert.True(hi.GetProperty("pid").GetInt32() > 0);
        Assert.Equal("hello", hi.GetProperty("outputs").GetProperty("said").GetString());
        Assert.Matches(SubMillisecondTimestamp(), hi.GetProperty("startedAt").GetString());
        Assert.Matches(SubMillisecondTimestamp(), hi.GetProperty("finishedAt").GetString());
        Assert.True(hi.GetProperty("binaryTimeMs").GetDouble() > 0);
        Assert.True(hi.GetProperty("stepTimeMs").GetDouble() >= hi.GetProperty("binaryTimeMs").GetDouble());
        Assert.Equal(JsonValueKind.Null, hi.GetProperty("error").ValueKind);
        Assert.Contains("the test plugin was told to fail", steps[1].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, steps[2].GetProperty("startedAt").ValueKind);
    }

    [Fact]
    public async Task Output_is_not_coloured_when_it_is_not_a_terminal()
    {
        WriteDevFile($"""
            plugins:
              - ref: echo
                path: {TestExecutables.Echo}
            steps:
              - name: hi
                plugin: echo
                config:
                  say: hello
            """);

        using var tb = await Tb.RunAsync(_directory.FullName, "run");

        Assert.Equal(0, tb.ExitCode);
        Assert.DoesNotContain('\u001b', tb.Stdout);
    }

    [Fact]
    public async Task Ctrl_C_stops_the_plugin_and_its_child_prints_the_summary_and_exits_130()
    {
        var deadline = Deadline.After();
        WriteDevFile($"""
            plugins:
              - ref: test
                path: {TestExecutables.TestPlugin}
            steps:
              - name: hang
                plugin: test
                config:
                  mode: hang
              - name: after
                plugin: test
            """);
        using var tb = Tb.Start(_directory.FullName, "run", "--grace", "2s");
        await tb.WaitForOutputAsync("[hang] hanging", deadline);
        var pids = ChildPids(tb.Stdout);

        tb.Signal("INT");
        var exit = await tb.WaitAsync(deadline);

        Assert.Equal(130, exit);
        Assert.Contains("tb: interrupted: stopping plugins gracefully", tb.Stderr, StringComparison.Ordinal);
        Assert.Contains("[hang] cancelled", tb.Stdout, StringComparison.Ordinal);
        Assert.Contains("[after] skipped: the run was interrupted", tb.Stdout, StringComparison.Ordinal);
        Assert.Contains("run interrupted: 0 succeeded, 0 failed, 1 skipped, 1 cancelled", tb.Stdout, StringComparison.Ordinal);
        Assert.Empty(await ProcessTable.SurvivorsAsync(pids));
    }

    [Fact]
    public async Task SIGTERM_to_tb_stops_the_plugin_the_same_way_and_exits_143()
    {
        var deadline = Deadline.After();
        WriteDevFile($"""
            plugins:
              - ref: test
                path: {TestExecutables.TestPlugin}
            steps:
              - name: hang
                plugin: test
                config:
                  mode: hang
            """);
        using var tb = Tb.Start(_directory.FullName, "run", "--grace", "2s");
        await tb.WaitForOutputAsync("[hang] hanging", deadline);
        var pids = ChildPids(tb.Stdout);

        tb.Signal("TERM");
        var exit = await tb.WaitAsync(deadline);

        Assert.Equal(143, exit);
        Assert.Contains("tb: terminated: stopping plugins gracefully", tb.Stderr, StringComparison.Ordinal);
        Assert.Contains("run interrupted: 0 succeeded, 0 failed, 0 skipped, 1 cancelled", tb.Stdout, StringComparison.Ordinal);
        Assert.Empty(await ProcessTable.SurvivorsAsync(pids));
    }

    [Fact]
    public async Task Ctrl_C_cancels_a_step_through_the_protocol_when_the_plugin_honours_it()
    {
        var deadline = Deadline.After();
        WriteDevFile($"""
            plugins:
              - ref: sdk
                path: {TestExecutables.Get("tb-sdk-test-plugin")}
            steps:
              - name: patient
                plugin: sdk
                config:
                  mode: wait-for-cancel
            """);
        using var tb = Tb.Start(_directory.FullName, "run", "--grace", "1m");
        await tb.WaitForOutputAsync("[patient] waiting for cancellation", deadline);

        tb.Signal("INT");
        var exit = await tb.WaitAsync(deadline);

        // The plugin answered step/cancel and exited by itself: no signal, no waiting out the grace.
        Assert.Equal(130, exit);
        Assert.Matches($@"\[patient\] cancelled \(binary execution time {Duration}, step execution time {Duration}\): the run was interrupted; the plugin stopped the step", tb.Stdout);
        Assert.Matches(@"patient\s+sdk\s+cancelled\s+-\s", tb.Stdout);
    }

    [Fact]
    public async Task A_second_Ctrl_C_kills_a_plugin_that_ignores_SIGTERM_without_waiting_out_the_grace()
    {
        var deadline = Deadline.After();
        WriteDevFile($"""
            plugins:
              - ref: test
                path: {TestExecutables.TestPlugin}
            steps:
              - name: stubborn
                plugin: test
            """);
        using var tb = Tb.StartExecutable(_directory.FullName, TestExecutables.Tb, new Dictionary<string, string> { ["TB_TEST_MODE"] = "ignore-sigterm" }, "run", "--grace", "10m");
        await tb.WaitForOutputAsync("[stubborn] hanging", deadline);
        var pids = ChildPids(tb.Stdout);

        tb.Signal("INT");

        // Only once tb has taken the first Ctrl-C is the next one a second: before that it would be the first.
        await tb.WaitForErrorAsync("tb: interrupted: stopping plugins gracefully", deadline);
        tb.Signal("INT");
        var exit = await tb.WaitAsync(deadline);

        Assert.Equal(130, exit);
        Assert.Contains("tb: killing plugins now", tb.Stderr, StringComparison.Ordinal);
        Assert.Contains("was killed by signal 9 (SIGKILL)", tb.Stdout, StringComparison.Ordinal);
        Assert.Empty(await ProcessTable.SurvivorsAsync(pids));
    }

    private static void AssertSeedRunOutput(Tb tb)
    {
        Assert.True(tb.ExitCode == 0, tb.Stdout + tb.Stderr);
        var lines = tb.Stdout.Split('\n');
        Assert.Contains("[say_hi] hello world", lines);
        Assert.Contains("[say_hi_via_bash] hello world", lines);
        Assert.Contains("[say_hi_via_bash] hello world 2", lines);
        Assert.DoesNotContain("\"hello world\"", tb.Stdout, StringComparison.Ordinal);
        Assert.Matches($@"\[say_hi\] succeeded \(binary execution time {Duration}, step execution time {Duration}\)", tb.Stdout);
        Assert.Matches($@"\[say_hi_via_bash\] succeeded \(binary execution time {Duration}, step execution time {Duration}\)", tb.Stdout);
        Assert.Matches(@"STEP\s+PLUGIN\s+STATUS\s+EXIT\s+START\s+BINARY TIME\s+STEP TIME", tb.Stdout);
        Assert.Matches($@"say_hi\s+echo\s+succeeded\s+-\s+\+{Duration}\s+{Duration}\s+{Duration}", tb.Stdout);
        Assert.Matches($@"say_hi_via_bash\s+shell\s+succeeded\s+-\s+\+{Duration}\s+{Duration}\s+{Duration}", tb.Stdout);
        Assert.Contains("run succeeded: 2 succeeded, 0 failed, 0 skipped, 0 cancelled", tb.Stdout, StringComparison.Ordinal);
        Assert.Equal(string.Empty, tb.Stderr);
    }

    private static List<int> ChildPids(string output) =>
        PidPattern().Matches(output).Select(match => int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();

    private void WriteDevFile(string text) => File.WriteAllText(Path.Combine(_directory.FullName, "DevFile"), text);

    [GeneratedRegex(@"(?:child pid|hanging \(pid) (\d+)")]
    private static partial Regex PidPattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{4,}(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex SubMillisecondTimestamp();
}
