using System.Text.RegularExpressions;
using TalkingBinaries.Tests;

namespace TalkingBinaries.Cli.Tests;

/// <summary>tb run --report-html and tb report --html, through the native build in dist, and the page in a real browser.</summary>
public sealed partial class TbTimelineSpecs : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tb-timeline-");

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
    public async Task Run_with_report_html_writes_one_page_with_every_step_its_logs_and_no_injected_markup()
    {
        WriteParallelDevFile();
        var page = Path.Combine(_directory.FullName, "timeline.html");

        using var tb = await RunAsync("run", "--report-html", page);

        Assert.Equal(1, tb.ExitCode);
        var html = await File.ReadAllTextAsync(page);
        Assert.Matches(@"id=""run-status"">failed<", html);
        Assert.Matches(@"class=""bar s-succeeded""[^>]*data-step=""left""", html);
        Assert.Matches(@"class=""bar s-failed""[^>]*data-step=""right""", html);
        Assert.Contains("href=\"#step-2\"", html, StringComparison.Ordinal);

        // left and right ran at the same time, so they are in two lanes; left ends before right fails, which would cancel it.
        Assert.NotEqual(Lane(html, "left"), Lane(html, "right"));
        Assert.Contains("left says hello", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;document.title=&#39;owned&#39;&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Single(ScriptTag().Matches(html));
        Assert.Contains("the token is ***", html, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-secret", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unwritable_report_html_is_one_line_error_before_anything_runs()
    {
        WriteParallelDevFile();
        var page = Path.Combine(_directory.FullName, "no-such-directory", "timeline.html");

        using var tb = await RunAsync("run", "--report-html", page);

        Assert.Equal(2, tb.ExitCode);
        Assert.Equal($"tb: error: cannot write the HTML report to {page}: ", tb.Stderr.TrimEnd('\n').Split('\n').Single()[..(page.Length + 45)]);
        Assert.Contains("fix --report-html before running", tb.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("[left]", tb.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tb_report_draws_a_json_report_as_a_page_without_logs()
    {
        WriteParallelDevFile();
        var json = Path.Combine(_directory.FullName, "report.json");
        var page = Path.Combine(_directory.FullName, "from-json.html");
        using var run = await RunAsync("run", "--report", json);

        using var tb = await RunAsync("report", json, "--html", page);

        Assert.Equal(0, tb.ExitCode);
        Assert.Equal($"tb: wrote {page}\n", tb.Stdout);
        var html = await File.ReadAllTextAsync(page);
        Assert.Matches(@"class=""bar s-failed""[^>]*data-step=""right""", html);
        Assert.NotEqual(Lane(html, "left"), Lane(html, "right"));
        Assert.Contains("This report has no log lines", html, StringComparison.Ordinal);
        Assert.Contains("<code>the key is ***</code>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-secret", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tb_report_names_the_file_and_line_of_a_report_it_cannot_read()
    {
        var json = Path.Combine(_directory.FullName, "broken.json");
        await File.WriteAllTextAsync(json, "{\n  \"runId\": \"x\",\n  \"steps\": [ oops ]\n}\n");
        var missing = Path.Combine(_directory.FullName, "missing.json");
        var page = Path.Combine(_directory.FullName, "page.html");

        using var broken = await RunAsync("report", json, "--html", page);
        using var absent = await RunAsync("report", missing, "--html", page);

        Assert.Equal(2, broken.ExitCode);
        Assert.StartsWith($"tb: error: {json}:3: not a report of tb run --report (", broken.Stderr, StringComparison.Ordinal);
        Assert.Single(broken.Stderr.TrimEnd('\n').Split('\n'));
        Assert.Equal(2, absent.ExitCode);
        Assert.Equal($"tb: error: {missing}: no such file; pass a report written by tb run --report FILE\n", absent.Stderr);
        Assert.False(File.Exists(page));
    }

    [ChromiumFact]
    public async Task The_page_renders_in_headless_chromium_with_its_bars_and_script()
    {
        WriteParallelDevFile();
        var page = Path.Combine(_directory.FullName, "timeline.html");
        using var run = await RunAsync("run", "--report-html", page);
        var png = Path.Combine(_directory.FullName, "timeline.png");

        var dom = await Chromium.DumpDomAsync(page, Deadline.After(60));
        await Chromium.ScreenshotAsync(page, png, 1200, 800, Deadline.After(60));

        // data-ready and the tooltip element are set by the page's script, so it ran; the escaped line stayed text.
        Assert.Contains("data-ready=\"true\"", dom, StringComparison.Ordinal);
        Assert.Contains("<div id=\"tip\" class=\"tip\" hidden=\"\"></div>", dom, StringComparison.Ordinal);
        Assert.Equal(2, BarTag().Count(dom));
        Assert.Contains("&lt;script&gt;document.title='owned'&lt;/script&gt;", dom, StringComparison.Ordinal);
        Assert.DoesNotContain("<title>owned</title>", dom, StringComparison.Ordinal);
        var image = await File.ReadAllBytesAsync(png);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], image[..4]);
        Assert.Equal(1200, ReadBigEndian(image, 16));
        Assert.Equal(800, ReadBigEndian(image, 20));

        // A blank page compresses to almost nothing; bars, text and colours do not.
        Assert.True(image.Length > 20_000, $"the screenshot is {image.Length} bytes: the page looks blank");
    }

    private void WriteParallelDevFile()
    {
        File.WriteAllText(Path.Combine(_directory.FullName, "DevFile"), $"""
            plugins:
              - ref: shell
                path: {Path.Combine(TestExecutables.RepositoryRoot, "dist", "plugin-shell")}
            vars:
              note: the key is hunter2-secret
            steps:
              - name: left
                parallel: true
                plugin: shell
                config:
                  commands:
                    - echo "left says hello"
                    - sleep 0.2
              - name: right
                parallel: true
                plugin: shell
                config:
                  commands:
                    - echo "<script>document.title='owned'</script>"
                    - echo "the token is $TOKEN"
                    - sleep 1
                    - exit 3
                  env:
                    TOKEN: "${"{{"} secrets.token {"}}"}"
              - name: after
                plugin: shell
                config:
                  commands:
                    - echo never
            """);
        File.WriteAllText(Path.Combine(_directory.FullName, "secrets.yaml"), "secrets:\n  token: hunter2-secret\n");
    }

    private async Task<Tb> RunAsync(params string[] arguments)
    {
        string[] all = arguments[0] == "run" ? [.. arguments, "--var-file", Path.Combine(_directory.FullName, "secrets.yaml")] : arguments;
        var tb = Tb.StartExecutable(_directory.FullName, DistTb, null, all);
        await tb.WaitAsync(Deadline.After(60));
        return tb;
    }

    private static string Lane(string html, string step) => Regex.Match(html, $@"data-step=""{step}"" data-lane=""(\d+)""").Groups[1].Value;

    private static int ReadBigEndian(byte[] bytes, int offset) => (bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3];

    [GeneratedRegex("<script>")]
    private static partial Regex ScriptTag();

    [GeneratedRegex(@"<div class=""bar ")]
    private static partial Regex BarTag();
}
