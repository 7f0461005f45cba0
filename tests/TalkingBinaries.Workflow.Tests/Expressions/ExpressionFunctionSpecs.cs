using System.Text.Json;
using TalkingBinaries.Workflow.Expressions;
using static TalkingBinaries.Workflow.Tests.Expressions.ExpressionSamples;

namespace TalkingBinaries.Workflow.Tests.Expressions;

public sealed class ExpressionFunctionSpecs
{
    [Theory]
    [InlineData("contains('Hello World', 'WORLD')", true)]
    [InlineData("contains('Hello World', 'o W')", true)]
    [InlineData("contains('abc', 'd')", false)]
    [InlineData("contains('abc', '')", true)]
    [InlineData("contains('', '')", true)]
    [InlineData("contains('', 'a')", false)]
    [InlineData("contains('v123', 12)", true)]
    [InlineData("contains('is true', true)", true)]
    [InlineData("contains(vars.list, 'b')", true)]
    [InlineData("contains(vars.list, 'B')", false)]
    [InlineData("contains(vars.list, 'd')", false)]
    [InlineData("contains(vars.numbers, 2.0)", true)]
    [InlineData("contains(vars.numbers, '2')", false)]
    [InlineData("contains(steps.build.outputs.tags, 'y')", true)]
    [InlineData("contains(fromJson('[[1,2],{\"a\":1}]'), fromJson('{\"a\":1}'))", true)]
    [InlineData("contains(fromJson('[[1,2],{\"a\":1}]'), fromJson('[2,1]'))", false)]
    [InlineData("contains(fromJson('[null]'), null)", true)]
    [InlineData("contains(fromJson('[]'), null)", false)]
    [InlineData("contains(vars.nothing, 'x')", false)]
    [InlineData("contains(default(vars.missing, null), 'x')", false)]
    public void Contains_finds_text_in_a_string_ignoring_case_or_an_equal_item_in_an_array(string expression, bool expected)
    {
        Assert.Equal(expected, Evaluate(expression).GetBoolean());
    }

    [Theory]
    [InlineData("startsWith('Release-1', 'release')", true)]
    [InlineData("startsWith('abc', 'b')", false)]
    [InlineData("startsWith('abc', '')", true)]
    [InlineData("startsWith('ab', 'abc')", false)]
    [InlineData("startsWith(vars.version, 1)", true)]
    [InlineData("startsWith(123, 12)", true)]
    [InlineData("startsWith(true, 'TR')", true)]
    [InlineData("startsWith(vars.nothing, '')", true)]
    [InlineData("endsWith('file.TXT', '.txt')", true)]
    [InlineData("endsWith('abc', 'b')", false)]
    [InlineData("endsWith('abc', 'ABC')", true)]
    [InlineData("endsWith(env.PATH, '/BIN')", true)]
    public void StartsWith_and_endsWith_compare_text_ignoring_case(string expression, bool expected)
    {
        Assert.Equal(expected, Evaluate(expression).GetBoolean());
    }

    [Theory]
    [InlineData("contains(1, 1)", "contains() searches a string or an array, but its first argument is a number", 9, 1)]
    [InlineData("contains(vars.obj, 'x')", "contains() searches a string or an array, but its first argument is an object", 9, 8)]
    [InlineData("contains(true, 'x')", "contains() searches a string or an array, but its first argument is a boolean", 9, 4)]
    [InlineData("contains('a', vars.list)", "contains() works on text, but its second argument is an array", 14, 9)]
    [InlineData("endsWith(vars.obj, 'x')", "endsWith() works on text, but its first argument is an object", 9, 8)]
    [InlineData("startsWith('x', vars.list)", "startsWith() works on text, but its second argument is an array", 16, 9)]
    public void A_text_function_given_the_wrong_kind_of_value_says_which_argument(string expression, string message, int position, int length)
    {
        var error = EvaluationError(expression);

        Assert.Equal(message, error.Message);
        Assert.Equal(position, error.Position);
        Assert.Equal(length, error.Length);
    }

