using System.Text.Json;
using TalkingBinaries.Tests;

namespace TalkingBinaries.Cli.Tests;

public sealed class TbSchemaSpecs : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tb-schema-");

    private static string Source => File.ReadAllText(Path.Combine(TestExecutables.RepositoryRoot, "src", "TalkingBinaries.Workflow", "DevFiles", "DevFileSchema.json"));

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task Schema_prints_the_DevFile_schema_on_stdout()
    {
        using var tb = await Tb.RunAsync(_directory.FullName, "schema");

        Assert.Equal(0, tb.ExitCode);
        Assert.Equal(string.Empty, tb.Stderr);
        Assert.Equal(Source.TrimEnd('\n'), tb.Stdout.TrimEnd('\n'));
        using var schema = JsonDocument.Parse(tb.Stdout);
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", schema.RootElement.GetProperty("$schema").GetString());
    }

    [Fact]
    public async Task Schema_with_output_writes_the_file_and_nothing_on_stdout()
    {
        var file = Path.Combine(_directory.FullName, "devfile.schema.json");

        using var tb = await Tb.RunAsync(_directory.FullName, "schema", "--output", file);

        Assert.Equal(0, tb.ExitCode);
        Assert.Equal(string.Empty, tb.Stdout);
        Assert.Equal(Source.TrimEnd('\n'), File.ReadAllText(file).TrimEnd('\n'));
    }

    [Fact]
    public async Task Schema_to_a_file_it_cannot_write_is_one_line_with_exit_code_2()
    {
        var file = Path.Combine(_directory.FullName, "missing", "devfile.schema.json");

        using var tb = await Tb.RunAsync(_directory.FullName, "schema", "--output", file);

        Assert.Equal(2, tb.ExitCode);
        var line = Assert.Single(tb.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"tb: error: cannot write the schema to {file}", line, StringComparison.Ordinal);
    }
}
