using System.Text.Json;
using TalkingBinaries.Workflow.Expressions;
using static TalkingBinaries.Workflow.Tests.Expressions.ExpressionSamples;

namespace TalkingBinaries.Workflow.Tests.Expressions;

public sealed class ExpressionEvaluationSpecs
{
    [Fact]
    public void An_unknown_root_name_is_an_error_that_lists_the_names_there_are()
    {
        var error = EvaluationError("1 == foo.bar");

        Assert.Equal("unknown name 'foo'; use vars., steps., env. or secrets.", error.Message);
        Assert.Equal(5, error.Position);
        Assert.Equal(3, error.Length);
    }

    [Theory]
    [InlineData(new string[0], "unknown name 'x'; there are no names to use here")]
    [InlineData(new[] { "vars" }, "unknown name 'x'; use vars.")]
    [InlineData(new[] { "vars", "inputs" }, "unknown name 'x'; use vars. or inputs.")]
    public void The_unknown_name_error_lists_whatever_roots_the_context_has(string[] roots, string message)
    {
        var context = new ExpressionContext { Roots = roots.ToDictionary(root => root, _ => Json("{}")) };

        var error = Assert.Throws<ExpressionException>(() => Expression.Parse("x").Evaluate(context));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Any_name_in_the_roots_can_start_a_path()
    {
        var context = new ExpressionContext { Roots = new Dictionary<string, JsonElement> { ["inputs"] = Json("""{"n":5}""") } };

        Assert.Equal(5, Expression.Parse("inputs.n").Evaluate(context).GetInt32());
    }

    [Fact]
    public void Root_names_are_case_sensitive()
    {
        var error = EvaluationError("Vars.name");

        Assert.StartsWith("unknown name 'Vars'; ", error.Message);
    }

    [Theory]
    [InlineData("vars.nested.x", "'vars.nested.x' is not defined; vars.nested has a", 0, 13)]
    [InlineData("vars.obj.z", "'vars.obj.z' is not defined; vars.obj has x and y", 0, 10)]
    [InlineData("vars.nested.missing.deeper", "'vars.nested.missing' is not defined; vars.nested has a", 0, 19)]
    [InlineData("1 == vars.nested.zz", "'vars.nested.zz' is not defined; vars.nested has a", 5, 14)]
    [InlineData("vars.nested['x y']", "'vars.nested['x y']' is not defined; vars.nested has a", 0, 18)]
    [InlineData("vars.nested.a.b.c", "'vars.nested.a.b.c' is not defined; vars.nested.a.b is a string", 0, 17)]
    [InlineData("vars.name.length", "'vars.name.length' is not defined; vars.name is a string", 0, 16)]
    [InlineData("vars.name[0]", "'vars.name[0]' is not defined; vars.name is a string", 0, 12)]
    [InlineData("vars.nothing.x", "'vars.nothing.x' is not defined; vars.nothing is null", 0, 14)]
    [InlineData("vars.count.x", "'vars.count.x' is not defined; vars.count is a number", 0, 12)]
    [InlineData("vars.flag.x", "'vars.flag.x' is not defined; vars.flag is a boolean", 0, 11)]
    [InlineData("vars.list[3]", "'vars.list[3]' is not defined; vars.list has 3 items", 0, 12)]
    [InlineData("vars.list[-1]", "'vars.list[-1]' is not defined; vars.list has 3 items", 0, 13)]
    [InlineData("vars.list[0.5]", "'vars.list[0.5]' is not defined; vars.list has 3 items", 0, 14)]
    [InlineData("fromJson('[1]')[1]", "'fromJson('[1]')[1]' is not defined; fromJson('[1]') has 1 item", 0, 18)]
    [InlineData("vars.list.x", "'vars.list.x' is not defined; vars.list is an array; pick an item with [0]", 0, 11)]
    [InlineData("vars.list['a']", "'vars.list['a']' is not defined; vars.list is an array; index it with a number, not a string", 0, 14)]
    [InlineData("vars.obj[0]", "'vars.obj[0]' is not defined; vars.obj is an object; index it with a member name, not a number", 0, 11)]
    [InlineData("vars.obj[true]", "'vars.obj[true]' is not defined; vars.obj is an object; index it with a member name, not a boolean", 0, 14)]
    [InlineData("vars . obj . z", "'vars . obj . z' is not defined; vars . obj has x and y", 0, 14)]
    [InlineData("(vars.obj).z", "'(vars.obj).z' is not defined; (vars.obj) has x and y", 0, 12)]
    [InlineData("fromJson('{}').a", "'fromJson('{}').a' is not defined; fromJson('{}') has no members", 0, 16)]
    public void A_path_that_is_not_there_is_an_error_naming_the_path_as_written_up_to_the_missing_step(
        string expression, string message, int position, int length)
    {
        var error = EvaluationError(expression);

        Assert.Equal(message, error.Message);
        Assert.Equal(position, error.Position);
        Assert.Equal(length, error.Length);
    }

    [Fact]
    public void A_missing_member_of_a_large_object_lists_the_first_ten_members()
    {
        var error = EvaluationError("vars.missing");

        Assert.Equal(
            "'vars.missing' is not defined; vars has name, count, zero, empty, flag, off, nothing, list, numbers, nested and 6 more",
            error.Message);
    }

    [Theory]
    [InlineData("default(vars.missing, 'x')", "\"x\"")]
    [InlineData("default(vars.nested.missing.deeper, 1)", "1")]
    [InlineData("default(vars.list[9], 'none')", "\"none\"")]
    [InlineData("default(vars.name.x.y, 'none')", "\"none\"")]
    [InlineData("default(vars[vars.missing], 'x')", "\"x\"")]
    [InlineData("default(vars.nothing, 'fallback')", "\"fallback\"")]
    [InlineData("default(null, null)", "null")]
    [InlineData("default(vars.name, 'x')", "\"world\"")]
    [InlineData("default(vars.zero, 5)", "0")]
    [InlineData("default(vars.empty, 'x')", "\"\"")]
    [InlineData("default(vars.off, true)", "false")]
    [InlineData("default(vars.list, fromJson('[]'))", """["a","b","c"]""")]
    [InlineData("default(vars.missing || vars.name, 'x')", "\"world\"")]
    [InlineData("default(vars.missing || vars.other, 'x')", "\"x\"")]
    [InlineData("default(vars.missing == null, false)", "true")]
    [InlineData("default(toJson(vars.missing), 'x')", "\"null\"")]
    [InlineData("default(default(vars.a, vars.b), 'z')", "\"z\"")]
    [InlineData("default(vars.missing, 1) == 1", "true")]
    public void Default_gives_its_first_argument_unless_it_is_undefined_or_null(string expression, string expected)
    {
        Assert.Equal(expected, EvaluateToJson(expression));
    }

    [Fact]
    public void Default_evaluates_its_fallback_strictly()
    {
        var error = EvaluationError("default(vars.missing, vars.alsoMissing)");

        Assert.StartsWith("'vars.alsoMissing' is not defined; ", error.Message);
        Assert.Equal(22, error.Position);
        Assert.Equal(16, error.Length);
    }

    [Fact]
    public void Default_does_not_forgive_an_unknown_root_name()
    {
        var error = EvaluationError("default(varz.x, 1)");

        Assert.Equal("unknown name 'varz'; use vars., steps., env. or secrets.", error.Message);
        Assert.Equal(8, error.Position);
    }

    [Fact]
    public void Default_does_not_evaluate_its_fallback_when_the_value_is_there()
    {
        Assert.Equal("world", Evaluate("default(vars.name, vars.missing)").GetString());
    }

    [Theory]
    [InlineData("vars.flag || vars.missing", "true")]
    [InlineData("vars.off && vars.missing", "false")]
    [InlineData("vars.name || vars.missing", "\"world\"")]
    [InlineData("vars.zero && vars.missing", "0")]
    [InlineData("vars.empty && vars.missing", "\"\"")]
    [InlineData("vars.nothing && vars.missing", "null")]
    [InlineData("vars.empty || 'fallback'", "\"fallback\"")]
    [InlineData("vars.name && vars.count", "3")]
    [InlineData("vars.list || 1", """["a","b","c"]""")]
    [InlineData("'' || 0", "0")]
    [InlineData("null || null", "null")]
    [InlineData("0 || '' || 'third'", "\"third\"")]
    [InlineData("1 && 'x' && vars.obj", """{"x":1,"y":[1,2]}""")]
    public void And_and_or_short_circuit_and_give_one_of_their_operands(string expression, string expected)
    {
        Assert.Equal(expected, EvaluateToJson(expression));
    }

    [Theory]
    [InlineData("vars.off || vars.missing", 12)]
    [InlineData("vars.flag && vars.missing", 13)]
    public void The_right_operand_is_evaluated_when_it_decides_the_result(string expression, int position)
    {
        var error = EvaluationError(expression);

        Assert.StartsWith("'vars.missing' is not defined; ", error.Message);
        Assert.Equal(position, error.Position);
        Assert.Equal(12, error.Length);
    }

    [Theory]
    [InlineData("!vars.list", false)]
    [InlineData("!fromJson('[]')", false)]
    [InlineData("!fromJson('{}')", false)]
    [InlineData("!vars.empty", true)]
    [InlineData("!vars.zero", true)]
    [InlineData("!vars.nothing", true)]
    [InlineData("!'false'", false)]
    [InlineData("!'0'", false)]
    public void Not_gives_a_boolean_by_truthiness(string expression, bool expected)
    {
        var value = Evaluate(expression);

        Assert.Equal(expected ? JsonValueKind.True : JsonValueKind.False, value.ValueKind);
    }

    [Theory]
    [InlineData("1 == 1.0", true)]
    [InlineData("1 == 1e0", true)]
    [InlineData("0.1 == 1e-1", true)]
    [InlineData("-0 == 0", true)]
    [InlineData("vars.count == 3.00", true)]
    [InlineData("'a' == 'a'", true)]
    [InlineData("'a' == 'A'", false)]
    [InlineData("\"x\" == 'x'", true)]
    [InlineData("1 == '1'", false)]
    [InlineData("true == 1", false)]
    [InlineData("true == true", true)]
    [InlineData("true == false", false)]
    [InlineData("null == null", true)]
    [InlineData("vars.nothing == null", true)]
    [InlineData("null == false", false)]
    [InlineData("null == ''", false)]
    [InlineData("null == 0", false)]
    [InlineData("0 == false", false)]
    [InlineData("'' == false", false)]
    [InlineData("vars.list == fromJson('[\"a\",\"b\",\"c\"]')", true)]
    [InlineData("vars.list == fromJson('[\"a\",\"c\",\"b\"]')", false)]
    [InlineData("vars.list == fromJson('[\"a\",\"b\"]')", false)]
    [InlineData("vars.obj == fromJson('{\"y\":[1,2.0],\"x\":1}')", true)]
    [InlineData("vars.obj == fromJson('{\"x\":1}')", false)]
    [InlineData("vars.obj == fromJson('{\"x\":1,\"y\":[1,2],\"z\":null}')", false)]
    [InlineData("fromJson('[]') == fromJson('{}')", false)]
    [InlineData("fromJson('[]') == fromJson('[]')", true)]
    [InlineData("fromJson('[[1],{\"a\":null}]') == fromJson('[[1.0],{\"a\":null}]')", true)]
    [InlineData("vars.name != 'world'", false)]
    [InlineData("1 != '1'", true)]
    [InlineData("vars.list != vars.numbers", true)]
    public void Equality_compares_json_values_deeply(string expression, bool expected)
    {
        Assert.Equal(expected, Evaluate(expression).GetBoolean());
    }

    [Theory]
    [InlineData("1 < '2'", "cannot compare a number with a string using '<'; both sides must be numbers or both strings", 0, 7)]
    [InlineData("vars.list >= 1", "cannot compare an array with a number using '>='; both sides must be numbers or both strings", 0, 14)]
    [InlineData("null <= null", "cannot compare null with null using '<='; both sides must be numbers or both strings", 0, 12)]
    [InlineData("true > false", "cannot compare a boolean with a boolean using '>'; both sides must be numbers or both strings", 0, 12)]
    [InlineData("vars.flag && (vars.obj > 'x')", "cannot compare an object with a string using '>'; both sides must be numbers or both strings", 14, 14)]
    [InlineData("1 < 2 < 3", "cannot compare a boolean with a number using '<'; both sides must be numbers or both strings", 0, 9)]
    public void Ordering_anything_but_two_numbers_or_two_strings_is_an_error(string expression, string message, int position, int length)
    {
        var error = EvaluationError(expression);

        Assert.Equal(message, error.Message);
        Assert.Equal(position, error.Position);
        Assert.Equal(length, error.Length);
    }

    [Fact]
    public void Numbers_too_long_for_a_decimal_still_compare()
    {
        Assert.True(Evaluate("1e400 > 1e300").GetBoolean());
        Assert.True(Evaluate("123456789012345678901234567890123 > 2").GetBoolean());
    }
}
