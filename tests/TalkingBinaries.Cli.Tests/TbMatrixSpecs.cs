using System.Text.Json;
using TalkingBinaries.Tests;

namespace TalkingBinaries.Cli.Tests;

/// <summary><c>tb run --matrix</c> and the names of matrix instances as <c>tb</c> prints them (docs/devfile.md, "Matrix").</summary>
public sealed class TbMatrixSpecs : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tb-matrix-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task Matrix_keeps_only_the_instances_with_that_value_and_prints_their_names()
    {
        WriteDevFile();
        var reportPath = Path.Combine(_directory.FullName, "report.json");

        using var tb = Tb.Start(_directory.FullName, "run", "--matrix", "os=a", "--report", reportPath, "-j", "4");
        var exit = await tb.WaitAsync(Deadline.After());

        Assert.True(exit == 0, tb.Stderr);
        Assert.Contains("[build (a, 1)] os=a level=1\n", tb.Stdout, StringComparison.Ordinal);
        Assert.Contains("[build (a, 2)] os=a level=2\n", tb.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("build (b,", tb.Stdout, StringComparison.Ordinal);
        using var report = JsonDocument.Parse(File.ReadAllText(reportPath));
        var steps = report.RootElement.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(["build (a, 1)", "build (a, 2)", "after"], steps.Select(step => step.GetProperty("name").GetString()));
        Assert.Empty(await ProcessTable.SurvivorsAsync(steps.Select(step => step.GetProperty("pid").GetInt32())));
    }

    [Theory]
    [InlineData("os=c", "tb: error: --matrix os=c: no instance has os=c (values of os: a, b); did you mean 'a'?\n")]
    [InlineData("arch=a", "tb: error: --matrix arch=a: no matrix step has the key 'arch' (keys: os, level)\n")]
    public async Task Matrix_naming_a_key_or_value_no_instance_has_is_one_line_and_exit_code_2(string filter, string expected)
    {
        WriteDevFile();

        using var tb = Tb.Start(_directory.FullName, "run", "--matrix", filter);
        var exit = await tb.WaitAsync(Deadline.After());

        Assert.Equal(2, exit);
        Assert.Equal(expected, tb.Stderr);
        Assert.Equal(string.Empty, tb.Stdout);
    }

    [Fact]
    public async Task List_shows_every_instance_and_the_step_that_needs_them_all()
    {
        WriteDevFile();

        using var tb = Tb.Start(_directory.FullName, "list", "--json");
        var exit = await tb.WaitAsync(Deadline.After());

        Assert.True(exit == 0, tb.Stderr);
        using var listing = JsonDocument.Parse(tb.Stdout);
        var steps = listing.RootElement.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(["build (a, 1)", "build (a, 2)", "build (b, 1)", "build (b, 2)", "after"], steps.Select(step => step.GetProperty("name").GetString()));
        Assert.Equal(["build (a, 1)", "build (a, 2)", "build (b, 1)", "build (b, 2)"], steps[^1].GetProperty("waitsFor").EnumerateArray().Select(name => name.GetString()));
    }

    private void WriteDevFile() => File.WriteAllText(Path.Combine(_directory.FullName, "DevFile"), $$$"""
        plugins:
          - ref: echo
            path: {{{TestExecutables.Echo}}}
        steps:
          - name: build
            plugin: echo
            matrix:
              os: [a, b]
              level: [1, 2]
            config: { say: "os=${{ matrix.os }} level=${{ matrix.level }}" }
          - name: after
            plugin: echo
            needs: [build]
            config: { say: done }
        """);
}
