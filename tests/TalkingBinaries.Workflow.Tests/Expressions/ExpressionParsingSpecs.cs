using System.Text.Json;
using TalkingBinaries.Workflow.Expressions;
using static TalkingBinaries.Workflow.Tests.Expressions.ExpressionSamples;

namespace TalkingBinaries.Workflow.Tests.Expressions;

public sealed class ExpressionParsingSpecs
{
    private const string Known = "known: always, cancelled, contains, default, endsWith, failure, fromJson, startsWith, success, toJson";

    [Theory]
    [InlineData("'hello'", "hello")]
    [InlineData("'it''s'", "it's")]
    [InlineData("''''", "'")]
    [InlineData("''", "")]
    [InlineData("'say \"hi\"'", "say \"hi\"")]
    [InlineData("'no \\n escapes'", "no \\n escapes")]
    [InlineData("\"hello\"", "hello")]
    [InlineData("\"it's\"", "it's")]
    [InlineData("\"\\\"q\\\" \\\\ \\/\"", "\"q\" \\ /")]
    [InlineData("\"\\b\\f\\n\\r\\t\"", "\b\f\n\r\t")]
    [InlineData("\"caf\\u00e9 \\u00C9\"", "café É")]
    [InlineData("'}}'", "}}")]
    public void String_literals_in_single_and_double_quotes_give_their_text(string expression, string expected)
    {
        var value = Evaluate(expression);

        Assert.Equal(JsonValueKind.String, value.ValueKind);
        Assert.Equal(expected, value.GetString());
    }

    [Theory]
    [InlineData("1", "1")]
    [InlineData("0", "0")]
    [InlineData("-1", "-1")]
    [InlineData("42", "42")]
    [InlineData("1.5", "1.5")]
    [InlineData("-0.25", "-0.25")]
    [InlineData("1e3", "1e3")]
    [InlineData("2.5E-2", "2.5E-2")]
    [InlineData("1e+2", "1e+2")]
    [InlineData("007", "7")]
    [InlineData("-007.5", "-7.5")]
    [InlineData("12345678901234567890123456789012345", "12345678901234567890123456789012345")]
    public void Number_literals_keep_their_digits_as_a_json_number(string expression, string expected)
    {
        var value = Evaluate(expression);

        Assert.Equal(JsonValueKind.Number, value.ValueKind);
        Assert.Equal(expected, value.GetRawText());
    }

    [Theory]
    [InlineData("true", JsonValueKind.True)]
    [InlineData("false", JsonValueKind.False)]
    [InlineData("null", JsonValueKind.Null)]
    public void The_keywords_are_the_json_literals(string expression, JsonValueKind expected)
    {
        Assert.Equal(expected, Evaluate(expression).ValueKind);
    }

    [Theory]
    [InlineData("1 == 1", true)]
    [InlineData("1 == 2", false)]
    [InlineData("1 != 1", false)]
    [InlineData("1 != 2", true)]
    [InlineData("1 < 2", true)]
    [InlineData("2 < 1", false)]
    [InlineData("2 < 2", false)]
    [InlineData("2 <= 2", true)]
    [InlineData("3 <= 2", false)]
    [InlineData("3 > 2", true)]
    [InlineData("2 > 2", false)]
    [InlineData("2 >= 2", true)]
    [InlineData("1 >= 2", false)]
    [InlineData("-1 < 0", true)]
    [InlineData("1.5 > 1.25", true)]
    [InlineData("1e2 >= 100", true)]
    [InlineData("10 < 9", false)]
    [InlineData("'a' < 'b'", true)]
    [InlineData("'B' < 'a'", true)]
    [InlineData("'abc' <= 'abd'", true)]
    [InlineData("'10' < '9'", true)]
    [InlineData("'b' >= 'b'", true)]
    [InlineData("!true", false)]
    [InlineData("!false", true)]
    [InlineData("!null", true)]
    [InlineData("!!'x'", true)]
    [InlineData("true && true", true)]
    [InlineData("true && false", false)]
    [InlineData("false || true", true)]
    [InlineData("false || false", false)]
    public void Every_operator_gives_the_expected_result(string expression, bool expected)
    {
        Assert.Equal(expected, Evaluate(expression).GetBoolean());
    }

    [Theory]
    [InlineData("true || false && false", true)]
    [InlineData("false && true || true", true)]
    [InlineData("(true || false) && false", false)]
    [InlineData("1 == 1 && 2 == 2", true)]
    [InlineData("1 < 2 == true", true)]
    [InlineData("2 > 1 != 1 > 2", true)]
    [InlineData("!0 == 1", false)]
    [InlineData("!(0 == 1)", true)]
    [InlineData("1 == 1 == true", true)]
    [InlineData("!vars.flag || vars.flag && !vars.off", true)]
    public void Operators_bind_from_or_up_to_not(string expression, bool expected)
    {
        Assert.Equal(expected, Evaluate(expression).GetBoolean());
    }

