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

    /// <summary>The name a matrix step's instances read their values from (<c>matrix.os</c>).</summary>
    public const string MatrixRoot = "matrix";
    private static readonly string[] StepFields = ["outputs", "status"];

    public static IEnumerable<DevFileError> Validate(IReadOnlyList<StepDefinition> steps)
    {
        var graph = StepGraph.Build(steps);
        var names = steps.Select(step => step.Name).ToHashSet(StringComparer.Ordinal);
        // For each matrix step, its first instance (to name in errors) and every key any of its instances has:
        // a key that only some instances get from 'include' is not an error, and default() can stand in for it.
        var matrixSteps = new Dictionary<string, (string Instance, HashSet<string> Keys)>(StringComparer.Ordinal);
        foreach (var step in steps)
        {
            if (step.Matrix is { } matrix)
            {
                if (!matrixSteps.TryGetValue(matrix.Step, out var known))
                {
                    matrixSteps[matrix.Step] = known = (step.Name, new HashSet<string>(StringComparer.Ordinal));
                }

                known.Keys.UnionWith(matrix.Values.Select(value => value.Key));
            }
        }

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
                        || (upstream ??= graph.Upstream(step.Name)).Contains(other), names, matrixSteps) is { } problem)
                    {
                        errors.Add(new DevFileError(source.At(reference.Position), $"in '{source.Text}': {problem}"));
                    }
                }
            }
        }

        return errors;
    }

    /// <summary>Why <c>matrix.KEY</c> cannot be read in <paramref name="step"/>; null when it can.</summary>
    private static string? MatrixProblem(StepDefinition step, ExpressionReference reference, Dictionary<string, (string Instance, HashSet<string> Keys)> matrixSteps)
    {
        if (step.Matrix is not { } matrix)
        {
            return $"'matrix' is known only in a step with 'matrix:', and step '{step.Name}' has none";
        }

        var keys = matrixSteps[matrix.Step].Keys;
        if (reference.Segments.Count > 0 && !keys.Contains(reference.Segments[0]))
        {
            return $"step '{matrix.Step}' has no matrix key '{reference.Segments[0]}' (it has {string.Join(", ", keys)}){Suggestions.DidYouMean(reference.Segments[0], keys)}";
        }

        return null;
    }

    /// <summary>The expressions of a source: <c>if</c> may be written with or without <c>${{ }}</c>.</summary>
    public static IReadOnlyList<Expression> Parse(TemplateSource source) =>
        source.Place == "if" && !Template.Contains(source.Text)
            ? [Expression.Parse(source.Text)]
            : Template.Parse(source.Text).Expressions;

    private static string? Check(StepDefinition step, ExpressionReference reference, Func<string, bool> waitsFor, HashSet<string> names, Dictionary<string, (string Instance, HashSet<string> Keys)> matrixSteps)
    {
        if (reference.Root == MatrixRoot)
        {
            return MatrixProblem(step, reference, matrixSteps);
        }

        if (!Roots.Contains(reference.Root))
        {
            var roots = step.Matrix is null ? Roots : [.. Roots, MatrixRoot];
            return $"unknown name '{reference.Root}'; use {string.Join(", ", roots.SkipLast(1).Select(root => root + "."))} or {roots[^1]}.{Suggestions.DidYouMean(reference.Root, roots)}";
        }

        if (reference.Root == "steps" && reference.Segments.Count > 0 && !names.Contains(reference.Segments[0]) && matrixSteps.TryGetValue(reference.Segments[0], out var matrixStep))
        {
            return $"'{reference.Segments[0]}' is a matrix step, whose outputs are its instances'; name one, e.g. steps['{matrixStep.Instance}']";
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
