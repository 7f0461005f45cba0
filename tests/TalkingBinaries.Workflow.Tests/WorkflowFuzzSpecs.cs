using CsCheck;
using TalkingBinaries.Tests;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Expressions;
using TalkingBinaries.Workflow.Tests.Expressions;

namespace TalkingBinaries.Workflow.Tests;

/// <summary>Random and mutated DevFiles and expressions: each loads or parses, or fails with a located error; nothing else escapes.</summary>
[Trait("Category", "Fuzz")]
public sealed class WorkflowFuzzSpecs
{
    private static readonly string[] DevFiles =
    [
        """
        plugins:
          - ref: echo
          - ref: shell
            path: ./tools/shell
            protocol: seed
        steps:
          - name: say_hi
            plugin: echo
            config:
              say: hello world
          - name: build
            plugin: shell
            parallel: true
            needs: [say_hi]
            timeout: 30s
            if: ${{ vars.go && !failure() }}
            continue_on_error: true
            config:
              commands: ["echo ${{ vars.who }}", "make"]
              env: { A: "${{ toJson(steps.say_hi.outputs) }}" }
        """,
        """
        max_parallel: 2
        secrets: [TOKEN]
        vars:
          who: world
          list: [1, 2, {a: b}]
          anchor: &a { x: [1, 2] }
          again: *a
        plugins: [{ref: p, name: tb-p, warm: false}]
        steps: [{name: s, plugin: p, config: {k: "${{ secrets.TOKEN }}", n: 1.5e3, t: ~}}]
        """,
        "plugins:\n  - ref: a\nsteps:\n  - name: 'x'\n    plugin: a\n    config: |\n      multi\n      line\n",
    ];

    private static readonly string[] Expressions =
    [
        "vars.name",
        "steps.build.outputs.tags[1] == 'y' && !(vars.count < 2)",
        "format('{0}-{1}', vars.name, toJson(vars.obj))",
        "contains(fromJson(vars.json).a, 2) || startsWith(vars.version, '1.')",
        "default(vars.missing, vars['build-1'])",
        "success() && (always() || cancelled() || failure())",
        "vars.nested.a.b != null && join(vars.list, ', ')",
        "'it''s' == \"x\" || 0x1F >= -1.5e2",
    ];

    [Fact]
    public void A_mutated_DevFile_loads_or_gives_errors_with_a_location()
    {
        Fuzz.Mutations(DevFiles).Sample(text =>
        {
            try
            {
                DevFileLoader.Parse(text, "/fuzz/DevFile");
            }
            catch (DevFileException exception)
            {
                Assert.False(string.IsNullOrWhiteSpace(exception.Message));
                Assert.All(exception.Errors, error => Assert.StartsWith("/fuzz/DevFile", error.ToString(), StringComparison.Ordinal));
            }
        }, iter: Fuzz.Iterations(1500));
    }

    [Fact]
    public void A_mutated_expression_parses_and_evaluates_or_fails_with_an_expression_error()
    {
        Fuzz.Mutations(Expressions).Sample(text =>
        {
            try
            {
                var expression = Expression.Parse(text);
                expression.Evaluate(ExpressionSamples.Context);
            }
            catch (ExpressionException exception)
            {
                Assert.False(string.IsNullOrWhiteSpace(exception.Message));
            }
        }, iter: Fuzz.Iterations(3000));
    }

    [Fact]
    public void A_mutated_template_parses_and_evaluates_or_fails_with_an_expression_error()
    {
        Fuzz.Mutations([.. Expressions.Select(expression => $"text ${{{{ {expression} }}}} more $${{{{ not }}}}")]).Sample(text =>
        {
            try
            {
                Template.Parse(text).Evaluate(ExpressionSamples.Context);
            }
            catch (ExpressionException exception)
            {
                Assert.False(string.IsNullOrWhiteSpace(exception.Message));
            }
        }, iter: Fuzz.Iterations(3000));
    }
}
