using TalkingBinaries.Protocol.Messages;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Planning;

namespace TalkingBinaries.Workflow.Tests;

public sealed class DeclarationCheckSpecs
{
    private const string Path = "/project/DevFile";

    private static readonly Dictionary<string, PluginDeclarations?> Silent = [];

    [Fact]
    public void A_variable_in_vars_or_given_on_the_command_line_is_not_warned_about_and_a_misspelt_one_is_with_a_suggestion()
    {
        var devFile = Load("""
            vars:
              region: eu
            plugins:
              - ref: echo
            steps:
              - name: hi
                plugin: echo
                config:
                  say: "${{ vars.region }} ${{ vars.given }} ${{ vars.regoin }}"
            """);

        var warnings = DeclarationChecks.Warn(devFile, ["given"], Declaring("echo", variables: []), asked: true);

        var warning = Assert.Single(warnings);
        Assert.Equal(new SourceLocation(Path, 9, 54), warning.Location);
        Assert.Contains("'vars.regoin' is not declared by vars:, --var, --var-file or any plugin; did you mean 'region'?", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_variable_declared_by_a_plugin_a_step_uses_is_known_and_one_declared_by_an_unused_plugin_is_not()
    {
        var devFile = Load("""
            plugins:
              - ref: setter
              - ref: unused
            steps:
              - name: set
                plugin: setter
              - name: read
                plugin: setter
                if: vars.from_setter && vars.from_unused
            """);
        var declarations = new Dictionary<string, PluginDeclarations?>
        {
            ["setter"] = new() { Variables = ["from_setter"] },
            ["unused"] = new() { Variables = ["from_unused"] },
        };

        var warnings = DeclarationChecks.Warn(devFile, [], declarations, asked: true);

        Assert.Contains("'vars.from_unused'", Assert.Single(warnings).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plugin_that_declares_no_variables_softens_the_warning_and_names_itself()
    {
        var devFile = Load("""
            plugins:
              - ref: old
            steps:
              - name: hi
                plugin: old
                timeout: ${{ vars.limit }}
            """);

        var asked = Assert.Single(DeclarationChecks.Warn(devFile, [], new Dictionary<string, PluginDeclarations?> { ["old"] = new() { Outputs = [] } }, asked: true));
        var notAsked = Assert.Single(DeclarationChecks.Warn(devFile, [], Silent, asked: false));

        Assert.Contains("plugin 'old' does not declare the variables it sets, so it may be set while the run goes on", asked.Message, StringComparison.Ordinal);
        Assert.Contains("plugin 'old' was not asked (--no-probe)", notAsked.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_seed_plugin_sets_no_variables_so_the_warning_stays_firm()
    {
        var devFile = Load("""
            plugins:
              - ref: seedy
                protocol: seed
            steps:
              - name: hi
                plugin: seedy
                config:
                  x: ${{ vars.nope }}
            """);

        var warning = Assert.Single(DeclarationChecks.Warn(devFile, [], Silent, asked: true));

        Assert.Contains("is not declared by vars:, --var, --var-file or any plugin", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_variable_read_through_default_is_not_warned_about_even_nested_but_one_outside_it_is()
    {
        var devFile = Load("""
            plugins:
              - ref: echo
            steps:
              - name: hi
                plugin: echo
                if: "!(default(vars.a.b, vars.fallback) == 'x') || vars.c"
            """);

        var warnings = DeclarationChecks.Warn(devFile, [], Declaring("echo", variables: []), asked: true);

        Assert.Collection(
            warnings,
            first => Assert.Contains("': 'vars.fallback' is not declared", first.Message, StringComparison.Ordinal),
            second => Assert.Contains("': 'vars.c' is not declared", second.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void An_output_the_producers_plugin_does_not_declare_is_warned_about_unless_the_plugin_does_not_declare_outputs()
    {
        var devFile = Load("""
            plugins:
              - ref: echo
              - ref: other
            steps:
              - name: build
                plugin: echo
              - name: other
                plugin: other
              - name: use
                plugin: echo
                config:
                  a: ${{ steps.build.outputs.said }}
                  b: ${{ steps.build.outputs.sad }}
                  c: ${{ steps.other.outputs.anything }}
                  d: ${{ steps.build.status }}
            """);
        var declarations = new Dictionary<string, PluginDeclarations?> { ["echo"] = new() { Variables = [], Outputs = ["said"] }, ["other"] = null };

        var warning = Assert.Single(DeclarationChecks.Warn(devFile, [], declarations, asked: true));

        Assert.Equal(new SourceLocation(Path, 13, 14), warning.Location);
        Assert.Equal(
            "in '${{ steps.build.outputs.sad }}': step 'build' uses plugin 'echo', which declares the outputs said, not 'sad'; did you mean 'said'? use a declared output, or have the plugin declare 'sad'",
            warning.Message);
    }

    private static Dictionary<string, PluginDeclarations?> Declaring(string reference, IReadOnlyList<string> variables) =>
        new() { [reference] = new PluginDeclarations { Variables = variables } };

    private static DevFile Load(string text) => DevFileLoader.Parse(text, Path);
}