    [Theory]
    [InlineData("  1  ==\n\t1 ")]
    [InlineData("(1==1)")]
    [InlineData("( 1 == 1 )")]
    [InlineData("contains( 'abc' , 'b' )")]
    [InlineData("vars . list [ 1 ] == 'b'")]
    [InlineData("! false")]
    public void Whitespace_may_stand_between_any_two_tokens_or_none_at_all(string expression)
    {
        Assert.True(Evaluate(expression).GetBoolean());
    }

    [Theory]
    [InlineData("vars.name", "\"world\"")]
    [InlineData("vars['name']", "\"world\"")]
    [InlineData("vars[\"name\"]", "\"world\"")]
    [InlineData("vars[vars.key]", "\"world\"")]
    [InlineData("vars.list[1]", "\"b\"")]
    [InlineData("vars.list[1.0]", "\"b\"")]
    [InlineData("vars.numbers[vars.zero]", "1")]
    [InlineData("vars.nested.a.b", "\"deep\"")]
    [InlineData("vars.nested['a'].b", "\"deep\"")]
    [InlineData("vars.build-1", "\"dash\"")]
    [InlineData("vars.2nd", "\"second\"")]
    [InlineData("steps.build-1.outputs.x", "\"one\"")]
    [InlineData("steps.build.outputs.tags[0]", "\"x\"")]
    [InlineData("(vars.nested).a.b", "\"deep\"")]
    [InlineData("vars.obj", """{"x":1,"y":[1,2]}""")]
    [InlineData("vars.list", """["a","b","c"]""")]
    [InlineData("env.HOME", "\"/home/me\"")]
    [InlineData("secrets.token", "\"s3cret\"")]
    [InlineData("fromJson('{\"a\":[10,20]}').a[1]", "20")]
    public void Paths_follow_members_and_indexes_from_a_root(string expression, string expected)
    {
        Assert.Equal(expected, EvaluateToJson(expression));
    }

    [Fact]
    public void A_parsed_expression_keeps_its_text()
    {
        var expression = Expression.Parse(" vars.name == 'x' ");

        Assert.Equal(" vars.name == 'x' ", expression.Text);
        Assert.Equal(" vars.name == 'x' ", expression.ToString());
    }

    [Fact]
    public void A_parsed_expression_can_be_evaluated_again_with_other_roots()
    {
        var expression = Expression.Parse("vars.name");
        var other = new ExpressionContext { Roots = new Dictionary<string, JsonElement> { ["vars"] = Json("""{"name":"moon"}""") } };

        Assert.Equal("world", expression.Evaluate(Context).GetString());
        Assert.Equal("moon", expression.Evaluate(other).GetString());
    }

