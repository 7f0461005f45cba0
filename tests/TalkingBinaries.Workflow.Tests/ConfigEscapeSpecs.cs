using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Expressions;

namespace TalkingBinaries.Workflow.Tests;

public sealed class ConfigEscapeSpecs
{
    private const string DevFilePath = "/projects/app/DevFile";

    [Theory]
    [InlineData("$${{ vars.x }}", "${{ vars.x }}")]
    [InlineData("write $${{ vars.x }} for the value", "write ${{ vars.x }} for the value")]
    [InlineData("$$${{ vars.x }}", "$${{ vars.x }}")]
    public void An_escaped_expression_alone_in_a_string_becomes_literal_text(string written, string expected)
    {
        var step = Assert.Single(DevFileLoader.Parse($"plugins:\n  - ref: p\nsteps:\n  - name: a\n    plugin: p\n    config:\n      say: '{written}'\n", DevFilePath).Steps);

        // The runner works out every config template when the step starts; a string that is not one goes as written.
        var source = Assert.Single(step.ConfigTemplates);
        Assert.Equal("/say", source.Place);
        Assert.Equal(expected, Template.Parse(source.Text).Evaluate(Expressions.ExpressionSamples.Context).GetString());
    }

    [Fact]
    public void A_string_without_a_dollar_brace_is_no_template()
    {
        var step = Assert.Single(DevFileLoader.Parse("plugins:\n  - ref: p\nsteps:\n  - name: a\n    plugin: p\n    config:\n      say: 'costs $$5 {{ not }}'\n", DevFilePath).Steps);

        Assert.Empty(step.ConfigTemplates);
    }
}
