using System.Text.RegularExpressions;
using TalkingBinaries.Tests;

namespace TalkingBinaries.Cli.Tests;

/// <summary>tb run on a real terminal (tmux, recorded by script): live rows per running step, and plain lines off a terminal.</summary>
public sealed partial class TbLiveSpecs : IDisposable
{
    private const string HideCursor = "\u001b[?25l";
    private const string ShowCursor = "\u001b[?25h";

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tb-live-");

    public void Dispose() => _directory.Delete(recursive: true);

    private static string DistTb
    {
        get
        {
            var path = Path.Combine(TestExecutables.RepositoryRoot, "dist", "tb");
            Assert.True(File.Exists(path), $"{path} is missing: run ./build.sh before the tests (the README's test command does)");
            return path;
        }
    }

    [Fact]
    public async Task A_running_step_shows_its_time_and_progress_bar_then_collapses_to_its_status_line()
    {
        WriteDevFile(milliseconds: 2000, parts: 4);
        using var terminal = TmuxTerminal.Start(_directory.FullName, $"{DistTb} run");
        var deadline = Deadline.After(60);

        var during = await terminal.WaitForScreenAsync("part 2 of 4 done", deadline);
        var exit = await terminal.WaitForExitAsync(deadline);
        var bytes = terminal.Bytes;
        var final = terminal.FinalScreen();
        await terminal.StopAsync();

        Assert.Equal(0, exit);

        // While it ran: the log lines above, the step's row below them with its time, a bar and its latest progress.
        Assert.Matches(LiveRow(), bytes);
        Assert.Contains("━━━━━━━━━━━━━━━━━━━━", bytes, StringComparison.Ordinal);
        var lastRow = during.TrimEnd().Split('\n')[^1];

        // The screen is read after "part 2" shows; on a loaded machine part 3 may have come by then (CI flaked at 75%).
        Assert.Matches(@"^\[slow\] +\d+\.\d s [━─]{20} +(25|50|75)% part (1|2|3) of 4$", lastRow);

        // At the end: the status line where the row was, the summary, no row left, the cursor shown again.
        Assert.Matches(@"\[slow\] succeeded \(binary execution time", final);
        Assert.Contains("run succeeded: 1 succeeded", final, StringComparison.Ordinal);
        Assert.DoesNotContain("━", final, StringComparison.Ordinal);
        Assert.DoesNotContain("─", final, StringComparison.Ordinal);
        Assert.DoesNotContain("progress:", final, StringComparison.Ordinal);
        Assert.Contains("[slow] part 4 of 4 done", final, StringComparison.Ordinal);
        Assert.True(bytes.LastIndexOf(ShowCursor, StringComparison.Ordinal) > bytes.LastIndexOf(HideCursor, StringComparison.Ordinal), "the cursor was left hidden");
        Assert.True(bytes.LastIndexOf(ShowCursor, StringComparison.Ordinal) < bytes.IndexOf("run succeeded", StringComparison.Ordinal), "the cursor came back only after the summary");
    }

    [Fact]
    public async Task Ctrl_C_takes_the_live_rows_away_and_shows_the_cursor_again()
    {
        WriteDevFile(milliseconds: 30_000, parts: 30);
        using var terminal = TmuxTerminal.Start(_directory.FullName, $"{DistTb} run");
        var deadline = Deadline.After(60);

        await terminal.WaitForScreenAsync("% part 1 of 30", deadline);
        terminal.Send("C-c");
        var exit = await terminal.WaitForExitAsync(deadline);
        var bytes = terminal.Bytes;
        var final = terminal.FinalScreen();
        await terminal.StopAsync();

        Assert.Equal(130, exit);
        Assert.Contains("tb: interrupted: stopping plugins gracefully", final, StringComparison.Ordinal);
        Assert.Contains("[slow] cancelled", final, StringComparison.Ordinal);
        Assert.Contains("run interrupted", final, StringComparison.Ordinal);
        Assert.DoesNotContain("━", final, StringComparison.Ordinal);
        Assert.DoesNotContain("─", final, StringComparison.Ordinal);
        Assert.Contains(HideCursor, bytes, StringComparison.Ordinal);
        Assert.True(bytes.LastIndexOf(ShowCursor, StringComparison.Ordinal) > bytes.LastIndexOf(HideCursor, StringComparison.Ordinal), "the cursor was left hidden");
        Assert.True(bytes.LastIndexOf(ShowCursor, StringComparison.Ordinal) < bytes.IndexOf("run interrupted", StringComparison.Ordinal), "the cursor came back only after the summary");
    }

