using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Planning;

namespace TalkingBinaries.Workflow.Tests;

public sealed class StepSummarySpecs
{
    private const string DevFilePath = "/projects/app/DevFile";

    [Fact]
    public void Each_step_shows_its_needs_as_written_and_what_it_waits_for_from_file_order_and_run_groups()
    {
        var devFile = DevFileLoader.Parse("""
            plugins:
              - ref: p
            steps:
              - { name: setup, plugin: p, description: prepares the tree }
              - { name: a, plugin: p, parallel: true }
              - { name: b, plugin: p, parallel: true, if: "vars.env == 'prod'" }
              - { name: after, plugin: p }
              - { name: alone, plugin: p, needs: [] }
              - { name: last, plugin: p, needs: [setup, setup] }
            """, DevFilePath);

        var steps = StepSummary.ListOf(devFile);

        Assert.Equal(["setup", "a", "b", "after", "alone", "last"], steps.Select(step => step.Name));
        Assert.Equal("prepares the tree", steps[0].Description);
        Assert.Equal([null, null, null, null, [], ["setup", "setup"]], steps.Select(step => step.Needs));
        Assert.Equal([[], ["setup"], ["setup"], ["a", "b"], [], ["setup"]], steps.Select(step => step.WaitsFor));
        Assert.Equal("vars.env == 'prod'", steps[2].If);
        Assert.Equal(6, steps[2].Line);
    }

    [Theory]
    [InlineData("description: [a, b]", "'description' must be a string, e.g. 'description: builds the app', not a list or mapping")]
    [InlineData("description: { a: b }", "'description' must be a string, e.g. 'description: builds the app', not a list or mapping")]
    [InlineData("description: \"one\\ttab\"", "'description' holds the control character U+0009")]
    public void A_description_that_is_not_a_line_of_text_is_an_error_with_its_line(string line, string message)
    {
        var failure = Assert.Throws<DevFileException>(() => DevFileLoader.Parse($"plugins:\n  - ref: p\nsteps:\n  - name: a\n    plugin: p\n    {line}\n", DevFilePath));

        var error = Assert.Single(failure.Errors);
        Assert.Equal(6, error.Location.Line);
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("description: ~", null)]
    [InlineData("description: 42", "42")]
    [InlineData("description: \"null\"", "null")]
    public void A_description_is_kept_as_text_and_yaml_null_means_none(string line, string? expected)
    {
        var devFile = DevFileLoader.Parse($"plugins:\n  - ref: p\nsteps:\n  - name: a\n    plugin: p\n    {line}\n", DevFilePath);

        Assert.Equal(expected, devFile.Steps[0].Description);
    }

    [Fact]
    public void A_misspelt_description_suggests_the_key()
    {
        var failure = Assert.Throws<DevFileException>(() => DevFileLoader.Parse("plugins:\n  - ref: p\nsteps:\n  - name: a\n    plugin: p\n    descripton: x\n", DevFilePath));

        Assert.EndsWith("did you mean 'description'?", Assert.Single(failure.Errors).Message, StringComparison.Ordinal);
    }
}
