using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using TalkingBinaries.Tests;

namespace TalkingBinaries.Cli.Tests;

/// <summary>tb run --server, with the native dist/tb: a per-user server runs each client's run and keeps plugins warm between runs.</summary>
/// <remarks>
/// Each spec has a server of its own (XDG_RUNTIME_DIR in a temporary directory) and ends with <c>tb server stop</c>,
/// after which no process it started may be left. Warm plugins outlive each client by design, so every process the
/// spec starts carries TB_SERVER_SPEC, and the check runs once the server is stopped.
/// </remarks>
public sealed partial class TbServerSpecs : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tb-server-");
    private readonly DirectoryInfo _runtime = Directory.CreateTempSubdirectory("tb-xdg-");
    private readonly string _marker = Guid.NewGuid().ToString("N");

    public void Dispose()
    {
        // A spec that failed half-way still stops its server.
        using var stop = Process.Start(new ProcessStartInfo(Dist("tb"), ["server", "stop"]) { Environment = { ["XDG_RUNTIME_DIR"] = _runtime.FullName }, RedirectStandardOutput = true });
        stop?.WaitForExit(15_000);
        _directory.Delete(recursive: true);
        _runtime.Delete(recursive: true);
    }

    [Fact]
    public async Task A_run_through_the_server_shows_what_a_run_here_shows_and_its_plugins_stay_warm_for_the_next()
    {
        WriteDevFile($"""
            plugins:
              - ref: echo
                path: {Dist("plugin-echo")}
              - ref: shell
                path: {Dist("plugin-shell")}
            steps:
              - name: say_hi
                plugin: echo
                config:
                  say: hello world
              - name: say_hi_via_bash
                plugin: shell
                config:
                  commands:
                    - echo -n "hello world"
                    - echo "to stderr" >&2
            """);

        using var here = await RunAsync("--no-server");
        using var first = await RunAsync("--report", "first.json");
        using var second = await RunAsync("--report", "second.json");

        Assert.Equal(0, here.ExitCode);
        Assert.Equal(0, first.ExitCode);
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("[say_hi_via_bash] hello world", second.Stdout, StringComparison.Ordinal);
        Assert.Equal(Normalise(here.Stdout), Normalise(first.Stdout));
        Assert.Equal(Normalise(here.Stdout), Normalise(second.Stdout));
        Assert.Equal(here.Stderr, second.Stderr);
        Assert.Equal(Pids("first.json"), Pids("second.json"));

        var status = await ServerAsync("status");
        Assert.Equal(0, status.ExitCode);
        foreach (var pid in Pids("second.json"))
        {
            Assert.Contains($"(pid {pid})", status.Stdout, StringComparison.Ordinal);
        }

        await StopAndAssertNothingLeftAsync(Pids("second.json"));
    }

    [Fact]
    public async Task Each_run_has_its_own_environment_and_directory_and_never_a_plugin_started_with_another()
    {
        WriteDevFile($$$"""
            plugins:
              - ref: echo
                path: {{{Dist("plugin-echo")}}}
              - ref: shell
                path: {{{Dist("plugin-shell")}}}
            steps:
              - name: expression
                plugin: echo
                config:
                  say: "from env: ${{ env.SPEC_VALUE }}"
              - name: command
                plugin: shell
                config:
                  commands:
                    - 'echo "in the plugin: $SPEC_VALUE"'
            """);
        var below = Directory.CreateDirectory(Path.Combine(_directory.FullName, "below"));

        using var one = await RunInAsync(below.FullName, new() { ["SPEC_VALUE"] = "one" }, "--report", "one.json");
        using var two = await RunInAsync(_directory.FullName, new() { ["SPEC_VALUE"] = "two" }, "--report", "two.json");
        using var again = await RunInAsync(_directory.FullName, new() { ["SPEC_VALUE"] = "one" }, "--report", "again.json");

        Assert.Contains("[expression] from env: one", one.Stdout, StringComparison.Ordinal);
        Assert.Contains("[command] in the plugin: one", one.Stdout, StringComparison.Ordinal);
        Assert.Contains("[expression] from env: two", two.Stdout, StringComparison.Ordinal);
        Assert.Contains("[command] in the plugin: two", two.Stdout, StringComparison.Ordinal);

        // The DevFile was found from the client's directory, and the relative report written there.
        Assert.True(File.Exists(Path.Combine(below.FullName, "one.json")), one.Stdout + one.Stderr);
        Assert.Empty(Pids(Path.Combine("below", "one.json")).Intersect(Pids("two.json")));
        Assert.Equal(Pids(Path.Combine("below", "one.json")), Pids("again.json"));
        await StopAndAssertNothingLeftAsync([]);
    }

    [Fact]
    public async Task Failures_and_errors_come_back_with_their_exit_codes_and_lines()
    {
        WriteDevFile($"""
            plugins:
              - ref: shell
                path: {Dist("plugin-shell")}
            steps:
              - name: fails
                plugin: shell
                config:
                  commands: ["echo before; exit 3"]
              - name: after
                plugin: shell
                needs: [fails]
            """);

        using var failed = await RunAsync();
        using var usage = await RunAsync("--max-parallel", "0");
        using var unknown = await RunAsync("--no-such-option");
        using var missing = await RunAsync("-f", "nowhere/DevFile");

        Assert.Equal(1, failed.ExitCode);
        Assert.Contains("[fails] before", failed.Stdout, StringComparison.Ordinal);
        Assert.Contains("[after] skipped: step 'fails' failed", failed.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, usage.ExitCode);
        Assert.Equal("tb: error: --max-parallel must be at least 1, not 0\n", usage.Stderr);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("--no-such-option", unknown.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, missing.ExitCode);
        Assert.Equal($"tb: error: {Path.Combine(_directory.FullName, "nowhere", "DevFile")}: no such file; check the path given to -f/--file\n", missing.Stderr);
        await StopAndAssertNothingLeftAsync([]);
    }

    [Fact]
    public async Task Ctrl_C_stops_the_run_gracefully_with_exit_130_and_leaves_no_child()
    {
        WriteSleeper();
        var deadline = Deadline.After(60);
        using var tb = Start([]);
        await tb.WaitForOutputAsync("[sleeps] started", deadline);
        await WaitForSleepAsync(deadline);

        tb.Signal("INT");
        var exit = await tb.WaitAsync(deadline);

        Assert.Equal(130, exit);
        Assert.Contains("tb: interrupted: stopping plugins gracefully", tb.Stderr, StringComparison.Ordinal);
        Assert.Contains("run interrupted", tb.Stdout, StringComparison.Ordinal);
        Assert.Empty(await ProcessTable.SurvivorsWithEnvironmentAsync($"SPEC_SLEEP={_marker}"));
        await StopAndAssertNothingLeftAsync([]);
    }

    [Fact]
    public async Task A_client_killed_outright_stops_its_run_and_the_server_serves_the_next()
    {
        WriteSleeper();
        var deadline = Deadline.After(60);
        using (var tb = Start([]))
        {
            await tb.WaitForOutputAsync("[sleeps] started", deadline);
            await WaitForSleepAsync(deadline);
            tb.Signal("KILL");
            await tb.WaitAsync(deadline);
        }

        Assert.Empty(await ProcessTable.SurvivorsWithEnvironmentAsync($"SPEC_SLEEP={_marker}", seconds: 15));
        using var next = await RunAsync("--step", "quick");
        Assert.Equal(0, next.ExitCode);
        Assert.Contains("[quick] quick", next.Stdout, StringComparison.Ordinal);
        await StopAndAssertNothingLeftAsync([]);
    }

    [Fact]
    public async Task What_a_step_leaves_running_in_the_background_is_killed_when_its_run_ends()
    {
        WriteDevFile($"""
            plugins:
              - ref: shell
                path: {Dist("plugin-shell")}
            steps:
              - name: leaves
                plugin: shell
                config:
                  commands: ["SPEC_SLEEP={_marker} sleep 300 > /dev/null 2>&1 &"]
            """);

        using var tb = await RunAsync("--report", "report.json");

        Assert.Equal(0, tb.ExitCode);
        Assert.Empty(await ProcessTable.SurvivorsWithEnvironmentAsync($"SPEC_SLEEP={_marker}"));
        Assert.All(Pids("report.json"), pid => Assert.True(ProcessTable.IsAlive(pid), $"the warm plugin (pid {pid}) was stopped too"));
        await StopAndAssertNothingLeftAsync(Pids("report.json"));
    }

    [Fact]
    public async Task The_socket_is_private_and_the_server_stops_by_itself_after_its_idle_time()
    {
        WriteGreeter("hi");

        using var tb = await RunInAsync(_directory.FullName, new() { ["TB_SERVER_IDLE"] = "1s" }, "--report", "report.json");
        var socket = Path.Combine(_runtime.FullName, "tb", "server.sock");

        Assert.Equal(0, tb.ExitCode);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(socket));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(socket)!));
        var deadline = Stopwatch.StartNew();
        Tb status;
        do
        {
            await Task.Delay(100);
            status = await ServerAsync("status");
        }
        while (status.ExitCode == 0 && deadline.Elapsed < TimeSpan.FromSeconds(20));

        Assert.Equal(3, status.ExitCode);
        Assert.Contains("tb server: not running", status.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(socket));
        Assert.Empty(await ProcessTable.SurvivorsAsync(Pids("report.json")));
        Assert.Empty(await ProcessTable.SurvivorsWithEnvironmentAsync($"TB_SERVER_SPEC={_marker}"));
    }

    [Fact]
    public async Task Server_commands_say_what_they_did()
    {
        var notRunning = await ServerAsync("status");
        var started = await ServerAsync("start", "--idle", "1m");
        var again = await ServerAsync("start");
        var running = await ServerAsync("status");
        var badIdle = await ServerAsync("start", "--idle", "soon");

        Assert.Equal(3, notRunning.ExitCode);
        Assert.Matches(@"^tb server: started \(pid \d+, socket .+/tb/server\.sock\)\n$", started.Stdout);
        Assert.Matches(@"^tb server: already running \(pid \d+, socket .+/tb/server\.sock\)\n$", again.Stdout);
        Assert.Equal(0, running.ExitCode);
        Assert.Contains("stops after 1m idle", running.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"^tb server: running \(pid \d+, [^,]+, up (under 1s|\d+s), 0 runs served, 0 running; stops after 1m idle\)\n", running.Stdout);
        Assert.Contains("warm plugins: none", running.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, badIdle.ExitCode);
        Assert.StartsWith("tb server: error: --idle", badIdle.Stderr, StringComparison.Ordinal);
        await StopAndAssertNothingLeftAsync([]);
        var stoppedAgain = await ServerAsync("stop");
        Assert.Equal("tb server: not running\n", stoppedAgain.Stdout);
    }

    [Fact]
    public async Task A_server_of_another_tb_build_makes_way_for_the_client_s_own()
    {
        WriteGreeter("from the other build");
        var other = Path.Combine(_runtime.FullName, "other-tb");
        File.Copy(Dist("tb"), other);
        var started = await ServerAsync("start");
        var firstPid = int.Parse(Pid().Match(started.Stdout).Value[4..], System.Globalization.CultureInfo.InvariantCulture);

        using var tb = Tb.StartExecutable(_directory.FullName, other, Environment(), ["run", "--server"]);
        var exit = await tb.WaitAsync(Deadline.After(60));

        Assert.Equal(0, exit);
        Assert.Contains("[greet] from the other build", tb.Stdout, StringComparison.Ordinal);
        Assert.Empty(await ProcessTable.SurvivorsAsync([firstPid]));
        var status = await ServerAsync("status");
        Assert.Contains("1 runs served", status.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain($"pid {firstPid},", status.Stdout, StringComparison.Ordinal);
        await StopAndAssertNothingLeftAsync([]);
    }

    private void WriteGreeter(string say) => WriteDevFile($"""
        plugins:
          - ref: echo
            path: {Dist("plugin-echo")}
        steps:
          - name: greet
            plugin: echo
            config:
              say: {say}
        """);

    private void WriteSleeper() => WriteDevFile($"""
        plugins:
          - ref: shell
            path: {Dist("plugin-shell")}
        steps:
          - name: quick
            plugin: shell
            config:
              commands: ["echo quick"]
          - name: sleeps
            plugin: shell
            needs: [quick]
            config:
              commands: ["SPEC_SLEEP={_marker} exec sleep 30"]
        """);

    private async Task WaitForSleepAsync(CancellationToken deadline)
    {
        while (ProcessTable.WithEnvironment($"SPEC_SLEEP={_marker}").Count == 0)
        {
            await Task.Delay(10, deadline);
        }
    }

    private Dictionary<string, string> Environment(Dictionary<string, string>? extra = null)
    {
        // Tb's own check for survivors looks for its per-client marker: warm plugins carry this one instead.
        var environment = new Dictionary<string, string>
        {
            ["XDG_RUNTIME_DIR"] = _runtime.FullName,
            ["TB_TEST_RUN"] = $"server-{_marker}",
            ["TB_SERVER_SPEC"] = _marker,
        };
        foreach (var (name, value) in extra ?? [])
        {
            environment[name] = value;
        }

        return environment;
    }

    private Tb Start(string[] arguments, string? directory = null, Dictionary<string, string>? extra = null) =>
        Tb.StartExecutable(directory ?? _directory.FullName, Dist("tb"), Environment(extra), ["run", "--server", .. arguments]);

    private Task<Tb> RunAsync(params string[] arguments) => RunInAsync(_directory.FullName, null, arguments);

    private async Task<Tb> RunInAsync(string directory, Dictionary<string, string>? extra, params string[] arguments)
    {
        var tb = Start(arguments, directory, extra);
        await tb.WaitAsync(Deadline.After(60));
        return tb;
    }

    private async Task<Tb> ServerAsync(params string[] arguments)
    {
        var tb = Tb.StartExecutable(_directory.FullName, Dist("tb"), Environment(), ["server", .. arguments]);
        await tb.WaitAsync(Deadline.After(60));
        return tb;
    }

    private async Task StopAndAssertNothingLeftAsync(IReadOnlyList<int> plugins)
    {
        var stop = await ServerAsync("stop");
        Assert.Matches(@"^tb server: stopped \(pid \d+\)\n$", stop.Stdout);
        Assert.Empty(await ProcessTable.SurvivorsAsync(plugins));
        Assert.Empty(await ProcessTable.SurvivorsWithEnvironmentAsync($"TB_SERVER_SPEC={_marker}"));
    }

    private List<int> Pids(string report)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(_directory.FullName, report)));
        return [.. document.RootElement.GetProperty("steps").EnumerateArray().Select(step => step.GetProperty("pid").GetInt32()).Distinct().Order()];
    }

    /// <summary>The output with what differs from run to run (times, run ids, pids, column widths) taken out.</summary>
    private static string Normalise(string output) =>
        Spaces().Replace(Pid().Replace(RunId().Replace(Duration().Replace(output, "T"), "run R"), "pid P"), " ");

    private void WriteDevFile(string text) => File.WriteAllText(Path.Combine(_directory.FullName, "DevFile"), text);

    private static string Dist(string name)
    {
        var path = Path.Combine(TestExecutables.RepositoryRoot, "dist", name);
        Assert.True(File.Exists(path), $"{path} is missing: run ./build.sh before the tests (the README's test command does)");
        return path;
    }

    [GeneratedRegex(@"\+?\d+(\.\d+)? ?(ms|µs|s)\b")]
    private static partial Regex Duration();

    [GeneratedRegex(@"run [0-9a-f]{12}")]
    private static partial Regex RunId();

    [GeneratedRegex(@"pid \d+")]
    private static partial Regex Pid();

    [GeneratedRegex(@"[ \t]+")]
    private static partial Regex Spaces();
}
