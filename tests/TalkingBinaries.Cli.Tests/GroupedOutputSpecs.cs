using System.Globalization;
using TalkingBinaries.Tests;

namespace TalkingBinaries.Cli.Tests;

public sealed class GroupedOutputSpecs : IDisposable
{
    // Each step writes its lines slowly, so the two steps' lines interleave when shown as they come.
    private const string SlowLines = """
          - name: a
            plugin: shell
            parallel: true
            config:
              commands: ['for i in 1 2 3 4 5; do echo "$TB_STEP line $i"; sleep 0.05; done']
          - name: b
            plugin: shell
            parallel: true
            config:
              commands: ['for i in 1 2 3 4 5; do echo "$TB_STEP line $i"; sleep 0.05; done']
        """;

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tb-grouped-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task Grouped_output_shows_each_steps_lines_as_one_block_that_parallel_steps_never_split()
    {
        WriteDevFile(SlowLines);

        using var tb = await Tb.RunAsync(_directory.FullName, "run", "--output", "grouped", "-j", "2");

        Assert.Equal(0, tb.ExitCode);
        var lines = tb.Stdout.Split('\n');
        foreach (var step in new[] { "a", "b" })
        {
            var start = Array.IndexOf(lines, $"[{step}] started (plugin shell)");
            Assert.True(start >= 0, tb.Stdout);
            Assert.Equal(Enumerable.Range(1, 5).Select(i => $"[{step}] {step} line {i}"), lines[(start + 1)..(start + 6)]);
            Assert.StartsWith($"[{step}] succeeded (", lines[start + 6], StringComparison.Ordinal);
        }

        Assert.StartsWith("tb: running ", lines[0], StringComparison.Ordinal);
        Assert.Contains("\nrun succeeded: 2 succeeded, 0 failed, 0 skipped, 0 cancelled in ", tb.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("::", tb.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prefixed_output_stays_the_default_and_shows_lines_as_they_come()
    {
        WriteDevFile(SlowLines);

        using var tb = await Tb.RunAsync(_directory.FullName, "run", "-j", "2");

        Assert.Equal(0, tb.ExitCode);
        var lines = tb.Stdout.Split('\n').ToList();
        var aStarted = lines.IndexOf("[a] started (plugin shell)");
        var aFinished = lines.FindIndex(line => line.StartsWith("[a] succeeded (", StringComparison.Ordinal));
        Assert.Contains(lines[aStarted..aFinished], line => line.StartsWith("[b] b line", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_step_that_floods_is_shown_whole_and_in_order_and_leaves_no_temporary_file()
    {
        // 300,000 lines of about 20 characters each are well past what a step holds in memory (2 Mi characters).
        const int Count = 300_000;
        var temporary = _directory.CreateSubdirectory("tmp");
        WriteDevFile($$"""
              - name: a
                plugin: test
                parallel: true
                config: { mode: stderr-flood, lines: {{Count}} }
              - name: b
                plugin: test
                parallel: true
                config: { mode: stderr-flood, lines: {{Count}} }
            """);

        using var tb = Tb.StartExecutable(_directory.FullName, TestExecutables.Tb, new Dictionary<string, string> { ["TMPDIR"] = temporary.FullName }, "run", "--output", "grouped", "-j", "2");
        var exit = await tb.WaitAsync(Deadline.After(120));

        Assert.Equal(0, exit);
        var lines = tb.Stdout.Split('\n');
        foreach (var step in new[] { "a", "b" })
        {
            var start = Array.IndexOf(lines, $"[{step}] started (plugin test)");
            Assert.True(start >= 0, tb.Stderr);
            var block = lines[(start + 1)..(start + 1 + Count)];
            Assert.True(block.Select((line, i) => line == $"[{step}] flood line {(i + 1).ToString(CultureInfo.InvariantCulture)}").All(same => same), $"the lines of {step} are not whole and in order");
            Assert.StartsWith($"[{step}] succeeded (", lines[start + 1 + Count], StringComparison.Ordinal);
        }

        Assert.Empty(temporary.EnumerateFileSystemInfos());
    }

    [Fact]
    public async Task An_unknown_output_is_a_one_line_usage_error()
    {
        WriteDevFile(SlowLines);

        using var tb = await Tb.RunAsync(_directory.FullName, "run", "--output", "json");

        Assert.Equal(2, tb.ExitCode);
        Assert.Equal("tb: error: --output must be 'prefixed' or 'grouped', not 'json' (see tb run --help)\n", tb.Stderr);
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
}
