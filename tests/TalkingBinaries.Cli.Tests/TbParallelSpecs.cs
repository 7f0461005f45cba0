using System.Text.RegularExpressions;
using TalkingBinaries.Tests;

namespace TalkingBinaries.Cli.Tests;

public sealed partial class TbParallelSpecs : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tb-parallel-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task Ctrl_C_during_a_run_group_stops_every_plugin_and_child_and_exits_130()
    {
        var deadline = Deadline.After();
        WriteDevFile("""
              - name: one
                plugin: test
                parallel: true
                config: { mode: hang }
              - name: two
                plugin: test
                parallel: true
                config: { mode: hang }
              - name: three
                plugin: test
                parallel: true
                config: { mode: hang }
              - name: after
                plugin: test
            """);
        using var tb = Tb.Start(_directory.FullName, "run", "--grace", "1s", "--max-parallel", "3");
        foreach (var step in new[] { "one", "two", "three" })
        {
            await tb.WaitForOutputAsync($"[{step}] hanging", deadline);
        }

        tb.Signal("INT");
        var exit = await tb.WaitAsync(deadline);

        Assert.Equal(130, exit);
        foreach (var step in new[] { "one", "two", "three" })
        {
            Assert.Contains($"[{step}] cancelled", tb.Stdout, StringComparison.Ordinal);
        }

        Assert.Contains("[after] skipped: the run was interrupted", tb.Stdout, StringComparison.Ordinal);
        Assert.Contains("run interrupted: 0 succeeded, 0 failed, 1 skipped, 3 cancelled", tb.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lines_of_concurrent_steps_interleave_only_as_whole_lines()
    {
        WriteDevFile("""
              - name: a
                plugin: test
                parallel: true
                config: { mode: stderr-flood, lines: 3000 }
              - name: b
                plugin: test
                parallel: true
                config: { mode: stderr-flood, lines: 3000 }
              - name: c
                plugin: test
                parallel: true
                config: { mode: stderr-flood, lines: 3000 }
            """);

        using var tb = await Tb.RunAsync(_directory.FullName, "run", "-j", "3");

        Assert.Equal(0, tb.ExitCode);
        var floodLines = tb.Stdout.Split('\n').Where(line => line.Contains("flood", StringComparison.Ordinal)).ToList();
        Assert.Equal(9000, floodLines.Count);
        Assert.All(floodLines, line => Assert.Matches(FloodLine(), line));
        foreach (var step in new[] { "a", "b", "c" })
        {
            var numbers = floodLines.Where(line => line.StartsWith($"[{step}]", StringComparison.Ordinal)).Select(line => int.Parse(line.Split(' ')[^1], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(Enumerable.Range(1, 3000), numbers);
        }
    }

    [Fact]
    public async Task The_shell_plugin_tells_commands_where_they_run()
    {
        WriteDevFile("""
              - name: shard0
                plugin: shell
                parallel: true
                config:
                  commands: ['echo "instance=$TB_INSTANCE of $TB_INSTANCES parallel=$TB_PARALLEL group=$TB_GROUP siblings=$TB_SIBLINGS step=$TB_STEP"']
              - name: shard1
                plugin: shell
                parallel: true
                config:
                  commands: ['echo "instance=$TB_INSTANCE of $TB_INSTANCES parallel=$TB_PARALLEL group=$TB_GROUP siblings=$TB_SIBLINGS step=$TB_STEP"']
            """);

        using var tb = await Tb.RunAsync(_directory.FullName, "run", "-j", "2");

        Assert.Equal(0, tb.ExitCode);
        Assert.Contains("[shard0] instance=0 of 2 parallel=true group=0 siblings=shard1 step=shard0", tb.Stdout, StringComparison.Ordinal);
        Assert.Contains("[shard1] instance=1 of 2 parallel=true group=0 siblings=shard0 step=shard1", tb.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_timeout_stops_the_run_and_exits_124()
    {
        WriteDevFile("""
              - name: forever
                plugin: test
                config: { mode: hang }
            """);

        using var tb = await Tb.RunAsync(_directory.FullName, "run", "--timeout", "500ms", "--grace", "1s");

        Assert.Equal(124, tb.ExitCode);
        Assert.Contains("[forever] cancelled", tb.Stdout, StringComparison.Ordinal);
        Assert.Contains("the run timed out after 500ms", tb.Stdout, StringComparison.Ordinal);
        Assert.Contains("run timed out: 0 succeeded, 0 failed, 0 skipped, 1 cancelled", tb.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_summary_names_the_step_that_failed_first()
    {
        WriteDevFile("""
              - name: breaks
                plugin: test
                parallel: true
                config: { mode: sleep, ms: 100, fail: true }
              - name: waits
                plugin: test
                parallel: true
                config: { mode: hang }
            """);

        using var tb = await Tb.RunAsync(_directory.FullName, "run", "--grace", "1s", "-j", "2");

        Assert.Equal(1, tb.ExitCode);
        Assert.Contains("run failed (step 'breaks' failed first): 0 succeeded, 1 failed, 0 skipped, 1 cancelled", tb.Stdout, StringComparison.Ordinal);
        Assert.Contains("[waits] cancelled", tb.Stdout, StringComparison.Ordinal);
        Assert.Contains("step 'breaks' failed; plugin 'test'", tb.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Step_runs_one_step_with_what_it_needs()
    {
        WriteDevFile("""
              - name: base
                plugin: test
                needs: []
                config: { mode: sleep, ms: 1 }
              - name: other
                plugin: test
                needs: []
                config: { mode: sleep, ms: 1 }
              - name: target
                plugin: test
                needs: [base]
                config: { mode: sleep, ms: 1 }
            """);

        using var tb = await Tb.RunAsync(_directory.FullName, "run", "--step", "target");

        Assert.Equal(0, tb.ExitCode);
        Assert.Contains("[base] succeeded", tb.Stdout, StringComparison.Ordinal);
        Assert.Contains("[target] succeeded", tb.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("[other]", tb.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--step", "targt", "there is no step 'targt' to run; did you mean 'target'?")]
    [InlineData("--max-parallel", "0", "--max-parallel must be at least 1, not 0")]
    [InlineData("--timeout", "forever", "tb: error: --timeout must be a duration such as 500ms, 30s, 2m, 1h or 1d, not 'forever'")]
    [InlineData("--timeout", "0s", "tb: error: --timeout must be more than zero, not '0s'")]
    public async Task Bad_run_options_exit_2_with_what_to_do(string option, string value, string message)
    {
        WriteDevFile("""
              - name: target
                plugin: test
            """);

        using var tb = await Tb.RunAsync(_directory.FullName, "run", option, value);

        Assert.Equal(2, tb.ExitCode);
        Assert.Contains(message, tb.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, tb.Stdout);
    }

    private void WriteDevFile(string steps) => File.WriteAllText(Path.Combine(_directory.FullName, "DevFile"), $"""
        plugins:
          - ref: test
            path: {TestExecutables.TestPlugin}
          - ref: shell
            path: {TestExecutables.Shell}
        steps:
        {steps}
        """);

    [GeneratedRegex(@"^\[[abc]\] flood line \d+$")]
    private static partial Regex FloodLine();
}
