using TalkingBinaries.Hosting;
using TalkingBinaries.Tests;
using TalkingBinaries.Workflow.Reporting;

namespace TalkingBinaries.Workflow.Tests;

/// <summary>Secrets in what plugins write are masked even where the host had to cut a line into pieces.</summary>
public sealed class SecretMaskingSpecs : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tb-secrets-");
    private readonly RecordingObserver _observer = new();

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task A_secret_straddling_the_64_KiB_cut_of_a_long_stderr_line_is_masked()
    {
        var report = await IsolatedRun.RunAsync(_directory, $"""
            plugins:
              - ref: test
                path: {TestExecutables.TestPlugin}
            steps:
              - name: leak
                plugin: test
                config: {"{"} mode: long-stderr-line, lines: 150000, secret: "${"{{"} secrets.token {"}}"}", at: 65536 {"}"}
            """, IsolatedRun.Options with { Secrets = new Dictionary<string, string> { ["token"] = "hunter2-straddling" } }, _observer);

        var pieces = _observer.Lines.Where(entry => entry.Step == "leak" && entry.Line.Source == PluginLogSource.Stderr).Select(entry => entry.Line).ToList();
        Assert.Equal(RunStatus.Succeeded, report.Status);
        Assert.True(pieces.Count >= 2, $"the line came in {pieces.Count} piece(s)");
        Assert.False(pieces.Any(piece => piece.Text.Contains("hunter", StringComparison.Ordinal) || piece.Text.Contains("straddling", StringComparison.Ordinal)), "a piece shows part of the secret");
        Assert.Equal(new string('.', 65536 - 9) + "***" + new string('.', 150000 - 65536 - 9), string.Concat(pieces.Select(piece => piece.Text)));
    }
}
