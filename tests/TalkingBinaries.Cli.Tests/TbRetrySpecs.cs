using System.Diagnostics;
using System.Text.Json;
using TalkingBinaries.Tests;

namespace TalkingBinaries.Cli.Tests;

/// <summary>What tb run prints and exits with for a step with <c>retry</c> (docs/devfile.md, "Retries").</summary>
public sealed class TbRetrySpecs : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tb-retry-");

    public void Dispose() => _directory.Delete(recursive: true);

    private string ReportPath => Path.Combine(_directory.FullName, "report.json");

    private string Counter => Path.Combine(_directory.FullName, "attempts");

    [Fact]
    public async Task Each_retried_attempt_prints_a_line_and_a_step_that_succeeds_at_last_succeeds()
    {
        WriteDevFile($$"""
              - name: flaky
                plugin: test
                retry: { max: 3, delay: 0s }
                config: { mode: fail-until, file: {{Counter}}, succeed-on: 3, exit: 3 }
            """);

        using var tb = Tb.Start(_directory.FullName, "run", "--report", ReportPath);
        var exit = await tb.WaitAsync(Deadline.After());

        Assert.True(exit == 0, tb.Stdout + tb.Stderr);
        Assert.Matches(@"\[flaky\] attempt 1 of 4 failed \(exit code 3\): plugin 'test' \(pid \d+\) exited with exit code 3 before answering step 'flaky'.*; retrying now\n", tb.Stdout);
        Assert.Matches(@"\[flaky\] attempt 2 of 4 failed \(exit code 3\): .*; retrying now\n", tb.Stdout);
        Assert.DoesNotContain("attempt 3 of 4 failed", tb.Stdout, StringComparison.Ordinal);
        Assert.Contains("[flaky] succeeded", tb.Stdout, StringComparison.Ordinal);
        using var report = JsonDocument.Parse(File.ReadAllText(ReportPath));
        var attempts = report.RootElement.GetProperty("steps")[0].GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal(["failed", "failed", "succeeded"], attempts.Select(attempt => attempt.GetProperty("status").GetString()));
        Assert.Equal(3, attempts[0].GetProperty("exitCode").GetInt32());
    }

    [Fact]
    public async Task A_step_whose_retries_run_out_fails_the_run_with_exit_code_1()
    {
        WriteDevFile($$"""
              - name: broken
                plugin: test
                retry: { max: 1, delay: 10ms }
                config: { mode: fail-until, file: {{Counter}} }
            """);

        using var tb = Tb.Start(_directory.FullName, "run");
        var exit = await tb.WaitAsync(Deadline.After());

        Assert.Equal(1, exit);
        // The warm process may end with the attempt (exit code 0) when no other step needs it.
        Assert.Matches(@"\[broken\] attempt 1 of 2 failed( \(exit code 0\))?: attempt 1 failed \[not_yet\]", tb.Stdout);
        Assert.Contains("; retrying in 10ms", tb.Stdout, StringComparison.Ordinal);
        Assert.Contains("[broken] failed", tb.Stdout, StringComparison.Ordinal);
        Assert.Contains("run failed (step 'broken' failed first)", tb.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ctrl_C_during_the_wait_before_a_retry_ends_the_run_at_once_with_130()
    {
        var deadline = Deadline.After();
        WriteDevFile($$"""
              - name: waiting
                plugin: test
                retry: { max: 2, delay: 1h }
                config: { mode: fail-until, file: {{Counter}} }
              - name: after
                plugin: test
            """);
        using var tb = Tb.Start(_directory.FullName, "run", "--report", ReportPath);
        await tb.WaitForOutputAsync("retrying in 1h", deadline);
        var stopwatch = Stopwatch.StartNew();

        tb.Signal("INT");
        var exit = await tb.WaitAsync(deadline);

        Assert.Equal(130, exit);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"tb took {stopwatch.Elapsed} to stop");
        Assert.Contains("[waiting] cancelled", tb.Stdout, StringComparison.Ordinal);
        Assert.Contains("the run was interrupted before attempt 2 of 3", tb.Stdout, StringComparison.Ordinal);
        Assert.Contains("[after] skipped: the run was interrupted", tb.Stdout, StringComparison.Ordinal);
        Assert.Equal("1", File.ReadAllText(Counter));
        using var report = JsonDocument.Parse(File.ReadAllText(ReportPath));
        var pid = report.RootElement.GetProperty("steps")[0].GetProperty("attempts")[0].GetProperty("pid").GetInt32();
        Assert.Empty(await ProcessTable.SurvivorsAsync([pid]));
    }

    [Fact]
    public async Task A_bad_retry_is_a_one_line_error_with_its_file_and_line()
    {
        WriteDevFile("""
              - name: flaky
                plugin: test
                retry: { max: 2, on: [timout] }
            """);

        using var tb = Tb.Start(_directory.FullName, "run");
        var exit = await tb.WaitAsync(Deadline.After());

        Assert.Equal(2, exit);
        var line = Assert.Single(tb.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("DevFile:7:27", line, StringComparison.Ordinal);
        Assert.EndsWith("did you mean 'timeout'?", line, StringComparison.Ordinal);
    }

    private void WriteDevFile(string steps) => File.WriteAllText(Path.Combine(_directory.FullName, "DevFile"), $"""
        plugins:
          - ref: test
            path: {TestExecutables.TestPlugin}
        steps:
        {steps}
        """);
}
