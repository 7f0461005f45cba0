using System.Text.Json;
using TalkingBinaries.Workflow.Expressions;
using static TalkingBinaries.Workflow.Tests.Expressions.ExpressionSamples;

namespace TalkingBinaries.Workflow.Tests.Expressions;

public sealed class TemplateSpecs
{
    [Theory]
    [InlineData("hello")]
    [InlineData("")]
    [InlineData("{{ not an expression }}")]
    [InlineData("${ also not }")]
    [InlineData("}} stray braces {{")]
    public void Text_without_expressions_is_a_string_of_itself(string text)
    {
        var template = Template.Parse(text);

        var value = template.Evaluate(Context);

        Assert.False(template.HasExpressions);
        Assert.False(template.IsSingleExpression);
        Assert.Empty(template.Expressions);
        Assert.Equal(JsonValueKind.String, value.ValueKind);
        Assert.Equal(text, value.GetString());
    }

    [Theory]
    [InlineData("${{ vars.list }}", """["a","b","c"]""", JsonValueKind.Array)]
    [InlineData("${{vars.count}}", "3", JsonValueKind.Number)]
    [InlineData("${{ vars.flag }}", "true", JsonValueKind.True)]
    [InlineData("${{ vars.nothing }}", "null", JsonValueKind.Null)]
    [InlineData("${{ vars.obj }}", """{"x":1,"y":[1,2]}""", JsonValueKind.Object)]
    [InlineData("${{ 'text' }}", "\"text\"", JsonValueKind.String)]
    [InlineData("${{ fromJson('[1,2]') }}", "[1,2]", JsonValueKind.Array)]
    [InlineData("${{\n  vars.count == 3\n}}", "true", JsonValueKind.True)]
    public void A_single_expression_keeps_the_json_type_of_its_value(string text, string expected, JsonValueKind kind)
    {
        var value = Template.Parse(text).Evaluate(Context);

        Assert.Equal(kind, value.ValueKind);
        Assert.Equal(expected, Compact(value));
    }

    [Theory]
    [InlineData("${{ a }}", true)]
    [InlineData("${{a}}", true)]
    [InlineData("${{\n a \n}}", true)]
    [InlineData("${{ a }} ", false)]
    [InlineData(" ${{ a }}", false)]
    [InlineData("x${{ a }}", false)]
    [InlineData("${{ a }}${{ b }}", false)]
    [InlineData("$${{ a }}", false)]
    [InlineData("plain", false)]
    public void Only_a_template_that_is_exactly_one_expression_is_a_single_expression(string text, bool expected)
    {
        Assert.Equal(expected, Template.Parse(text).IsSingleExpression);
    }

    [Theory]
    [InlineData("Hello ${{ vars.name }}!", "Hello world!")]
    [InlineData("n=${{ vars.count }}", "n=3")]
    [InlineData(" ${{ vars.count }}", " 3")]
    [InlineData("${{ vars.flag }}/${{ vars.off }}", "true/false")]
    [InlineData("[${{ vars.nothing }}]", "[]")]
    [InlineData("[${{ default(vars.missing, null) }}]", "[]")]
    [InlineData("list=${{ vars.list }}", """list=["a","b","c"]""")]
    [InlineData("obj=${{ vars.obj }}", """obj={"x":1,"y":[1,2]}""")]
    [InlineData("n=${{ 1.50 }}", "n=1.50")]
    [InlineData("${{ vars.name }}${{ vars.name }}", "worldworld")]
    [InlineData("v${{ steps.build.outputs.version }} in ${{ env.HOME }} as ${{ vars.key }}", "v1.2.3 in /home/me as name")]
    [InlineData("quote: ${{ 'it''s' }}", "quote: it's")]
    [InlineData("${{ '}}' }} and ${{ \"a}}b\" }}", "}} and a}}b")]
    [InlineData("${{ 'it''s }}' }}!", "it's }}!")]
    [InlineData("${{ \"say \\\"}}\\\"\" }}!", "say \"}}\"!")]
    public void Expressions_in_text_are_spliced_in_as_text(string text, string expected)
    {
        var value = Template.Parse(text).Evaluate(Context);

        Assert.Equal(JsonValueKind.String, value.ValueKind);
        Assert.Equal(expected, value.GetString());
    }

    [Theory]
    [InlineData("$${{ vars.name }}", "${{ vars.name }}", 0)]
    [InlineData("a $${{ b }} ${{ vars.name }}", "a ${{ b }} world", 1)]
    [InlineData("cost: $$${{ x }}", "cost: $${{ x }}", 0)]
    [InlineData("$${{${{ vars.count }}}}", "${{3}}", 1)]
    [InlineData("$5 and $${{", "$5 and ${{", 0)]
    public void A_doubled_dollar_writes_a_literal_opening_and_is_no_expression(string text, string expected, int expressions)
    {
        var template = Template.Parse(text);

        Assert.Equal(expressions, template.Expressions.Count);
        Assert.Equal(expected, template.Evaluate(Context).GetString());
    }

