using System.Text.Json;

namespace TalkingBinaries.Workflow.Expressions;

/// <summary>A parsed <c>${{ }}</c> expression: literals, paths such as <c>steps.build.outputs.version</c>, operators and function calls.</summary>
/// <remarks>An expression is immutable once parsed and may be evaluated any number of times, from any thread.</remarks>
internal abstract class Expression
{
    private string? _text;
    private IReadOnlyList<ExpressionReference>? _references;
    private IReadOnlyList<string>? _functions;

    private protected Expression(string source, int position, int length)
    {
        Source = source;
        Position = position;
        Length = length;
    }

    /// <summary>The source text of the expression; for one inside a template, what is between the braces, trimmed.</summary>
    public string Text => _text ??= Source.Substring(Position, Length);

    /// <summary>Every path the expression reads that starts at a name, in the order they are written.</summary>
    /// <remarks>Literal member names and indexes are segments; a computed index such as <c>a[vars.key]</c> ends the segments.</remarks>
    public IReadOnlyList<ExpressionReference> References => _references ??= CollectReferences();

    /// <summary>The names of the functions the expression calls, each once, in the order they are first written.</summary>
    public IReadOnlyList<string> Functions => _functions ??= CollectFunctions();

    /// <summary>The whole text this node was parsed from (for a template, the whole template).</summary>
    internal string Source { get; }

    /// <summary>The 0-based offset of this node in <see cref="Source"/>.</summary>
    internal int Position { get; }

    /// <summary>How many characters of <see cref="Source"/> this node spans.</summary>
    internal int Length { get; }

    internal int End => Position + Length;

    /// <summary>How many levels the expression nests, itself included: 1 for a literal or a name; at most <see cref="ExpressionParser.MaxDepth"/>.</summary>
    internal int Height { get; set; } = 1;

    /// <summary>Parses an expression, the text between <c>${{</c> and <c>}}</c>.</summary>
    /// <exception cref="ExpressionException">The text is not an expression; the exception says where and why.</exception>
    public static Expression Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return ExpressionParser.Parse(text, 0, text.Length).WithText(text);
    }

    /// <summary>Computes the expression's value.</summary>
    /// <exception cref="ExpressionException">A name is unknown, a path is not defined or a value has the wrong type; the exception marks the part at fault.</exception>
    public JsonElement Evaluate(ExpressionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return JsonValues.OrNull(Evaluate(new EvaluationScope(context, Lenient: false)));
    }

    /// <inheritdoc/>
    public override string ToString() => Text;

    /// <summary>Computes the value; inside <c>default()</c>'s first argument a path that is not there is an undefined value rather than an error.</summary>
    internal abstract JsonElement Evaluate(EvaluationScope scope);

    /// <summary>Adds the paths this node reads and the functions it calls, children included.</summary>
    internal abstract void Collect(List<ExpressionReference> references, List<string> functions);

    /// <summary>An error about this node as a whole.</summary>
    internal ExpressionException Error(string message) => new(message, Position, Length);

    /// <summary>Sets the text the parsed expression reports, before anyone else sees it.</summary>
    internal Expression WithText(string text)
    {
        _text = text;
        return this;
    }

    private List<ExpressionReference> CollectReferences()
    {
        var references = new List<ExpressionReference>();
        Collect(references, []);
        return [.. references.OrderBy(reference => reference.Position)];
    }

    private List<string> CollectFunctions()
    {
        var functions = new List<string>();
        Collect([], functions);
        return [.. functions.Distinct(StringComparer.Ordinal)];
    }
}