    [Fact]
    public async Task A_quick_run_on_a_terminal_draws_no_live_rows_and_prints_one_line_per_step()
    {
        File.WriteAllText(Path.Combine(_directory.FullName, "DevFile"), $"""
            plugins:
              - ref: echo
                path: {Path.Combine(TestExecutables.RepositoryRoot, "dist", "plugin-echo")}
            steps:
              - name: first
                plugin: echo
                config:
                  say: hello
              - name: second
                plugin: echo
                config:
                  say: again
            """);
        using var terminal = TmuxTerminal.Start(_directory.FullName, $"{DistTb} run");

        var exit = await terminal.WaitForExitAsync(Deadline.After(60));
        var bytes = terminal.Bytes;
        var final = terminal.FinalScreen();
        await terminal.StopAsync();

        Assert.Equal(0, exit);
        Assert.DoesNotContain("started (plugin", final, StringComparison.Ordinal);

        // A row shows only after 150 ms; on a machine so loaded that a step took longer, a row may have come and gone.
        var stepTimes = StepTime().Matches(final)
            .Select(match => double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) * (match.Groups[2].Value == "s" ? 1000 : 1))
            .ToList();
        Assert.Equal(2, stepTimes.Count);
        if (stepTimes.All(time => time < 100))
        {
            Assert.DoesNotContain(HideCursor, bytes, StringComparison.Ordinal);
        }

        Assert.Matches(@"\[first\] hello\n\[first\] succeeded \(.*\n\[second\] again\n\[second\] succeeded \(", final);
        Assert.Contains("run succeeded: 2 succeeded", final, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Piped_output_stays_the_plain_lines_with_progress_and_no_escapes()
    {
        WriteDevFile(milliseconds: 400, parts: 2);

        using var tb = Tb.StartExecutable(_directory.FullName, DistTb, null, "run");
        var exit = await tb.WaitAsync(Deadline.After(60));

        Assert.Equal(0, exit);
        Assert.DoesNotContain("\u001b", tb.Stdout, StringComparison.Ordinal);
        // The plugin's stderr and its progress come by different pipes: each in its order, not interleaved in one.
        var lines = tb.Stdout.Split('\n');
        Assert.Matches(@"^tb: running .*DevFile \(1 step, run [^)]+\)$", lines[0]);
        Assert.Equal("[slow] started (plugin test)", lines[1]);
        Assert.Equal(
            ["[slow] part 1 of 2 done", "[slow] part 2 of 2 done", "[slow] progress: 100% part 2 of 2", "[slow] progress: 50% part 1 of 2"],
            lines[2..6].Order(StringComparer.Ordinal));
        Assert.StartsWith("[slow] succeeded (binary execution time ", lines[6], StringComparison.Ordinal);
        Assert.Equal(string.Empty, lines[7]);
    }

    private void WriteDevFile(int milliseconds, int parts) => File.WriteAllText(Path.Combine(_directory.FullName, "DevFile"), $"""
        plugins:
          - ref: test
            path: {TestExecutables.TestPlugin}
        steps:
          - name: slow
            plugin: test
            config:
              mode: progress
              ms: {milliseconds}
              lines: {parts}
        """);

    [GeneratedRegex(@"step execution time (\d+\.\d+) (ms|s)\)")]
    private static partial Regex StepTime();

    // A live row as drawn: cursor hidden or moved up, then the step, its time so far, the bar, the percentage.
    [GeneratedRegex(@"\[slow\]\u001b\[0m +\d+\.\d s \u001b\[32m━*\u001b\[0m\u001b\[2m─*\u001b\[0m +\d+% part \d of 4")]
    private static partial Regex LiveRow();
}
