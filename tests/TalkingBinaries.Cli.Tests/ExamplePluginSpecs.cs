using System.Diagnostics;
using System.Text.Json;
using TalkingBinaries.Tests;

namespace TalkingBinaries.Cli.Tests;

/// <summary>The plugins in examples/plugins were written from docs/protocol.md alone; tb must run them as documented.</summary>
public sealed class ExamplePluginSpecs : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tb-examples-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Theory]
    [InlineData("bash/tb-wordcount")]
    [InlineData("python/tb-wordcount.py")]
    public async Task A_plugin_written_from_the_protocol_document_runs_logs_and_reports_outputs(string plugin)
    {
        var path = Path.Combine(TestExecutables.RepositoryRoot, "examples", "plugins", plugin);
        File.WriteAllText(Path.Combine(_directory.FullName, "DevFile"), $$"""
            plugins:
              - ref: wordcount
                path: {{path}}
            steps:
              - name: count
                plugin: wordcount
                config:
                  text: 'the "quick" brown\fox'
              - name: boom
                plugin: wordcount
                config:
                  text: this one fails
                  fail: true
            """);
        var reportPath = Path.Combine(_directory.FullName, "report.json");

        using var tb = await Tb.RunAsync(_directory.FullName, "run", "--report", reportPath);

        Assert.Equal(1, tb.ExitCode);
        Assert.Contains("[count] counting words\n", tb.Stdout, StringComparison.Ordinal);
        // In order, though not necessarily together: "counting words" comes by stderr, which is read on another thread.
        Assert.Equal(
            ["[count] word 1: the", "[count] word 2: \"quick\"", "[count] word 3: brown\\fox"],
            tb.Stdout.Split('\n').Where(line => line.StartsWith("[count] word ", StringComparison.Ordinal)));
        Assert.Contains("[count] progress: 100%", tb.Stdout, StringComparison.Ordinal);
        Assert.Contains("[boom] failed", tb.Stdout, StringComparison.Ordinal);
        Assert.Contains("asked to fail [asked_to_fail]", tb.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("warning", tb.Stdout, StringComparison.Ordinal);
        using var report = JsonDocument.Parse(File.ReadAllText(reportPath));
        var steps = report.RootElement.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(3, steps[0].GetProperty("outputs").GetProperty("words").GetInt32());
        Assert.Equal("the", steps[0].GetProperty("outputs").GetProperty("first").GetString());
        Assert.Equal(0, steps[1].GetProperty("exitCode").GetInt32());
        Assert.Empty(await ProcessTable.SurvivorsAsync(steps.Select(step => step.GetProperty("pid").GetInt32())));
    }

    [Fact]
    public async Task The_Node_plugin_serves_every_step_of_a_run_from_one_warm_process()
    {
        WriteNodeDevFile("""
              - name: count
                plugin: wordcount
                config:
                  text: 'the "quick" brown\fox'
              - name: count_again
                plugin: wordcount
                config:
                  text: jumps over
              - name: boom
                plugin: wordcount
                config:
                  text: this one fails
                  fail: true
            """);

        using var tb = await Tb.RunAsync(_directory.FullName, "run", "--report", ReportPath);

        Assert.Equal(1, tb.ExitCode);
        Assert.Contains("[count] counting words\n", tb.Stdout, StringComparison.Ordinal);
        Assert.Equal(
            ["[count] word 1: the", "[count] word 2: \"quick\"", "[count] word 3: brown\\fox"],
            tb.Stdout.Split('\n').Where(line => line.StartsWith("[count] word ", StringComparison.Ordinal)));
        Assert.Contains("[count_again] progress: 100% counted 2 words", tb.Stdout, StringComparison.Ordinal);
        Assert.Contains("asked to fail [asked_to_fail]", tb.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("warning", tb.Stdout, StringComparison.Ordinal);
        using var report = JsonDocument.Parse(File.ReadAllText(ReportPath));
        var steps = report.RootElement.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(3, steps[0].GetProperty("outputs").GetProperty("words").GetInt32());
        Assert.Equal("jumps", steps[1].GetProperty("outputs").GetProperty("first").GetString());
        // Warm: one process served all three steps and outlived each of them, so no step has an exit code.
        var pid = Assert.Single(steps.Select(step => step.GetProperty("pid").GetInt32()).Distinct());
        Assert.All(steps, step => Assert.Equal(JsonValueKind.Null, step.GetProperty("exitCode").ValueKind));
        Assert.Empty(await ProcessTable.SurvivorsAsync([pid]));
    }

    [Fact]
    public async Task The_Node_plugin_runs_parallel_slow_steps_at_the_same_time_in_one_process()
    {
        // warm_up first, so that the pair's times leave out Node's start-up, which a busy machine makes slow.
        WriteNodeDevFile("""
              - name: warm_up
                plugin: wordcount
                config: { text: ready }
              - name: slow_a
                plugin: wordcount
                parallel: true
                config: { text: one two three, seconds: 1.5 }
              - name: slow_b
                plugin: wordcount
                parallel: true
                config: { text: four five six, seconds: 1.5 }
            """);

        using var tb = await Tb.RunAsync(_directory.FullName, "run", "-j", "2", "--report", ReportPath);

        Assert.True(tb.ExitCode == 0, tb.Stdout + tb.Stderr);
        using var report = JsonDocument.Parse(File.ReadAllText(ReportPath));
        var steps = report.RootElement.GetProperty("steps").EnumerateArray().ToList();
        var pid = Assert.Single(steps.Select(step => step.GetProperty("pid").GetInt32()).Distinct());
        var pair = steps.Skip(1).ToList();
        var span = pair.Max(step => step.GetProperty("finishedAt").GetDateTimeOffset()) - pair.Min(step => step.GetProperty("startedAt").GetDateTimeOffset());
        // One after the other, the two would take 3 s.
        Assert.InRange(span, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(2.7));
        var lines = tb.Stdout.Split('\n').ToList();
        Assert.True(lines.IndexOf("[slow_b] word 1: four") < lines.IndexOf("[slow_a] word 3: three"), tb.Stdout);
        Assert.True(lines.IndexOf("[slow_a] word 1: one") < lines.IndexOf("[slow_b] word 3: six"), tb.Stdout);
        Assert.Empty(await ProcessTable.SurvivorsAsync([pid]));
    }

    [Fact]
    public async Task Ctrl_C_stops_a_slow_Node_step_at_once_after_its_first_live_log_line_and_tb_exits_130()
    {
        var deadline = Deadline.After();
        WriteNodeDevFile("""
              - name: slow
                plugin: wordcount
                config: { text: one two three, seconds: 30 }
              - name: after
                plugin: wordcount
                config: { text: never counted }
            """);
        // A grace of 20 s: had the plugin not answered step/cancel, tb would wait 10 s before stopping it.
        using var tb = Tb.Start(_directory.FullName, "run", "--grace", "20s", "--report", ReportPath);
        await tb.WaitForOutputAsync("[slow] word 1: one", deadline);
        Assert.DoesNotContain("[slow] succeeded", tb.Stdout, StringComparison.Ordinal);
        var stopwatch = Stopwatch.StartNew();

        tb.Signal("INT");
        var exit = await tb.WaitAsync(deadline);

        Assert.Equal(130, exit);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(3), $"tb took {stopwatch.Elapsed} to stop the step");
        Assert.DoesNotContain("[slow] word 2", tb.Stdout, StringComparison.Ordinal);
        Assert.Contains("[slow] cancelled", tb.Stdout, StringComparison.Ordinal);
        Assert.Contains("[after] skipped: the run was interrupted", tb.Stdout, StringComparison.Ordinal);
        using var report = JsonDocument.Parse(File.ReadAllText(ReportPath));
        var slow = report.RootElement.GetProperty("steps")[0];
        Assert.Equal("cancelled", slow.GetProperty("status").GetString());
        Assert.Contains("the plugin stopped the step", slow.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Empty(await ProcessTable.SurvivorsAsync([slow.GetProperty("pid").GetInt32()]));
    }

    [Fact]
    public async Task A_step_timeout_cancels_only_that_step_and_the_warm_Node_process_serves_on()
    {
        // warm_up first: a step's timeout counts from its start, Node's start-up included, which a busy machine makes slow.
        WriteNodeDevFile("""
              - name: warm_up
                plugin: wordcount
                config: { text: ready }
              - name: slow
                plugin: wordcount
                parallel: true
                timeout: 1s
                continue_on_error: true
                config: { text: one two three, seconds: 30 }
              - name: steady
                plugin: wordcount
                parallel: true
                config: { text: four five, seconds: 1.5 }
              - name: after
                plugin: wordcount
                config: { text: still warm }
            """);

        using var tb = await Tb.RunAsync(_directory.FullName, "run", "-j", "2", "--grace", "20s", "--report", ReportPath);

        Assert.True(tb.ExitCode == 0, tb.Stdout + tb.Stderr);
        using var report = JsonDocument.Parse(File.ReadAllText(ReportPath));
        var steps = report.RootElement.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(["succeeded", "failed", "succeeded", "succeeded"], steps.Select(step => step.GetProperty("status").GetString()));
        Assert.Equal("timed out after 1s; the plugin stopped the step", steps[1].GetProperty("error").GetString());
        // Stopped by the plugin's own answer, well within the 10 s tb would wait before stopping the process.
        Assert.InRange(steps[1].GetProperty("stepTimeMs").GetDouble(), 1000, 3500);
        var pid = Assert.Single(steps.Select(step => step.GetProperty("pid").GetInt32()).Distinct());
        Assert.Empty(await ProcessTable.SurvivorsAsync([pid]));
    }

    [Fact]
    public async Task The_Node_plugin_run_by_hand_says_what_it_is_and_exits_2()
    {
        var start = new ProcessStartInfo(NodePluginPath()) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment.Remove("TALKING_BINARIES_PLUGIN");
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();

        try
        {
            await process.WaitForExitAsync(Deadline.After());
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        Assert.Equal(2, process.ExitCode);
        Assert.Equal(string.Empty, await stdout);
        Assert.Contains("This is a Talking Binaries plugin (wordcount-node 1.0.0)", await stderr, StringComparison.Ordinal);
    }

    private string ReportPath => Path.Combine(_directory.FullName, "report.json");

    private void WriteNodeDevFile(string steps) =>
        File.WriteAllText(Path.Combine(_directory.FullName, "DevFile"), $"plugins:\n  - ref: wordcount\n    path: {NodePluginPath()}\nsteps:\n{steps}");

    /// <summary>The Node example plugin; fails the test, rather than skipping it, when Node.js is missing.</summary>
    private static string NodePluginPath()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        var node = path.Split(':', StringSplitOptions.RemoveEmptyEntries).Select(directory => Path.Combine(directory, "node")).FirstOrDefault(File.Exists);
        Assert.True(node is not null, $"node is not on PATH ({path}): the specs of examples/plugins/node need Node.js 20 or later; install it (CI machines have it)");
        return Path.Combine(TestExecutables.RepositoryRoot, "examples", "plugins", "node", "tb-wordcount.js");
    }
}
