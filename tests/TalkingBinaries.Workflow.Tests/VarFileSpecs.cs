using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Variables;

namespace TalkingBinaries.Workflow.Tests;

public sealed class VarFileSpecs : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tb-var-file-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("secrets:\n  - token\n", 2, 3)]
    [InlineData("secrets: [token]\n", 1, 10)]
    [InlineData("secrets: token\n", 1, 10)]
    public void Secrets_that_are_not_a_mapping_are_an_error_at_the_value(string text, int line, int column)
    {
        var path = Write("region: eu\n" + text);

        var failure = Assert.Throws<DevFileException>(() => VarFile.Load(path));

        var error = Assert.Single(failure.Errors);
        Assert.Equal(new SourceLocation(path, line + 1, column), error.Location);
        Assert.Equal("'secrets' must be a mapping of secret names to text, e.g. 'secrets: { token: abc123 }'", error.Message);
    }

    [Fact]
    public void Secrets_as_a_mapping_are_read_and_are_not_variables()
    {
        var path = Write("region: eu\nsecrets:\n  token: abc123\n");

        var file = VarFile.Load(path);

        Assert.Equal("abc123", file.Secrets["token"]);
        Assert.Equal(["region"], file.Variables.Keys);
    }

    private string Write(string text)
    {
        var path = Path.Combine(_directory, "vars.yml");
        File.WriteAllText(path, text);
        return path;
    }
}
