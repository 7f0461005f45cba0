using TalkingBinaries.Workflow.DevFiles;

namespace TalkingBinaries.Workflow.Tests;

public sealed class StepNameSpecs
{
    private const string DevFilePath = "/projects/app/DevFile";

    [Theory]
    [InlineData("null")]
    [InlineData("~")]
    [InlineData("NULL")]
    public void A_step_named_null_is_an_error_at_the_name(string name)
    {
        var error = SingleError($"plugins:\n  - ref: p\nsteps:\n  - name: {name}\n    plugin: p\n");

        Assert.Equal(new SourceLocation(DevFilePath, 4, 11), error.Location);
        Assert.Equal("a step's 'name' must be a string, not null; set it to a unique name, e.g. 'name: build', or quote it if you mean the word", error.Message);
    }

    [Fact]
    public void A_quoted_null_is_the_word_and_a_fine_name()
    {
        var devFile = DevFileLoader.Parse("plugins:\n  - ref: p\nsteps:\n  - name: \"null\"\n    plugin: p\n", DevFilePath);

        Assert.Equal("null", Assert.Single(devFile.Steps).Name);
    }

    [Fact]
    public void A_plugin_ref_of_null_is_an_error_at_the_ref()
    {
        var errors = Assert.Throws<DevFileException>(() => DevFileLoader.Parse("plugins:\n  - ref: ~\nsteps:\n  - name: a\n    plugin: p\n", DevFilePath)).Errors;

        Assert.Contains(new DevFileError(new SourceLocation(DevFilePath, 2, 10), "a plugin's 'ref' must be a string, not null; set it to the name steps use, e.g. 'ref: echo', or quote it if you mean the word"), errors);
    }

    [Theory]
    [InlineData("\"a\\nb\"", "000A")]
    [InlineData("\"a\\e[31mred\"", "001B")]
    [InlineData("\"a\\rb\"", "000D")]
    [InlineData("\"a\\x7Fb\"", "007F")]
    [InlineData("\"a\\u202Eb\"", "202E")]
    public void A_step_name_with_a_control_character_is_an_error_at_the_name(string name, string code)
    {
        var error = SingleError($"plugins:\n  - ref: p\nsteps:\n  - name: {name}\n    plugin: p\n");

        Assert.Equal(new SourceLocation(DevFilePath, 4, 11), error.Location);
        Assert.Equal($"'name' holds the control character U+{code}; names are shown in every message, so use printable characters only", error.Message);
    }

    [Fact]
    public void A_plugin_ref_a_step_plugin_or_a_need_with_a_control_character_is_an_error()
    {
        var errors = Assert.Throws<DevFileException>(() => DevFileLoader.Parse(
            "plugins:\n  - ref: \"p\\e]0;x\"\nsteps:\n  - name: a\n    plugin: \"q\\n\"\n    needs: [\"b\\tc\"]\n", DevFilePath)).Errors;

        Assert.Equal(
            [
                new DevFileError(new SourceLocation(DevFilePath, 2, 10), "'ref' holds the control character U+001B; names are shown in every message, so use printable characters only"),
                new DevFileError(new SourceLocation(DevFilePath, 5, 13), "'plugin' holds the control character U+000A; names are shown in every message, so use printable characters only"),
                new DevFileError(new SourceLocation(DevFilePath, 6, 13), "'needs' holds the control character U+0009; names are shown in every message, so use printable characters only"),
            ],
            errors);
    }

    private static DevFileError SingleError(string text) =>
        Assert.Single(Assert.Throws<DevFileException>(() => DevFileLoader.Parse(text, DevFilePath)).Errors);
}
