using System.Text.Json;
using TalkingBinaries.Workflow.Expressions;
using static TalkingBinaries.Workflow.Tests.Expressions.ExpressionSamples;

namespace TalkingBinaries.Workflow.Tests.Expressions;

public sealed class TruthinessSpecs
{
    [Theory]
    [InlineData("false", false)]
    [InlineData("null", false)]
    [InlineData("0", false)]
    [InlineData("0.0", false)]
    [InlineData("-0", false)]
    [InlineData("0e10", false)]
    [InlineData("\"\"", false)]
    [InlineData("true", true)]
    [InlineData("1", true)]
    [InlineData("-1", true)]
    [InlineData("0.001", true)]
    [InlineData("\"0\"", true)]
    [InlineData("\"false\"", true)]
    [InlineData("\" \"", true)]
    [InlineData("[]", true)]
    [InlineData("{}", true)]
    [InlineData("[0]", true)]
    public void False_null_zero_and_the_empty_string_are_falsy_and_everything_else_truthy(string json, bool expected)
    {
        Assert.Equal(expected, Truthiness.IsTruthy(Json(json)));
    }

    [Fact]
    public void An_undefined_value_is_falsy()
    {
        Assert.False(Truthiness.IsTruthy(default));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("0")]
    [InlineData("\"\"")]
    [InlineData("\"x\"")]
    public void Not_and_the_logical_operators_use_the_same_truthiness(string json)
    {
        var context = new ExpressionContext { Roots = new Dictionary<string, JsonElement> { ["v"] = Json(json) } };
        var truthy = Truthiness.IsTruthy(Json(json));

        Assert.Equal(!truthy, Expression.Parse("!v").Evaluate(context).GetBoolean());
        Assert.Equal(truthy ? "x" : "y", Expression.Parse("v && 'x' || 'y'").Evaluate(context).GetString());
    }
}
