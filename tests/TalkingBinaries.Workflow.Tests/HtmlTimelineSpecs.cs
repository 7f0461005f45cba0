using System.Text.Json;
using System.Text.RegularExpressions;
using TalkingBinaries.Hosting;
using TalkingBinaries.Protocol.Messages;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Reporting;

namespace TalkingBinaries.Workflow.Tests;

/// <summary>The HTML timeline of a run: where bars go, what is escaped, and how much of a step's log is kept.</summary>
public sealed partial class HtmlTimelineSpecs
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Overlapping_steps_go_to_different_lanes_and_a_later_step_takes_the_first_free_one()
    {
        var report = Report(
            Ran("build", 0, 1000),
            Ran("lint", 100, 300),
            Ran("docs", 200, 900),
            Ran("test", 500, 1200),
            Ran("package", 1300, 200),
            Skipped("publish"));

        var bars = TimelineLayout.Place(report).ToDictionary(bar => bar.Step.Name, bar => bar.Lane);

        Assert.Equal(0, bars["build"]);
        Assert.Equal(1, bars["lint"]);
        Assert.Equal(2, bars["docs"]);

        // lint has ended by 500 ms, so test reuses its lane; package starts after everything and goes back to the top.
        Assert.Equal(1, bars["test"]);
        Assert.Equal(0, bars["package"]);
        Assert.False(bars.ContainsKey("publish"));
    }

    [Fact]
    public void Steps_one_after_another_share_one_lane()
    {
        var report = Report(Ran("a", 0, 100), Ran("b", 100, 100), Ran("c", 200, 100));

        Assert.All(TimelineLayout.Place(report), bar => Assert.Equal(0, bar.Lane));
    }

    [Fact]
    public void The_page_places_each_bar_by_its_offset_and_lane_and_lists_steps_that_never_started()
    {
        var report = Report(Ran("build", 0, 1000), Ran("lint", 500, 500), Skipped("publish"));

        var html = Render(report, logs: null);

        Assert.Matches(@"<div class=""bar s-succeeded"" id=""bar-0"" data-step=""build"" data-lane=""0"" data-start-ms=""0"" data-duration-ms=""1000""[^>]*style=""left:0%;width:50%;top:0px""", html);
        Assert.Matches(@"<div class=""bar s-failed"" id=""bar-1"" data-step=""lint"" data-lane=""1"" data-start-ms=""500""[^>]*style=""left:25%;width:25%;top:30px""", html);
        Assert.DoesNotContain("data-step=\"publish\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"#step-2\"", html, StringComparison.Ordinal);
        Assert.Contains("<span>0 ms</span>", html, StringComparison.Ordinal);
        Assert.Contains("<span>2 s</span>", html, StringComparison.Ordinal);
        Assert.Contains("This report has no log lines", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_failed_attempt_of_a_retried_step_is_a_failed_segment_of_its_bar_with_its_error_in_the_tooltip()
    {
        StepAttempt Attempt(int number, double startMs, double durationMs, StepStatus status, string? error) => new()
        {
            Attempt = number,
            Status = status,
            ExitCode = error is null ? null : 3,
            StartedAt = Start.AddMilliseconds(startMs),
            FinishedAt = Start.AddMilliseconds(startMs + durationMs),
            Error = error,
        };
        var flaky = Ran("flaky", 0, 1000) with
        {
            Attempts = [Attempt(1, 0, 100, StepStatus.Failed, "attempt 1 failed <boom>"), Attempt(2, 200, 300, StepStatus.Failed, "attempt 2 failed"), Attempt(3, 750, 250, StepStatus.Succeeded, null)],
        };
        var report = Report(flaky, Ran("plain", 1000, 500) with { Attempts = [Attempt(1, 1000, 500, StepStatus.Succeeded, null)] });

        var html = Render(report, logs: null);

        var bar = Regex.Match(html, @"<div class=""bar s-succeeded"" id=""bar-0"".*?<span>flaky</span></div>", RegexOptions.Singleline).Value;
        Assert.Equal(
            ["1 left:0%;width:10%", "2 left:20%;width:30%"],
            Regex.Matches(bar, @"<div class=""attempt s-failed"" data-attempt=""(\d)""[^>]* style=""([^""]*)""></div>").Select(match => $"{match.Groups[1].Value} {match.Groups[2].Value}"));
        Assert.Contains("data-tip=\"flaky: attempt 1 of 3 failed (exit code 3)\nstarted +0 ms, took 100 ms\nattempt 1 failed &lt;boom&gt;\"", bar, StringComparison.Ordinal);
        Assert.DoesNotContain("data-attempt=\"3\"", html, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Count(html, "class=\"attempt "));
    }

    [Fact]
    public void Text_from_the_run_is_escaped_so_a_log_line_with_a_script_tag_shows_as_text()
    {
        const string Attack = "<script>alert('x')</script>";
        var report = Report(Ran("step \"<u>\"", 0, 10) with { Outputs = Values(("out", Attack)), Error = Attack }) with { Variables = Values(("v<i>", Attack)) };
        var logs = new Dictionary<string, StepLogs>
        {
            ["step \"<u>\""] = new([new LogLine(Start, LogLevels.Info, Attack), new LogLine(Start, "<x>", "a & b")], Omitted: 0),
        };

        var html = Render(report, logs);

        // Only the page's own script is there; every <script> from the run became &lt;script&gt;.
        Assert.Single(ScriptTag().Matches(html));
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("data-step=\"step &quot;&lt;u&gt;&quot;\"", html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"l-&lt;x&gt;\">", html, StringComparison.Ordinal);
        Assert.Contains("a &amp; b", html, StringComparison.Ordinal);
        Assert.Contains("v&lt;i&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<u>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<i>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void The_page_loads_nothing_from_elsewhere()
    {
        var html = Render(Report(Ran("a", 0, 10)), logs: null);

        Assert.Contains("default-src 'none'", html, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"(src|href)=""(https?:)?//", html);
    }

    [Fact]
    public void The_collector_keeps_the_last_lines_of_a_flooding_step_and_counts_those_it_dropped()
    {
        var collector = new StepLogCollector(maxLines: 100, maxChars: 1000);
        var flood = Step("flood");
        var quiet = Step("quiet");

        for (var i = 0; i < 5000; i++)
        {
            collector.StepLog(flood, Line($"line {i}"));
        }

        collector.StepLog(quiet, Line(new string('x', 5000)));

        var logs = collector.Logs;
        Assert.Equal(100, logs["flood"].Lines.Count);
        Assert.Equal(4900, logs["flood"].Omitted);
        Assert.Equal("line 4999", logs["flood"].Lines[^1].Text);
        Assert.Equal("line 4900", logs["flood"].Lines[0].Text);

        // One line longer than the whole cap keeps its end.
        Assert.Equal(1000, logs["quiet"].Lines.Single().Text.Length);
        Assert.Contains("4900 earlier lines left out", Render(Report(Ran("flood", 0, 10)), logs), StringComparison.Ordinal);
    }

    [Fact]
    public void The_collector_also_bounds_a_step_by_the_size_of_its_lines()
    {
        var collector = new StepLogCollector(maxLines: 1000, maxChars: 100);
        var step = Step("wide");

        for (var i = 0; i < 50; i++)
        {
            collector.StepLog(step, Line(new string((char)('a' + (i % 26)), 30)));
        }

        var kept = collector.Logs["wide"];
        Assert.Equal(3, kept.Lines.Count);
        Assert.Equal(47, kept.Omitted);
    }

    [Theory]
    [InlineData(1000, 100)]
    [InlineData(2500, 500)]
    [InlineData(7, 1)]
    [InlineData(95_000, 10_000)]
    public void The_axis_has_round_ticks_from_zero_to_the_end_of_the_run(double span, double step)
    {
        var ticks = TimelineLayout.Ticks(span);

        Assert.Equal(0, ticks[0]);
        Assert.InRange(ticks.Count, 2, 11);
        Assert.All(ticks.Zip(ticks.Skip(1)), pair => Assert.Equal(step, pair.Second - pair.First, 6));
        Assert.True(ticks[^1] <= span && ticks[^1] + step > span);
    }

    private static string Render(RunReport report, IReadOnlyDictionary<string, StepLogs>? logs)
    {
        using var writer = new StringWriter();
        HtmlTimeline.Write(writer, report, logs);
        return writer.ToString();
    }

    private static RunReport Report(params StepReport[] steps) => new()
    {
        RunId = "run-1",
        DevFile = "/work/project/DevFile",
        Status = steps.Any(step => step.Status == StepStatus.Failed) ? RunStatus.Failed : RunStatus.Succeeded,
        StartedAt = Start,
        FinishedAt = Start.AddMilliseconds(2000),
        DurationMs = 2000,
        Steps = steps,
    };

    // Every second step fails, so the page has more than one colour.
    private static StepReport Ran(string name, double startMs, double durationMs) => new()
    {
        Name = name,
        Plugin = "shell",
        Status = name == "lint" ? StepStatus.Failed : StepStatus.Succeeded,
        StartedAt = Start.AddMilliseconds(startMs),
        FinishedAt = Start.AddMilliseconds(startMs + durationMs),
        StepTimeMs = durationMs,
    };

    private static StepReport Skipped(string name) => new() { Name = name, Plugin = "shell", Status = StepStatus.Skipped, Error = "step 'lint' failed" };

    private static Dictionary<string, JsonElement> Values(params (string Name, string Value)[] values) =>
        values.ToDictionary(value => value.Name, value => JsonSerializer.SerializeToElement(value.Value, TalkingBinaries.Workflow.Expressions.ExpressionJsonContext.Default.String));

    private static StepDefinition Step(string name) => new(name, "shell", default, Parallel: false, new SourceLocation("DevFile", 1, 1));

    private static PluginLogEvent Line(string text) => new("shell", 1, null, Start, PluginLogSource.Stderr, LogLevels.Info, text);

    [GeneratedRegex("<script>")]
    private static partial Regex ScriptTag();
}
