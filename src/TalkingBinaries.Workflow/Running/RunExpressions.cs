using System.Collections.Concurrent;
using System.Text.Json;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Expressions;
using TalkingBinaries.Workflow.Planning;
using TalkingBinaries.Workflow.Reporting;
using TalkingBinaries.Workflow.Variables;

namespace TalkingBinaries.Workflow.Running;

/// <summary>Works out a step's <c>${{ }}</c> when it is about to start, from the run as it stands then.</summary>
/// <remarks>Thread-safe. <c>env</c> is read from the run's environment (the host's when null), and only where an expression asks for it.</remarks>
internal sealed class RunExpressions(VariableStore variables, IReadOnlyDictionary<string, string> secrets, ConcurrentDictionary<string, StepReport> finished, IReadOnlyDictionary<string, string>? environment)
{
    private static readonly string[] StatusFunctions = ["failure", "always", "cancelled"];

    /// <summary>Whether a step's condition looks at the run's state, so it may run after a failure or an interruption.</summary>
    public static bool IsStatusAware(StepDefinition step) =>
        step.If is { } condition && ExpressionChecks.Parse(condition).Any(expression => expression.Functions.Any(StatusFunctions.Contains));

    /// <summary>The step's condition; true when it has none.</summary>
    public bool Condition(StepDefinition step, ExpressionStatus status)
    {
        if (step.If is not { } condition)
        {
            return true;
        }

        var context = Context(step, status, [condition]);
        return Evaluate(condition, () => ExpressionChecks.Parse(condition) is [var single] && !Template.Contains(condition.Text)
            ? single.Evaluate(context)
            : Template.Parse(condition.Text).Evaluate(context)) is var value && Truthiness.IsTruthy(value);
    }

    /// <summary>The step's config with every <c>${{ }}</c> replaced.</summary>
    public JsonElement Config(StepDefinition step, ExpressionStatus status)
    {
        if (step.ConfigTemplates.Count == 0)
        {
            return step.Config;
        }

        var context = Context(step, status, step.ConfigTemplates);
        return TemplatedConfig.Replace(step.Config, step.ConfigTemplates, source => Evaluate(source, () => Template.Parse(source.Text).Evaluate(context)));
    }

    /// <summary>The step's timeout, worked out if it holds an expression.</summary>
    public TimeSpan? Timeout(StepDefinition step, ExpressionStatus status)
    {
        if (step.TimeoutTemplate is not { } source)
        {
            return step.Timeout;
        }

        var value = Evaluate(source, () => Template.Parse(source.Text).Evaluate(Context(step, status, [source])));
        var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
        return Durations.TryParse(text, out var timeout) && timeout > TimeSpan.Zero
            ? timeout
            : throw new StepSetupException(source.Location, $"'timeout' came out as '{text}', which is not a duration above zero such as 30s, 2m or 500ms");
    }

    private static JsonElement Evaluate(TemplateSource source, Func<JsonElement> evaluate)
    {
        try
        {
            return evaluate();
        }
        catch (ExpressionException exception)
        {
            throw new StepSetupException(source.At(exception.Position), $"in '{source.Text}': {exception.Message}");
        }
    }

    /// <summary>What the expressions of <paramref name="sources"/> can see; only the roots they name are built.</summary>
    /// <remarks>Building <c>steps</c> copies every finished step's outputs and <c>env</c> the whole environment: work a step should not pay for when it does not look.</remarks>
    private ExpressionContext Context(StepDefinition step, ExpressionStatus status, IEnumerable<TemplateSource> sources)
    {
        HashSet<string> used;
        try
        {
            used = sources.SelectMany(ExpressionChecks.Parse).SelectMany(expression => expression.References).Select(reference => reference.Root).ToHashSet(StringComparer.Ordinal);
        }
        catch (ExpressionException)
        {
            // Evaluating reports the error with its position; until then, offer everything.
            used = [.. ExpressionChecks.Roots];
        }

        var roots = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var root in used.Intersect(ExpressionChecks.Roots))
        {
            roots[root] = root switch
            {
                "vars" => JsonObjects.From(variables.Snapshot()),
                "steps" => JsonObjects.Steps(finished),
                "env" => JsonObjects.Environment(environment),
                _ => JsonObjects.From(secrets),
            };
        }

        // A matrix instance's values (docs/devfile.md, "Matrix"); other steps have no 'matrix', which the checks before the run report.
        if (step.Matrix is { } matrix)
        {
            roots[ExpressionChecks.MatrixRoot] = matrix.Object;
        }

        return new ExpressionContext { Roots = roots, Status = status };
    }
}
