using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TalkingBinaries.Workflow.Expressions;

/// <summary>A string that may contain <c>${{ expression }}</c> parts; <c>$${{</c> stands for a literal <c>${{</c>.</summary>
/// <remarks>A template is immutable once parsed and may be evaluated any number of times, from any thread.</remarks>
internal sealed class Template
{
    private const string Open = "${{";
    private const string EscapedOpen = "$${{";
    private const string Close = "}}";

    private readonly IReadOnlyList<TemplatePart> _parts;

    /// <summary>The most characters a template, or a function in it, may produce: 1 Mi, so memory stays bounded (docs/devfile.md, "Limits").</summary>
    public const int MaxResultLength = 1024 * 1024;

    /// <summary>The message for a result over <see cref="MaxResultLength"/>, after what produced it.</summary>
    public static string TooLong => $"is longer than {MaxResultLength.ToString("N0", CultureInfo.InvariantCulture)} characters (1 MiB), the most an expression may produce; pass large data in a file instead";

    private Template(string text, IReadOnlyList<TemplatePart> parts)
    {
        Text = text;
        _parts = parts;
        Expressions = [.. parts.Where(part => part.Expression is not null).Select(part => part.Expression!)];
    }

    /// <summary>The template as written.</summary>
    public string Text { get; }

    /// <summary>True when the template has at least one <c>${{ }}</c>.</summary>
    public bool HasExpressions => Expressions.Count > 0;

    /// <summary>True when the whole template is exactly one <c>${{ }}</c>, so its value keeps its JSON type.</summary>
    public bool IsSingleExpression => _parts.Count == 1 && _parts[0].Expression is not null;

    /// <summary>The expressions, in the order they are written; their positions are offsets into the whole template.</summary>
    public IReadOnlyList<Expression> Expressions { get; }

    /// <summary>Parses a template.</summary>
    /// <exception cref="ExpressionException">A <c>${{</c> is never closed, is empty or holds a bad expression; the position is an offset into <paramref name="text"/>.</exception>
    public static Template Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = new List<TemplatePart>();
        var literal = new StringBuilder();
        var position = 0;
        while (position < text.Length)
        {
            if (text.AsSpan(position).StartsWith(EscapedOpen, StringComparison.Ordinal))
            {
                literal.Append(Open);
                position += EscapedOpen.Length;
            }
            else if (text.AsSpan(position).StartsWith(Open, StringComparison.Ordinal))
            {
                if (literal.Length > 0)
                {
                    parts.Add(new TemplatePart(literal.ToString(), null));
                    literal.Clear();
                }

                var start = position + Open.Length;
                var close = FindClose(text, position);
                if (string.IsNullOrWhiteSpace(text[start..close]))
                {
                    throw new ExpressionException(
                        "an empty '${{ }}'; expected an expression between the braces", position, close + Close.Length - position);
                }

                var expression = ExpressionParser.Parse(text, start, close).WithText(text[start..close].Trim());
                parts.Add(new TemplatePart(null, expression));
                position = close + Close.Length;
            }
            else
            {
                literal.Append(text[position]);
                position++;
            }
        }

        if (literal.Length > 0)
        {
            parts.Add(new TemplatePart(literal.ToString(), null));
        }

        return new Template(text, parts);
    }

    /// <summary>Whether <paramref name="text"/> has to go through <see cref="Parse"/> to come out right: it holds a <c>${{</c>, as an expression or in the escape <c>$${{</c>.</summary>
    /// <remarks>A string with only the escape still changes (<c>$${{</c> becomes <c>${{</c>), so it is a template too.</remarks>
    public static bool IsTemplate(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Contains(Open, StringComparison.Ordinal);
    }

    /// <summary>A cheap check for whether <paramref name="text"/> has a <c>${{</c> that is not escaped as <c>$${{</c>.</summary>
    public static bool Contains(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var from = 0;
        while (true)
        {
            var found = text.IndexOf(Open, from, StringComparison.Ordinal);
            if (found < 0)
            {
                return false;
            }

            // Parse reads "$${{" as an escape wherever a '$' comes just before "${{".
            if (found == 0 || text[found - 1] != '$')
            {
                return true;
            }

            from = found + 1;
        }
    }

    /// <summary>Evaluates the template: a single expression gives its value with its JSON type; anything else gives a string.</summary>
    /// <remarks>In a string, strings are spliced in as they are, null as nothing, and numbers, booleans, arrays and objects as compact JSON.</remarks>
    /// <exception cref="ExpressionException">An expression failed; the position is an offset into the whole template.</exception>
    public JsonElement Evaluate(ExpressionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (IsSingleExpression)
        {
            return Expressions[0].Evaluate(context);
        }

        var text = new StringBuilder();
        foreach (var part in _parts)
        {
            var piece = part.Expression is { } expression ? JsonValues.ToText(expression.Evaluate(context)) : part.Literal!;
            if (text.Length + piece.Length > MaxResultLength)
            {
                // Checked part by part, so thousands of large values never pile up before the check.
                throw part.Expression?.Error($"the text made with '{part.Expression.Text}' {TooLong}") ?? new ExpressionException($"the text {TooLong}", 0, Text.Length);
            }

            text.Append(piece);
        }

        return JsonValues.FromString(text.ToString());
    }

    /// <summary>The template as text, each expression replaced by what <paramref name="valueOf"/> gives, or kept as written when it gives null.</summary>
    /// <remarks>For showing a template whose values are only partly known (<c>tb run --dry-run</c>); literal <c>${{</c> is shown escaped, as written.</remarks>
    public string Render(Func<Expression, string?> valueOf)
    {
        ArgumentNullException.ThrowIfNull(valueOf);
        var text = new StringBuilder();
        foreach (var part in _parts)
        {
            text.Append(part.Expression is { } expression
                ? valueOf(expression) ?? $"{Open} {expression.Text} {Close}"
                : part.Literal!.Replace(Open, EscapedOpen, StringComparison.Ordinal));
        }

        return text.ToString();
    }

    /// <inheritdoc/>
    public override string ToString() => Text;

    /// <summary>The offset of the "}}" that ends the expression opened at <paramref name="open"/>, skipping "}}" inside its strings.</summary>
    private static int FindClose(string text, int open)
    {
        var position = open + Open.Length;
        while (position < text.Length)
        {
            var c = text[position];
            if (c is '\'' or '"')
            {
                position = SkipString(text, position);
            }
            else if (text.AsSpan(position).StartsWith(Close, StringComparison.Ordinal))
            {
                return position;
            }
            else
            {
                position++;
            }
        }

        throw new ExpressionException("a '${{' that is never closed; expected '}}' to end the expression", open, Open.Length);
    }

    /// <summary>The offset just after the string literal that starts at <paramref name="quote"/>.</summary>
    private static int SkipString(string text, int quote)
    {
        var position = quote + 1;
        while (position < text.Length)
        {
            var c = text[position];
            if (c == text[quote])
            {
                // In a single-quoted string '' is a quote: the string closes and at once reopens, so the scan goes on.
                return position + 1;
            }

            position += c == '\\' && text[quote] == '"' ? 2 : 1;
        }

        throw new ExpressionException($"a string that is never closed; expected a closing {text[quote]}", quote, text.Length - quote);
    }
}
