using System.Text.Json;
using TalkingBinaries.Tests;

namespace TalkingBinaries.Cli.Tests;

/// <summary><c>tb plugin check</c>: a table (or JSON) of conformance scenarios, exit 0 when none fails, 1 when one does, 2 for usage errors.</summary>
public sealed class TbPluginCheckSpecs : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tb-check-");

    public void Dispose() => _directory.Delete(recursive: true);

    /// <summary>Every executable under examples/plugins, whatever its language: a new example is checked without a change here.</summary>
    public static TheoryData<string> ExamplePlugins()
    {
        var plugins = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(TestExecutables.RepositoryRoot, "examples", "plugins"), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if ((File.GetUnixFileMode(file) & UnixFileMode.UserExecute) != 0)
            {
                plugins.Add(Path.GetRelativePath(TestExecutables.RepositoryRoot, file));
            }
        }

        return plugins;
    }

    [Fact]
    public async Task The_echo_plugin_conforms_and_the_table_gives_each_scenario_a_reason()
    {
        using var tb = await Tb.RunAsync(_directory.FullName, "plugin", "check", TestExecutables.Echo, "--config", """{"say":"hi"}""");

        Assert.Equal(0, tb.ExitCode);
        var lines = tb.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith($"tb: checking {TestExecutables.Echo} (13 scenarios", lines[0], StringComparison.Ordinal);
        Assert.Matches(@"^SCENARIO +RESULT +TIME +REASON$", lines[1]);
        Assert.Matches(@"^handshake +pass +[\d.]+ m?s +chose protocol 1 of \[1\]; echo 1\.0\.0: warm, maxConcurrency 64, cancel true$", lines[2]);
        Assert.Matches(@"^cancel +skip ", lines[9]);
        Assert.Matches(@"^unknown-method +pass .*-32601", lines[13]);
        Assert.Matches(@"^plugin-echo conforms: 12 passed, 0 failed, 1 skipped", lines[^1]);
        Assert.Empty(tb.Stderr);
    }

    [Fact]
    public async Task A_failing_scenario_exits_1_and_says_why()
    {
        using var tb = await Tb.RunAsync(_directory.FullName, "plugin", "check", TestExecutables.TestPlugin, "--config", """{"mode":"garbage-stdout"}""", "--timeout", "3s");

        Assert.Equal(1, tb.ExitCode);
        Assert.Matches(@"\nstdout +FAIL .*the first: ""this is not json""", tb.Stdout);
        Assert.Contains("does not conform", tb.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_a_slow_config_the_shell_plugin_passes_cancel_too()
    {
        using var tb = await Tb.RunAsync(_directory.FullName, "plugin", "check", TestExecutables.Shell, "--slow-config", """{"commands":["sleep 30"]}""");

        Assert.Equal(0, tb.ExitCode);
        Assert.Matches(@"\ncancel +pass .*answered 'cancelled'", tb.Stdout);
        Assert.Contains("13 passed, 0 failed, 0 skipped", tb.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_prints_one_document_with_every_scenario()
    {
        using var tb = await Tb.RunAsync(_directory.FullName, "plugin", "check", TestExecutables.Echo, "--json");

        Assert.Equal(0, tb.ExitCode);
        using var report = JsonDocument.Parse(tb.Stdout);
        Assert.True(report.RootElement.GetProperty("passed").GetBoolean());
        Assert.Equal(TestExecutables.Echo, report.RootElement.GetProperty("plugin").GetString());
        var scenarios = report.RootElement.GetProperty("scenarios").EnumerateArray().ToList();
        Assert.Equal(13, scenarios.Count);
        Assert.Equal(("handshake", "passed"), (scenarios[0].GetProperty("name").GetString(), scenarios[0].GetProperty("outcome").GetString()));
        Assert.Equal("skipped", scenarios[7].GetProperty("outcome").GetString());
        Assert.True(scenarios[0].GetProperty("elapsedMs").GetDouble() > 0);
    }

    [Fact]
    public async Task Ctrl_C_stops_the_check_and_every_process_it_started_and_exits_130()
    {
        var deadline = Deadline.After(60);
        using var tb = Tb.Start(_directory.FullName, "plugin", "check", TestExecutables.TestPlugin, "--timeout", "60s");

        // The test plugin ignores the missing cookie: the cookie scenario waits, with the plugin running, for the interrupt.
        await tb.WaitForOutputAsync("\nversion-negotiation ", deadline);
        tb.Signal("INT");

        Assert.Equal(130, await tb.WaitAsync(deadline));
        Assert.Contains("tb: interrupted: stopping plugins gracefully", tb.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("\ncookie ", tb.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ExamplePlugins))]
    public async Task Every_example_plugin_conforms(string plugin)
    {
        using var tb = await Tb.RunAsync(_directory.FullName, "plugin", "check", Path.Combine(TestExecutables.RepositoryRoot, plugin), "--config", """{"text":"the quick brown fox"}""", "--slow-config", """{"text":"the quick brown fox","seconds":30}""", "--timeout", "10s");

        Assert.True(tb.ExitCode == 0, tb.Stdout + tb.Stderr);
        Assert.DoesNotContain("FAIL", tb.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("no-such-plugin", "no such file; give the path of a plugin executable")]
    [InlineData(".", "is a directory; give the plugin executable itself")]
    public async Task A_path_that_is_no_executable_file_is_a_usage_error(string path, string message)
    {
        using var tb = await Tb.RunAsync(_directory.FullName, "plugin", "check", path);

        Assert.Equal(2, tb.ExitCode);
        Assert.EndsWith(message + "\n", tb.Stderr, StringComparison.Ordinal);
        Assert.StartsWith("tb: error: ", tb.Stderr, StringComparison.Ordinal);
        Assert.Single(tb.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task A_file_without_the_execute_bit_is_a_usage_error_that_says_chmod()
    {
        var script = Path.Combine(_directory.FullName, "plugin.sh");
        File.WriteAllText(script, "#!/bin/sh\n");

        using var tb = await Tb.RunAsync(_directory.FullName, "plugin", "check", "plugin.sh");

        Assert.Equal(2, tb.ExitCode);
        Assert.Equal($"tb: error: {script} is not executable; make it so with 'chmod +x plugin.sh' (a script also needs a #! line)\n", tb.Stderr);
    }

    [Theory]
    [InlineData("--config", "{not json", "tb: error: --config is not valid JSON (")]
    [InlineData("--config", "[1, 2]", "tb: error: --config must be a JSON object such as '{\"say\":\"hi\"}', not array [1, 2]")]
    [InlineData("--slow-config", "\"sleep\"", "tb: error: --slow-config must be a JSON object")]
    [InlineData("--timeout", "soon", "tb: error: --timeout ")]
    [InlineData("--timeout", "0s", "tb: error: --timeout must be more than zero, not '0s'")]
    public async Task A_bad_option_is_one_line_and_exit_code_2(string option, string value, string start)
    {
        using var tb = await Tb.RunAsync(_directory.FullName, "plugin", "check", TestExecutables.Echo, option, value);

        Assert.Equal(2, tb.ExitCode);
        Assert.StartsWith(start, tb.Stderr, StringComparison.Ordinal);
        Assert.Single(tb.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("   at ", tb.Stderr, StringComparison.Ordinal);
        Assert.Empty(tb.Stdout);
    }
}