    [Theory]
    [InlineData("(1 == 1", "expected ')' to close '(' at 0", 7, 0)]
    [InlineData("((1)", "expected ')' to close '(' at 0", 4, 0)]
    [InlineData("1 == (2 3)", "expected ')' to close '(' at 5", 8, 1)]
    [InlineData("vars.list[0", "expected ']' to close '[' at 9", 11, 0)]
    [InlineData("vars[0 1]", "expected ']' to close '[' at 4", 7, 1)]
    [InlineData("contains('a' 'b')", "expected ',' or ')' to close the call to contains() at 0", 13, 3)]
    [InlineData("x && contains('a', 'b'", "expected ',' or ')' to close the call to contains() at 5", 22, 0)]
    [InlineData("contains('a',)", "unexpected ')'; expected a value, a name or a function call", 13, 1)]
    [InlineData("1 }", "unexpected '}'", 2, 1)]
    [InlineData("a # b", "unexpected '#'", 2, 1)]
    [InlineData("'abc", "a string that is never closed; expected a closing '", 0, 4)]
    [InlineData("'it''s", "a string that is never closed; expected a closing '", 0, 6)]
    [InlineData("x == \"abc", "a string that is never closed; expected a closing \"", 5, 4)]
    [InlineData("\"abc\\\"", "a string that is never closed; expected a closing \"", 0, 6)]
    [InlineData("1 = 1", "unexpected '='; use '==' to compare", 2, 1)]
    [InlineData("a & b", "unexpected '&'; use '&&' for 'and'", 2, 1)]
    [InlineData("a | b", "unexpected '|'; use '||' for 'or'", 2, 1)]
    [InlineData("", "an empty expression; expected a value, a name or a function call", 0, 0)]
    [InlineData("   ", "an empty expression; expected a value, a name or a function call", 3, 0)]
    [InlineData("1 ==", "the expression ends too early; expected a value, a name or a function call", 4, 0)]
    [InlineData("!", "the expression ends too early; expected a value, a name or a function call", 1, 0)]
    [InlineData("1 == )", "unexpected ')'; expected a value, a name or a function call", 5, 1)]
    [InlineData("1 == ,", "unexpected ','; expected a value, a name or a function call", 5, 1)]
    [InlineData("1 2", "unexpected '2'; expected an operator or the end of the expression", 2, 1)]
    [InlineData("vars.a vars.b", "unexpected 'vars'; expected an operator or the end of the expression", 7, 4)]
    [InlineData("vars.a)", "unexpected ')'; there is no '(' to close", 6, 1)]
    [InlineData("vars]", "unexpected ']'; there is no '[' to close", 4, 1)]
    [InlineData("vars.", "expected a member name after '.'; write other names as ['name']", 5, 0)]
    [InlineData("vars. 'a'", "expected a member name after '.'; write other names as ['name']", 6, 1)]
    [InlineData("\"\\q\"", "an unknown escape '\\q' in a string; use \\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX", 1, 2)]
    [InlineData("'ok' == \"\\u12\"", "expected four hex digits after '\\u', like \\u00e9", 9, 2)]
    [InlineData("\"\\uzzzz\"", "expected four hex digits after '\\u', like \\u00e9", 1, 2)]
    [InlineData("- 1", "expected a digit after '-'; '-' only starts a negative number, like -1", 0, 1)]
    [InlineData("1 == -x", "expected a digit after '-'; '-' only starts a negative number, like -1", 5, 1)]
    public void A_syntax_error_says_what_is_wrong_and_where(string expression, string message, int position, int length)
    {
        var error = ParseError(expression);

        Assert.Equal(message, error.Message);
        Assert.Equal(position, error.Position);
        Assert.Equal(length, error.Length);
    }

    [Theory]
    [InlineData("foo(1)", "unknown function 'foo'; " + Known, 0, 3)]
    [InlineData("1 == tojson(1)", "unknown function 'tojson'; did you mean 'toJson'? " + Known, 5, 6)]
    [InlineData("Contains('a', 'b')", "unknown function 'Contains'; did you mean 'contains'? " + Known, 0, 8)]
    public void An_unknown_function_is_a_syntax_error_that_lists_the_known_ones(string expression, string message, int position, int length)
    {
        var error = ParseError(expression);

        Assert.Equal(message, error.Message);
        Assert.Equal(position, error.Position);
        Assert.Equal(length, error.Length);
    }

    [Theory]
    [InlineData("default(1)", "default(value, fallback) takes 2 arguments but was given 1", 0, 10)]
    [InlineData("default(1, 2, 3)", "default(value, fallback) takes 2 arguments but was given 3", 0, 16)]
    [InlineData("contains('a')", "contains(haystack, needle) takes 2 arguments but was given 1", 0, 13)]
    [InlineData("startsWith()", "startsWith(text, prefix) takes 2 arguments but was given 0", 0, 12)]
    [InlineData("endsWith('a', 'b', 'c')", "endsWith(text, suffix) takes 2 arguments but was given 3", 0, 23)]
    [InlineData("toJson()", "toJson(value) takes 1 argument but was given 0", 0, 8)]
    [InlineData("fromJson('1', '2')", "fromJson(text) takes 1 argument but was given 2", 0, 18)]
    [InlineData("1 == success(1)", "success() takes no arguments but was given 1", 5, 10)]
    [InlineData("failure(true)", "failure() takes no arguments but was given 1", 0, 13)]
    [InlineData("always( 1 , 2 )", "always() takes no arguments but was given 2", 0, 15)]
    [InlineData("cancelled(null)", "cancelled() takes no arguments but was given 1", 0, 15)]
    public void A_call_with_the_wrong_number_of_arguments_is_a_syntax_error_over_the_whole_call(string expression, string message, int position, int length)
    {
        var error = ParseError(expression);

        Assert.Equal(message, error.Message);
        Assert.Equal(position, error.Position);
        Assert.Equal(length, error.Length);
    }

    [Fact]
    public void A_name_followed_by_parentheses_is_always_a_function_call_even_when_it_is_a_root()
    {
        var error = ParseError("vars('x')");

        Assert.StartsWith("unknown function 'vars'; ", error.Message);
        Assert.Equal(0, error.Position);
    }

    [Fact]
    public void Syntax_errors_are_found_without_any_roots_to_evaluate_against()
    {
        var expression = Expression.Parse("nobody.knows[this] && whatever.else");

        Assert.Equal("nobody.knows[this] && whatever.else", expression.Text);
    }
}
