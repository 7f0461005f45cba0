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
}
