using System.Text.Json;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Expressions;
using static TalkingBinaries.Workflow.Tests.Expressions.ExpressionSamples;

namespace TalkingBinaries.Workflow.Tests.Expressions;

// Before the limit, the deep cases overflowed the stack and killed the process; they are safe to run only with it.
public sealed class ExpressionLimitSpecs
{
    private const string TooDeep = "the expression nests more than 64 levels deep (each bracket, call, operator and '.' adds one); split it up, for instance with a variable";
    private const string TooLong = "is longer than 1,048,576 characters (1 MiB), the most an expression may produce; pass large data in a file instead";

    public static TheoryData<string, int> TooDeepExpressions => new()
    {
        { Repeat("(", 10_000) + "1" + Repeat(")", 10_000), 64 },
        { Repeat("default(", 10_000) + "1" + Repeat(", 2)", 10_000), 8 * 64 },
        { Repeat("!", 100_000) + "true", 63 },
        { "vars.list" + Repeat("[0]", 50_000), 0 },
        { Repeat("vars.list[", 50_000) + "0" + Repeat("]", 50_000), 10 * 64 },
        { "vars.count" + Repeat(" || vars.count", 1_000), 0 },
        { "vars" + Repeat(".a", 1_000), 0 },
    };

    [Theory]
    [MemberData(nameof(TooDeepExpressions))]
    public void An_expression_nested_too_deep_is_refused_at_the_spot(string expression, int position)
    {
        var error = ParseError(expression);

        Assert.Equal(TooDeep, error.Message);
        Assert.Equal(position, error.Position);
    }

    [Fact]
    public void An_expression_64_levels_deep_is_parsed_and_evaluated()
    {
        var value = Evaluate(Repeat("(", 63) + "1" + Repeat(")", 63));

        Assert.Equal(1, value.GetInt32());
    }

    [Fact]
    public void A_template_with_an_expression_too_deep_is_refused_with_its_offset_in_the_template()
    {
        var error = Assert.Throws<ExpressionException>(() => Template.Parse("x ${{ " + Repeat("(", 10_000) + "1" + Repeat(")", 10_000) + " }}"));

        Assert.Equal(TooDeep, error.Message);
        Assert.Equal(6 + 64, error.Position);
    }

    [Fact]
    public void A_DevFile_condition_nested_too_deep_is_an_error_at_its_line_and_column()
    {
        var text = "plugins:\n  - ref: p\nsteps:\n  - name: a\n    plugin: p\n    if: ${{ " + Repeat("(", 10_000) + "true" + Repeat(")", 10_000) + " }}\n";

        var failure = Assert.Throws<DevFileException>(() => DevFileLoader.Parse(text, "/projects/app/DevFile"));

        var error = Assert.Single(failure.Errors);
        Assert.Equal(new SourceLocation("/projects/app/DevFile", 6, 9 + 4 + 64), error.Location);
        Assert.EndsWith(TooDeep, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_spliced_from_expressions_past_1_MiB_is_refused_at_the_expression_that_goes_over()
    {
        var part = "${{ toJson(vars.big) }}";
        var template = Template.Parse(Repeat(part, 30));

        var error = Assert.Throws<ExpressionException>(() => template.Evaluate(BigContext(100_000)));

        // Each part adds 100,002 characters; the eleventh goes over 1,048,576.
        Assert.Equal($"the text made with 'toJson(vars.big)' {TooLong}", error.Message);
        Assert.Equal((10 * part.Length) + 4, error.Position);
    }

    [Fact]
    public void ToJson_past_1_MiB_is_refused_at_the_call()
    {
        var expression = Expression.Parse("toJson(vars.big)");

        var error = Assert.Throws<ExpressionException>(() => expression.Evaluate(BigContext(2 * 1024 * 1024)));

        Assert.Equal($"toJson() made text that {TooLong}", error.Message);
        Assert.Equal(0, error.Position);
    }

    [Fact]
    public void Text_up_to_1_MiB_is_made()
    {
        var template = Template.Parse("${{ vars.big }}${{ vars.big }}");

        var value = template.Evaluate(BigContext(512 * 1024));

        Assert.Equal(1024 * 1024, value.GetString()!.Length);
    }

    private static ExpressionContext BigContext(int length) => new()
    {
        Roots = new Dictionary<string, JsonElement>(StringComparer.Ordinal)
        {
            ["vars"] = Json($"{{\"big\":\"{new string('x', length)}\"}}"),
        },
        Status = Context.Status,
    };

    private static string Repeat(string text, int count) => string.Concat(Enumerable.Repeat(text, count));
}
