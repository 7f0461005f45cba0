using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Expressions;

namespace TalkingBinaries.Workflow.Planning;

/// <summary>Checks every <c>${{ }}</c> of a DevFile before anything runs: syntax, names, and step references.</summary>
/// <remarks>
/// What can only be known while running (a variable a plugin sets, an environment variable) is checked when the
/// step starts; what can be known now is an error now, with the file, line and column of the expression.
/// </remarks>
internal static class ExpressionChecks
{
    public static readonly string[] Roots = ["vars", "steps", "env", "secrets"];
    private static readonly string[] StepFields = ["outputs", "status"];

    public static IEnumerable<DevFileError> Validate(IReadOnlyList<StepDefinition> steps)
    {
        var graph = StepGraph.Build(steps);
        var names = steps.Select(step => step.Name).ToHashSet(StringComparer.Ordinal);
        var errors = new List<DevFileError>();
        foreach (var step in steps)
        {
            // Only for a step whose expressions refer to another step that it does not wait for directly: the closure
            // costs time in the number of steps, and computing it for every step made loading thousands of steps quadratic.
            HashSet<string>? upstream = null;
            var sources = step.ConfigTemplates.Concat(step.TimeoutTemplate is { } timeout ? [timeout] : []).Concat(step.If is { } condition ? [condition] : []);
            foreach (var source in sources)
            {
                IReadOnlyList<Expression> expressions;
                try
                {
                    expressions = Parse(source);
                }
                catch (ExpressionException exception)
                {
                    errors.Add(new DevFileError(source.At(exception.Position), $"in '{source.Text}': {exception.Message}"));
                    continue;
                }

                foreach (var reference in expressions.SelectMany(expression => expression.References))
                {
                    if (Check(step, reference, other => graph.Dependencies[step.Name].Contains(other, StringComparer.Ordinal)
                        || (upstream ??= graph.Upstream(step.Name)).Contains(other), names) is { } problem)
                    {
                        errors.Add(new DevFileError(source.At(reference.Position), $"in '{source.Text}': {problem}"));
                    }
                }
            }
        }

        return errors;
    }

    /// <summary>The expressions of a source: <c>if</c> may be written with or without <c>${{ }}</c>.</summary>
    public static IReadOnlyList<Expression> Parse(TemplateSource source) =>
        source.Place == "if" && !Template.Contains(source.Text)
            ? [Expression.Parse(source.Text)]
            : Template.Parse(source.Text).Expressions;

    private static string? Check(StepDefinition step, ExpressionReference reference, Func<string, bool> waitsFor, HashSet<string> names)
    {
        if (!Roots.Contains(reference.Root))
        {
            return $"unknown name '{reference.Root}'; use vars., steps., env. or secrets.{Suggestions.DidYouMean(reference.Root, Roots)}";
        }

        if (reference.Root == "steps" && reference.Segments.Count > 0)
        {
            var other = reference.Segments[0];
            if (other == step.Name)
            {
                return $"step '{step.Name}' cannot use its own outputs";
            }

            if (!names.Contains(other))
            {
                return $"there is no step '{other}'{Suggestions.DidYouMean(other, names)}";
            }

            if (!waitsFor(other))
            {
                return $"step '{step.Name}' uses step '{other}' but does not wait for it; add '{other}' to its needs";
            }

            if (reference.Segments.Count > 1 && !StepFields.Contains(reference.Segments[1]))
            {
                return $"a step has 'outputs' and 'status', not '{reference.Segments[1]}'{Suggestions.DidYouMean(reference.Segments[1], StepFields)}";
            }
        }

        return null;
    }
}
