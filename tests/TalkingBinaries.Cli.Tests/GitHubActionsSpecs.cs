using System.Text.RegularExpressions;
using TalkingBinaries.Tests;

namespace TalkingBinaries.Cli.Tests;

public sealed partial class GitHubActionsSpecs : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tb-github-");

    public void Dispose() => _directory.Delete(recursive: true);

    private string SummaryPath => Path.Combine(_directory.FullName, "summary.md");

    [Fact]
    public async Task Each_step_is_a_group_and_a_failed_step_an_error_annotation_and_a_row_of_the_job_summary()
    {
        WriteDevFile("""
              - name: one
                plugin: shell
                parallel: true
                config:
                  commands: ['for i in 1 2 3; do echo "$TB_STEP $i"; sleep 0.05; done']
              - name: two
                plugin: shell
                parallel: true
                config:
                  commands: ['for i in 1 2 3; do echo "$TB_STEP $i"; sleep 0.05; done']
              - name: "build: linux, x64"
                plugin: shell
                config:
                  commands: ['echo "a|b, 100%" >&2 && exit 3']
            """);
        File.WriteAllText(SummaryPath, "before\n");

        using var tb = await RunAsync(null, "run", "-j", "2");

        Assert.Equal(1, tb.ExitCode);
        var lines = tb.Stdout.Split('\n');
        foreach (var step in new[] { "one", "two" })
        {
            var group = Array.IndexOf(lines, $"::group::{step}");
            Assert.True(group >= 0, tb.Stdout);
            Assert.Equal(
                [$"[{step}] started (plugin shell)", $"[{step}] {step} 1", $"[{step}] {step} 2", $"[{step}] {step} 3"],
                lines[(group + 1)..(group + 5)]);
            Assert.StartsWith($"[{step}] succeeded (", lines[group + 5], StringComparison.Ordinal);
            Assert.Equal("::endgroup::", lines[group + 6]);
        }

        const string Failure = """command 1 of 1 failed with exit code 3: echo "a|b, 100%" >&2 && exit 3""";
        var build = Array.IndexOf(lines, "::group::build: linux, x64");
        Assert.True(build >= 0, tb.Stdout);
        Assert.Equal(["[build: linux, x64] started (plugin shell)", "[build: linux, x64] warning: a|b, 100%"], lines[(build + 1)..(build + 3)]);
        Assert.Contains($": {Failure} [command_failed]", lines[build + 3], StringComparison.Ordinal);
        Assert.Equal("::endgroup::", lines[build + 4]);
        Assert.StartsWith("""::error title=build%3A linux%2C x64 failed::command 1 of 1 failed with exit code 3: echo "a|b, 100%25" >&2 && exit 3 [command_failed] (plugin 'shell', pid """, lines[build + 5], StringComparison.Ordinal);
        Assert.Single(lines, line => line.StartsWith("::error", StringComparison.Ordinal));

        var summary = File.ReadAllText(SummaryPath).Split('\n');
        Assert.Equal(["before", "### tb run failed", string.Empty, "| Step | Plugin | Status | Duration | Error |", "| --- | --- | --- | ---: | --- |"], summary[..5]);
        Assert.Matches(Row("one", "✅ succeeded", string.Empty), summary[5]);
        Assert.Matches(Row("two", "✅ succeeded", string.Empty), summary[6]);
        Assert.Matches(Row("build: linux, x64", "❌ failed", Regex.Escape(Failure.Replace("|", "\\|", StringComparison.Ordinal)) + @" \[command_failed] \(plugin 'shell', pid \d+\)"), summary[7]);
        Assert.Equal(string.Empty, summary[8]);
        Assert.StartsWith("**run failed** (step 'build: linux, x64' failed first): 2 succeeded, 1 failed, 0 skipped, 0 cancelled in ", summary[9], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("grouped")]
    [InlineData("prefixed")]
    public async Task Every_secret_is_masked_with_add_mask_before_any_line_that_could_hold_it(string output)
    {
        File.WriteAllText(Path.Combine(_directory.FullName, "vars.yaml"), """
            secrets:
              key: |
                first line
                second line
              password: "correct horse, 100%"
            """);
        WriteDevFile("""
              - name: registers
                plugin: test
                config: { mode: set-var, name: token, value: plain, register: "plugin-secret-42" }
              - name: leak
                plugin: shell
                config:
                  commands: ['echo "pw=$PASSWORD"', 'printf "%s\n" "$KEY"']
                  env:
                    PASSWORD: ${{ secrets.password }}
                    KEY: ${{ secrets.key }}
            """);

        using var tb = await RunAsync(null, "run", "--var-file", "vars.yaml", "--output", output);

        Assert.Equal(0, tb.ExitCode);
        var lines = tb.Stdout.Split('\n').ToList();
        var running = lines.FindIndex(line => line.StartsWith("tb: running ", StringComparison.Ordinal));
        Assert.True(running >= 0, tb.Stdout);
        foreach (var mask in new[] { "correct horse, 100%25", "first line%0Asecond line%0A", "first line", "second line" })
        {
            var told = lines.IndexOf($"::add-mask::{mask}");
            Assert.InRange(told, 0, running - 1);
        }

        var pluginMask = lines.IndexOf("::add-mask::plugin-secret-42");
        var shown = lines.FindIndex(line => line.Contains("the registered secret is", StringComparison.Ordinal));
        Assert.InRange(pluginMask, 0, shown - 1);
        Assert.Equal("[registers] the registered secret is ***", lines[shown]);
        Assert.Contains("[leak] pw=***", lines);
        Assert.Equal(2, lines.Count(line => line == "[leak] ***"));
        foreach (var secret in new[] { "plugin-secret-42", "correct horse", "first line", "second line" })
        {
            Assert.All(lines.Where(line => line.Contains(secret, StringComparison.Ordinal)), line => Assert.StartsWith("::add-mask::", line, StringComparison.Ordinal));
        }

        Assert.Equal(output == "grouped", tb.Stdout.Contains("::group::leak\n", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_timed_out_run_is_an_error_annotation()
    {
        WriteDevFile("""
              - name: forever
                plugin: test
                config: { mode: hang }
            """);

        using var tb = await RunAsync(null, "run", "--timeout", "500ms", "--grace", "1s");

        Assert.Equal(124, tb.ExitCode);
        Assert.Contains("\n::group::forever\n[forever] started (plugin test)\n", tb.Stdout, StringComparison.Ordinal);
        Assert.Matches(TimedOut(), tb.Stdout);
        Assert.Single(tb.Stdout.Split('\n'), line => line.StartsWith("::error", StringComparison.Ordinal));
        Assert.Contains("### tb run timed out\n", File.ReadAllText(SummaryPath), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_summary_that_cannot_be_written_is_one_line_on_stderr_and_the_run_still_succeeds()
    {
        WriteDevFile("""
              - name: one
                plugin: shell
                config:
                  commands: ['echo hi']
            """);
        var missing = Path.Combine(_directory.FullName, "no-such-directory", "summary.md");

        using var tb = await RunAsync(missing, "run");

        Assert.Equal(0, tb.ExitCode);
        Assert.StartsWith($"tb: warning: cannot write the job summary to {missing} (GITHUB_STEP_SUMMARY): ", tb.Stderr, StringComparison.Ordinal);
        Assert.Single(tb.Stderr.TrimEnd('\n').Split('\n'));
        Assert.Contains("\n::group::one\n", tb.Stdout, StringComparison.Ordinal);
    }

    private async Task<Tb> RunAsync(string? summaryPath, params string[] arguments)
    {
        var environment = new Dictionary<string, string> { ["GITHUB_ACTIONS"] = "true", ["GITHUB_STEP_SUMMARY"] = summaryPath ?? SummaryPath };
        var tb = Tb.StartExecutable(_directory.FullName, TestExecutables.Tb, environment, arguments);
        await tb.WaitAsync(Deadline.After(60));
        return tb;
    }

    /// <summary>A pattern for a summary row; <paramref name="error"/> is a pattern itself.</summary>
    private static string Row(string step, string status, string error) =>
        $@"^\| {Regex.Escape(step)} \| shell \| {Regex.Escape(status)} \| \d+\.\d+ m?s \| {error} \|$";

    [GeneratedRegex(@"\n::error title=tb run timed out::the run took longer than --timeout 500ms and was stopped after \d+\.\d+ m?s\n")]
    private static partial Regex TimedOut();

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