    [Theory]
    [InlineData("toJson(vars.obj)", """{"x":1,"y":[1,2]}""")]
    [InlineData("toJson(vars.list)", """["a","b","c"]""")]
    [InlineData("toJson('a\"b')", "\"a\\\"b\"")]
    [InlineData("toJson('é<>&''')", "\"é<>&'\"")]
    [InlineData("toJson(null)", "null")]
    [InlineData("toJson(vars.nothing)", "null")]
    [InlineData("toJson(1.50)", "1.50")]
    [InlineData("toJson(true)", "true")]
    [InlineData("toJson(fromJson(' { \"a\" : [ 1 , 2 ] } '))", """{"a":[1,2]}""")]
    public void ToJson_gives_compact_json_text(string expression, string expected)
    {
        var value = Evaluate(expression);

        Assert.Equal(JsonValueKind.String, value.ValueKind);
        Assert.Equal(expected, value.GetString());
    }

    [Theory]
    [InlineData("fromJson('[1,2]')", "[1,2]")]
    [InlineData("fromJson('{\"a\":1}').a", "1")]
    [InlineData("fromJson(vars.json).a[1]", "2")]
    [InlineData("fromJson('true')", "true")]
    [InlineData("fromJson('null')", "null")]
    [InlineData("fromJson('\"text\"')", "\"text\"")]
    [InlineData("fromJson(' 42 ')", "42")]
    [InlineData("fromJson(toJson(vars.obj)) == vars.obj", "true")]
    public void FromJson_parses_json_text_into_a_value(string expression, string expected)
    {
        Assert.Equal(expected, EvaluateToJson(expression));
    }

    [Fact]
    public void FromJson_of_text_that_is_not_json_is_an_error_at_the_argument()
    {
        var error = EvaluationError("fromJson('{')");

        Assert.StartsWith("fromJson() got text that is not JSON: ", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Equal(9, error.Position);
        Assert.Equal(3, error.Length);
    }

    [Theory]
    [InlineData("fromJson(1)", "fromJson() parses a string of JSON text, but its argument is a number", 9, 1)]
    [InlineData("fromJson(vars.list)", "fromJson() parses a string of JSON text, but its argument is an array", 9, 9)]
    [InlineData("fromJson(null)", "fromJson() parses a string of JSON text, but its argument is null", 9, 4)]
    public void FromJson_of_anything_but_a_string_is_an_error(string expression, string message, int position, int length)
    {
        var error = EvaluationError(expression);

        Assert.Equal(message, error.Message);
        Assert.Equal(position, error.Position);
        Assert.Equal(length, error.Length);
    }

    [Theory]
    [InlineData(false, false, "success()", true)]
    [InlineData(false, false, "failure()", false)]
    [InlineData(false, false, "cancelled()", false)]
    [InlineData(false, false, "always()", true)]
    [InlineData(true, false, "success()", false)]
    [InlineData(true, false, "failure()", true)]
    [InlineData(true, false, "cancelled()", false)]
    [InlineData(true, false, "always()", true)]
    [InlineData(false, true, "success()", false)]
    [InlineData(false, true, "failure()", false)]
    [InlineData(false, true, "cancelled()", true)]
    [InlineData(false, true, "always()", true)]
    [InlineData(true, true, "success()", false)]
    [InlineData(true, true, "failure()", true)]
    [InlineData(true, true, "cancelled()", true)]
    [InlineData(true, true, "always()", true)]
    public void The_status_functions_report_the_run_status(bool anyFailed, bool cancelled, string expression, bool expected)
    {
        var context = ContextWith(new ExpressionStatus(anyFailed, cancelled));

        var value = Expression.Parse(expression).Evaluate(context);

        Assert.Equal(expected ? JsonValueKind.True : JsonValueKind.False, value.ValueKind);
    }

    [Fact]
    public void A_context_without_a_status_counts_as_succeeding()
    {
        var context = new ExpressionContext();

        Assert.True(Expression.Parse("success() && !failure() && !cancelled()").Evaluate(context).GetBoolean());
    }

    [Fact]
    public void Functions_combine_with_operators_and_paths()
    {
        Assert.True(Evaluate("success() && (contains(steps.build.outputs.tags, 'x') || startsWith(vars.version, '2'))").GetBoolean());
    }
}