    [Theory]
    [InlineData("${{ x }}", true)]
    [InlineData("text ${{ x }} text", true)]
    [InlineData("${{", true)]
    [InlineData("$${{ x }}", false)]
    [InlineData("$$${{ x }}", false)]
    [InlineData("a $${{ b }} ${{ c }}", true)]
    [InlineData("$${{${{ c }}", true)]
    [InlineData("${ { x }", false)]
    [InlineData("{{ x }}", false)]
    [InlineData("$ {{ x }}", false)]
    [InlineData("", false)]
    public void Contains_finds_an_opening_that_is_not_escaped(string text, bool expected)
    {
        Assert.Equal(expected, Template.Contains(text));
    }

    [Theory]
    [InlineData("${{ x }}")]
    [InlineData("$${{ x }}")]
    [InlineData("$$${{ x }}")]
    [InlineData("a $${{ b }} ${{ c }}")]
    [InlineData("$${{${{ c }}")]
    [InlineData("plain")]
    public void Contains_agrees_with_what_parsing_finds(string text)
    {
        Assert.Equal(Template.Parse(text).HasExpressions, Template.Contains(text));
    }

    [Theory]
    [InlineData("abc ${{ vars.name", "a '${{' that is never closed; expected '}}' to end the expression", 4, 3)]
    [InlineData("${{ a }} and ${{ b", "a '${{' that is never closed; expected '}}' to end the expression", 13, 3)]
    [InlineData("${{ a } }", "a '${{' that is never closed; expected '}}' to end the expression", 0, 3)]
    [InlineData("x ${{ 'abc }}", "a string that is never closed; expected a closing '", 6, 7)]
    [InlineData("x ${{ \"abc }}", "a string that is never closed; expected a closing \"", 6, 7)]
    [InlineData("a ${{ }} b", "an empty '${{ }}'; expected an expression between the braces", 2, 6)]
    [InlineData("${{}}", "an empty '${{ }}'; expected an expression between the braces", 0, 5)]
    [InlineData("name: ${{ vars.a = 1 }}", "unexpected '='; use '==' to compare", 17, 1)]
    [InlineData("ok ${{ a }} then ${{ (b }}", "expected ')' to close '(' at 21", 24, 0)]
    [InlineData("${{ a } b }}", "unexpected '}'", 6, 1)]
    [InlineData("x ${{ nope(1) }}", "unknown function 'nope'; known: always, cancelled, contains, default, endsWith, failure, fromJson, startsWith, success, toJson", 6, 4)]
    public void A_bad_template_is_an_error_at_its_place_in_the_whole_text(string text, string message, int position, int length)
    {
        var error = Assert.Throws<ExpressionException>(() => Template.Parse(text));

        Assert.Equal(message, error.Message);
        Assert.Equal(position, error.Position);
        Assert.Equal(length, error.Length);
    }

    [Fact]
    public void An_evaluation_error_is_at_its_place_in_the_whole_text()
    {
        var template = Template.Parse("Hi ${{ vars.name }}, ${{ vars.nested.zz }}");

        var error = Assert.Throws<ExpressionException>(() => template.Evaluate(Context));

        Assert.Equal("'vars.nested.zz' is not defined; vars.nested has a", error.Message);
        Assert.Equal(25, error.Position);
        Assert.Equal(14, error.Length);
    }

    [Fact]
    public void The_expressions_of_a_template_are_listed_in_order_with_their_trimmed_text()
    {
        var template = Template.Parse("${{ vars.a }} and ${{vars.b}} and ${{\n toJson(vars.c) \n}}");

        Assert.True(template.HasExpressions);
        Assert.Equal(["vars.a", "vars.b", "toJson(vars.c)"], template.Expressions.Select(expression => expression.Text));
    }

    [Fact]
    public void The_references_and_functions_of_a_template_expression_have_positions_in_the_whole_text()
    {
        var template = Template.Parse("${{ steps.build.outputs.version }} ${{ contains(vars.name, 'w') }}");

        var first = Assert.Single(template.Expressions[0].References);
        var second = Assert.Single(template.Expressions[1].References);

        Assert.Equal("steps", first.Root);
        Assert.Equal(["build", "outputs", "version"], first.Segments);
        Assert.Equal(4, first.Position);
        Assert.Equal(27, first.Length);
        Assert.Equal("vars", second.Root);
        Assert.Equal(["name"], second.Segments);
        Assert.Equal(48, second.Position);
        Assert.Equal(9, second.Length);
        Assert.Empty(template.Expressions[0].Functions);
        Assert.Equal(["contains"], template.Expressions[1].Functions);
    }

    [Fact]
    public void A_template_keeps_its_text()
    {
        var template = Template.Parse("a $${{ b }} ${{ c }}");

        Assert.Equal("a $${{ b }} ${{ c }}", template.Text);
        Assert.Equal("a $${{ b }} ${{ c }}", template.ToString());
    }
}
