using System.Text.Json;
using TalkingBinaries.Tests;

namespace TalkingBinaries.Cli.Tests;

public sealed class EventStreamSpecs : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tb-events-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task Events_go_to_a_file_as_json_lines_in_order_with_secrets_masked()
    {
        WriteTalkingDevFile();
        var events = Path.Combine(_directory.FullName, "events.jsonl");

        using var tb = await Tb.RunAsync(_directory.FullName, "run", "--events", events, "--var-file", "vars.yaml");

        Assert.Equal(0, tb.ExitCode);
        Assert.Contains("[leak] password: ***", tb.Stdout, StringComparison.Ordinal);
        var text = File.ReadAllText(events);
        Assert.DoesNotContain("correct horse", text, StringComparison.Ordinal);
        var lines = Parse(text);
        AssertInOrder(lines, ["greet", "leak"]);
        Assert.Contains(lines, line => Type(line) == "log" && Step(line) == "leak" && line.GetProperty("text").GetString() == "password: ***");
        Assert.Contains(lines, line => Type(line) == "output" && Step(line) == "greet");
        Assert.Equal("succeeded", lines[^1].GetProperty("status").GetString());
        Assert.Equal(2, lines[^1].GetProperty("counts").GetProperty("succeeded").GetInt32());
    }

    [Fact]
    public async Task With_events_on_stdout_stdout_holds_only_json_lines_and_the_human_lines_are_on_stderr()
    {
        WriteTalkingDevFile();

        using var tb = await Tb.RunAsync(_directory.FullName, "run", "--events", "-", "--var-file", "vars.yaml");

        Assert.Equal(0, tb.ExitCode);
        var lines = Parse(tb.Stdout);
        AssertInOrder(lines, ["greet", "leak"]);
        Assert.DoesNotContain("correct horse", tb.Stdout, StringComparison.Ordinal);
        Assert.Contains("[greet] started (plugin echo)", tb.Stderr, StringComparison.Ordinal);
        Assert.Contains("[leak] password: ***", tb.Stderr, StringComparison.Ordinal);
        Assert.Contains("run succeeded: 2 succeeded", tb.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_are_in_the_file_while_the_run_is_still_going()
    {
        var deadline = Deadline.After();
        WriteDevFile($"""
            plugins:
              - ref: test
                path: {TestExecutables.TestPlugin}
            steps:
              - name: hang
                plugin: test
                config:
                  mode: hang
            """);
        var events = Path.Combine(_directory.FullName, "events.jsonl");
        using var tb = Tb.Start(_directory.FullName, "run", "--events", events, "--grace", "1s");

        // Nothing ends the step but the signal below: what the file holds now was written live.
        while (!File.Exists(events) || !File.ReadAllText(events).Contains("\"text\":\"hanging\"", StringComparison.Ordinal))
        {
            Assert.False(tb.HasExited, tb.Stderr);
            await Task.Delay(20, deadline);
        }

        var live = Parse(File.ReadAllText(events));
        Assert.Equal(["runStarted", "stepStarted"], live.Take(2).Select(Type));
        Assert.DoesNotContain(live, line => Type(line) is "stepFinished" or "runFinished");

        tb.Signal("INT");
        Assert.Equal(130, await tb.WaitAsync(deadline));
        var all = Parse(File.ReadAllText(events));
        Assert.Equal("cancelled", all.Single(line => Type(line) == "stepFinished").GetProperty("status").GetString());
        Assert.Equal(("runFinished", "cancelled"), (Type(all[^1]), all[^1].GetProperty("status").GetString()));
    }

    [Fact]
    public async Task An_events_file_that_cannot_be_created_fails_before_the_run_with_one_line_and_exit_2()
    {
        WriteTalkingDevFile();

        using var tb = await Tb.RunAsync(_directory.FullName, "run", "--events", "no-such-directory/events.jsonl");

        Assert.Equal(2, tb.ExitCode);
        Assert.Single(tb.Stderr.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("tb: error: cannot write events to ", tb.Stderr, StringComparison.Ordinal);
        Assert.Contains("fix --events before running", tb.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("started", tb.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_full_disk_mid_run_is_said_once_and_the_run_still_succeeds()
    {
        WriteTalkingDevFile();

        using var tb = await Tb.RunAsync(_directory.FullName, "run", "--events", "/dev/full", "--var-file", "vars.yaml");

        Assert.Equal(0, tb.ExitCode);
        Assert.Single(tb.Stderr.TrimEnd('\n').Split('\n'), line => line.StartsWith("tb: error: cannot write events to /dev/full", StringComparison.Ordinal));
        Assert.Contains("run succeeded: 2 succeeded", tb.Stdout, StringComparison.Ordinal);
    }

    /// <summary>Run started first, run finished last, and each step's started before its logs before its finished.</summary>
    private static void AssertInOrder(List<JsonElement> lines, string[] steps)
    {
        Assert.All(lines, line => Assert.Equal(1, line.GetProperty("v").GetInt32()));
        Assert.Single(lines.Select(line => line.GetProperty("runId").GetString()).Distinct());
        Assert.Equal("runStarted", Type(lines[0]));
        Assert.Equal("runFinished", Type(lines[^1]));
        Assert.Single(lines, line => Type(line) == "runStarted");
        Assert.Single(lines, line => Type(line) == "runFinished");
        foreach (var step in steps)
        {
            var started = lines.FindIndex(line => Type(line) == "stepStarted" && Step(line) == step);
            var finished = lines.FindIndex(line => Type(line) == "stepFinished" && Step(line) == step);
            var logs = Enumerable.Range(0, lines.Count).Where(index => Type(lines[index]) == "log" && Step(lines[index]) == step).ToList();
            Assert.True(started > 0, $"no stepStarted for {step}");
            Assert.NotEmpty(logs);
            Assert.All(logs, index => Assert.InRange(index, started + 1, finished - 1));
        }
    }

    private static List<JsonElement> Parse(string text)
    {
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        return text.TrimEnd('\n').Split('\n').Select(line => JsonDocument.Parse(line).RootElement).ToList();
    }

    private static string Type(JsonElement line) => line.GetProperty("type").GetString()!;

    private static string? Step(JsonElement line) => line.TryGetProperty("step", out var step) ? step.GetString() : null;

    /// <summary>A DevFile whose two steps both log, the second a secret from vars.yaml.</summary>
    private void WriteTalkingDevFile()
    {
        File.WriteAllText(Path.Combine(_directory.FullName, "vars.yaml"), """
            secrets:
              password: "correct horse"
            """);
        WriteDevFile("""
            plugins:
              - ref: echo
              - ref: shell
            steps:
              - name: greet
                plugin: echo
                config:
                  say: hello events
              - name: leak
                plugin: shell
                config:
                  commands: ['echo "password: $PASSWORD"']
                  env:
                    PASSWORD: ${{ secrets.password }}
            """);
    }

    private void WriteDevFile(string text) => File.WriteAllText(Path.Combine(_directory.FullName, "DevFile"), text);
}
