using TalkingBinaries.Workflow.Expressions;

namespace TalkingBinaries.Workflow.Tests.Expressions;

public sealed class ExpressionReferenceSpecs
{
    [Theory]
    [InlineData("steps.build.outputs.version", "steps", "build,outputs,version", 0, 27)]
    [InlineData("steps.build-1.outputs.x", "steps", "build-1,outputs,x", 0, 23)]
    [InlineData("vars", "vars", "", 0, 4)]
    [InlineData("vars.list[0]", "vars", "list,0", 0, 12)]
    [InlineData("vars.list[-1]", "vars", "list,-1", 0, 13)]
    [InlineData("vars['a b']", "vars", "a b", 0, 11)]
    [InlineData("vars[\"k\"].x", "vars", "k,x", 0, 11)]
    [InlineData("vars . a", "vars", "a", 0, 8)]
    [InlineData("!env.HOME", "env", "HOME", 1, 8)]
    [InlineData("(vars).a", "vars", "", 1, 4)]
    [InlineData("vars[true].x", "vars", "", 0, 4)]
    public void A_path_from_a_name_is_a_reference_with_its_literal_segments_and_place(
        string expression, string root, string segments, int position, int length)
    {
        var reference = Assert.Single(Expression.Parse(expression).References);

        Assert.Equal(root, reference.Root);
        Assert.Equal(segments.Length == 0 ? [] : segments.Split(','), reference.Segments);
        Assert.Equal(position, reference.Position);
        Assert.Equal(length, reference.Length);
    }

    [Fact]
    public void A_computed_index_ends_the_segments_and_is_a_reference_of_its_own()
    {
        var references = Expression.Parse("steps.x[vars.key].y").References;

        Assert.Equal(2, references.Count);
        Assert.Equal("steps", references[0].Root);
        Assert.Equal(["x"], references[0].Segments);
        Assert.Equal((0, 7), (references[0].Position, references[0].Length));
        Assert.Equal("vars", references[1].Root);
        Assert.Equal(["key"], references[1].Segments);
        Assert.Equal((8, 8), (references[1].Position, references[1].Length));
    }

    [Fact]
    public void References_are_listed_in_the_order_they_are_written_repeats_included()
    {
        var references = Expression.Parse(
            "vars.a == env.B && contains(secrets.list, steps.s.outputs.o) || vars.a").References;

        Assert.Equal(["vars", "env", "secrets", "steps", "vars"], references.Select(reference => reference.Root));
        Assert.Equal([0, 10, 28, 42, 64], references.Select(reference => reference.Position));
        Assert.Equal(["s", "outputs", "o"], references[3].Segments);
    }

    [Fact]
    public void References_inside_function_arguments_and_indexes_are_found()
    {
        var references = Expression.Parse("default(vars.a[env.i], toJson(steps.b))").References;

        Assert.Equal(["vars", "env", "steps"], references.Select(reference => reference.Root));
        Assert.Equal(["a"], references[0].Segments);
        Assert.Equal(["i"], references[1].Segments);
        Assert.Equal(["b"], references[2].Segments);
    }

    [Theory]
    [InlineData("'vars.a'")]
    [InlineData("true || null")]
    [InlineData("1 == 2")]
    [InlineData("success()")]
    [InlineData("fromJson('{}').a.b")]
    public void Literals_and_paths_that_start_at_a_call_are_no_references(string expression)
    {
        Assert.Empty(Expression.Parse(expression).References);
    }

    [Fact]
    public void A_path_from_a_call_still_reports_the_references_in_its_arguments()
    {
        var reference = Assert.Single(Expression.Parse("fromJson(vars.json).a").References);

        Assert.Equal("vars", reference.Root);
        Assert.Equal(["json"], reference.Segments);
        Assert.Equal(9, reference.Position);
    }

    [Theory]
    [InlineData("vars.a", "")]
    [InlineData("success()", "success")]
    [InlineData("success() && contains(vars.a, 'x') || contains(vars.b, 'y')", "success,contains")]
    [InlineData("default(toJson(vars.a), '')", "default,toJson")]
    [InlineData("!failure() || cancelled() || always()", "failure,cancelled,always")]
    [InlineData("fromJson(vars.j)[endsWith(vars.a, 'b')]", "fromJson,endsWith")]
    [InlineData("startsWith('a', 'b')", "startsWith")]
    public void Functions_lists_each_function_called_once_in_the_order_first_written(string expression, string expected)
    {
        Assert.Equal(expected.Length == 0 ? [] : expected.Split(','), Expression.Parse(expression).Functions);
    }
}
