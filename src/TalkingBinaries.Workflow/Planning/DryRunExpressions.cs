using System.Text.Json;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Expressions;
using TalkingBinaries.Workflow.Running;

namespace TalkingBinaries.Workflow.Planning;

/// <summary>Works out a step's <c>${{ }}</c> before the run, as far as they can be known then.</summary>
/// <remarks>
/// Known before the run: the variables of <c>vars</c>, <c>--var</c> and <c>--var-file</c>, the secrets, and the environment.
/// Not known: steps' outputs and status, and variables no one sets before the run (a plugin may set them). Status
/// functions are worked out as if every step before succeeds.
/// </remarks>
internal sealed class DryRunExpressions(IReadOnlyDictionary<string, JsonElement> variables, IReadOnlyDictionary<string, string> secrets, IReadOnlyDictionary<string, string>? environment)
{
    private readonly List<DevFileError> _errors = [];
    private ExpressionContext? _context;
    private ExpressionContext? _matrixContext;

    /// <summary>Expressions that fail with values known now: the step would fail when it starts.</summary>
    public List<DevFileError> Errors => _errors;

    private ExpressionContext Context => _matrixContext ?? Known;

    private ExpressionContext Known => _context ??= new ExpressionContext
    {
        Roots = new Dictionary<string, JsonElement>(StringComparer.Ordinal)
        {
            ["vars"] = JsonObjects.From(variables),
            ["secrets"] = JsonObjects.From(secrets),
            ["env"] = JsonObjects.Environment(environment),
        },
    };

    /// <summary>Works out the expressions of <paramref name="step"/> from now on: a matrix instance sees its own values as <c>matrix</c>.</summary>
    public void Enter(StepDefinition step) => _matrixContext = step.Matrix is { } matrix
        ? new ExpressionContext { Roots = new Dictionary<string, JsonElement>(Known.Roots, StringComparer.Ordinal) { [ExpressionChecks.MatrixRoot] = matrix.Object } }
        : null;

    /// <summary>The value of a source, or null (with why in <paramref name="unknown"/>) when it reads what is known only during the run.</summary>
    public JsonElement? Resolve(TemplateSource source, List<string> unknown, string place)
    {
        var expressions = ExpressionChecks.Parse(source);
        var reasons = expressions.SelectMany(expression => expression.References).Select(Unknown).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (reasons.Count > 0)
        {
            unknown.AddRange(reasons.Select(reason => $"{place}: {reason}"));
            return null;
        }

        return Evaluate(source, () => source.Place == "if" && !Template.Contains(source.Text)
            ? expressions[0].Evaluate(Context)
            : Template.Parse(source.Text).Evaluate(Context));
    }

    /// <summary>A template's text with what is known filled in and the rest kept as written.</summary>
    public string Render(TemplateSource source) => Template.Parse(source.Text).Render(expression =>
        expression.References.Any(reference => Unknown(reference) is not null) ? null : JsonValues.ToText(Evaluate(source, () => expression.Evaluate(Context)) ?? JsonValues.Null));

    /// <summary>Why a path is not known before the run; null when it is.</summary>
    private string? Unknown(ExpressionReference reference)
    {
        var path = string.Join('.', reference.Segments.Prepend(reference.Root));
        return reference.Root switch
        {
            "steps" when reference.Segments.Count > 0 => $"{path} is known only once step '{reference.Segments[0]}' has run",
            "steps" => $"{path} is known only during the run",
            "vars" when reference.Segments.Count == 0 => $"{path} is known only during the run (plugins may set variables)",
            "vars" when !variables.ContainsKey(reference.Segments[0]) => $"{path} is not set before the run; a plugin may set it",
            _ => null,
        };
    }

    private JsonElement? Evaluate(TemplateSource source, Func<JsonElement> evaluate)
    {
        try
        {
            return evaluate();
        }
        catch (ExpressionException exception)
        {
            _errors.Add(new DevFileError(source.At(exception.Position), $"in '{source.Text}': {exception.Message}; the step would fail when it starts"));
            return null;
        }
    }

    /// <summary>The step's config with each known expression worked out and each unknown template rendered with what is known.</summary>
    public JsonElement Config(StepDefinition step, List<string> unknown) =>
        TemplatedConfig.Replace(step.Config, step.ConfigTemplates, source =>
        {
            var before = unknown.Count;
            return Resolve(source, unknown, "config" + source.Place)
                ?? JsonSerializer.SerializeToElement(unknown.Count > before ? Render(source) : source.Text, ExpressionJsonContext.Default.String);
        });
}
