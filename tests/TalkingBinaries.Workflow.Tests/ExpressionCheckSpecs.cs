using TalkingBinaries.Workflow.DevFiles;

namespace TalkingBinaries.Workflow.Tests;

/// <summary>What <c>tb validate</c> finds in <c>${{ }}</c> before anything runs.</summary>
public sealed class ExpressionCheckSpecs
{
    private const string DevFilePath = "/projects/app/DevFile";

    [Fact]
    public void A_syntax_error_names_the_line_and_the_column_of_the_problem()
    {
        var error = SingleError("""
            - name: a
              plugin: p
              config:
                say: "x ${{ vars.a == }}"
            """);

        Assert.Equal(7, error.Location.Line);
        Assert.Equal(29, error.Location.Column);
        Assert.StartsWith("in 'x ${{ vars.a == }}': ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_root_name_is_reported_with_a_suggestion()
    {
        var error = SingleError("""
            - name: a
              plugin: p
              config:
                say: ${{ var.a }}
            """);

        Assert.Equal(new SourceLocation(DevFilePath, 7, 16), error.Location);
        Assert.Equal("in '${{ var.a }}': unknown name 'var'; use vars., steps., env. or secrets.; did you mean 'vars'?", error.Message);
    }

    [Fact]
    public void Using_a_step_that_is_not_waited_for_says_to_add_it_to_needs()
    {
        var error = SingleError("""
            - name: build
              plugin: p
              needs: []
            - name: deploy
              plugin: p
              needs: []
              config:
                version: ${{ steps.build.outputs.version }}
            """);

        Assert.Equal(new SourceLocation(DevFilePath, 11, 20), error.Location);
        Assert.Equal("in '${{ steps.build.outputs.version }}': step 'deploy' uses step 'build' but does not wait for it; add 'build' to its needs", error.Message);
    }

    [Theory]
    [InlineData("${{ steps.nope.outputs.x }}", "there is no step 'nope'")]
    [InlineData("${{ steps.b.outputs.x }}", "step 'b' cannot use its own outputs")]
    [InlineData("${{ steps.a.output.x }}", "a step has 'outputs' and 'status', not 'output'; did you mean 'outputs'?")]
    public void Step_references_are_checked(string expression, string message)
    {
        var error = SingleError($"""
            - name: a
              plugin: p
            - name: b
              plugin: p
              config:
                x: '{expression}'
            """);

        Assert.EndsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_step_waited_for_through_file_order_may_be_used()
    {
        var devFile = Load("""
            - name: a
              plugin: p
            - name: b
              plugin: p
            - name: c
              plugin: p
              if: steps.a.status == 'succeeded' && success()
              timeout: ${{ vars.limit }}
              config:
                x: ${{ steps.a.outputs.x }}
            """);

        var c = devFile.Step("c");
        Assert.Equal("if", c.If!.Place);
        Assert.Equal("timeout", c.TimeoutTemplate!.Place);
        Assert.Equal("/x", Assert.Single(c.ConfigTemplates).Place);
    }

    [Fact]
    public void Vars_and_secrets_are_read_from_the_DevFile()
    {
        var devFile = DevFileLoader.Parse("vars:\n  region: eu\n  sizes: [1, 2]\nsecrets: [TOKEN]\nplugins:\n  - ref: p\nsteps:\n  - { name: a, plugin: p }\n", DevFilePath);

        Assert.Equal("eu", devFile.Vars["region"].GetString());
        Assert.Equal(2, devFile.Vars["sizes"].GetArrayLength());
        Assert.Equal(["TOKEN"], devFile.Secrets);
    }

    private static DevFile Load(string steps) =>
        DevFileLoader.Parse("plugins:\n  - ref: p\nsteps:\n" + string.Join('\n', steps.Split('\n').Select(line => "  " + line)) + "\n", DevFilePath);

    private static DevFileError SingleError(string steps) =>
        Assert.Single(Assert.Throws<DevFileException>(() => Load(steps)).Errors);
}
