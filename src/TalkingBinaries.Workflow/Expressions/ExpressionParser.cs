namespace TalkingBinaries.Workflow.Expressions;

/// <summary>Recursive descent over the expression grammar, lowest precedence first.</summary>
/// <remarks>
/// <code>
/// or         = and { "||" and }
/// and        = equality { "&amp;&amp;" equality }
/// equality   = comparison { ("==" | "!=") comparison }
/// comparison = unary { ("&lt;" | "&lt;=" | "&gt;" | "&gt;=") unary }
/// unary      = "!" unary | postfix
/// postfix    = primary { "." member | "[" or "]" }
/// primary    = string | number | "true" | "false" | "null" | name | name "(" [ or { "," or } ] ")" | "(" or ")"
/// </code>
/// Nesting is limited to <see cref="MaxDepth"/> levels, both while parsing (the descent is recursive) and in the tree
/// it builds (evaluating and collecting references are recursive too), so no expression can overflow the stack.
/// </remarks>
internal sealed class ExpressionParser
{
    /// <summary>How deep an expression may nest: parentheses, calls, indexes, members and operators each add a level.</summary>
    public const int MaxDepth = 64;

    private readonly string _source;
    private readonly ExpressionLexer _lexer;
    private Token _current;
    private int _depth;

    private ExpressionParser(string source, int start, int end)
    {
        _source = source;
        _lexer = new ExpressionLexer(source, start, end);
        _current = _lexer.Next();
    }

    /// <summary>Parses <paramref name="source"/> from <paramref name="start"/> to <paramref name="end"/> as one expression.</summary>
    public static Expression Parse(string source, int start, int end)
    {
        var parser = new ExpressionParser(source, start, end);
        if (parser._current.Kind == TokenKind.End)
        {
            throw new ExpressionException(
                "an empty expression; expected a value, a name or a function call", parser._current.Position, 0);
        }

        var expression = parser.ParseOr();
        return parser._current.Kind switch
        {
            TokenKind.End => expression,
            TokenKind.RightParen => throw parser.Unexpected("there is no '(' to close"),
            TokenKind.RightBracket => throw parser.Unexpected("there is no '[' to close"),
            _ => throw parser.Unexpected("expected an operator or the end of the expression"),
        };
    }

    private Expression ParseOr()
    {
        Enter();
        var left = ParseAnd();
        while (_current.Kind == TokenKind.Or)
        {
            Advance();
            var right = ParseAnd();
            left = Built(new LogicalExpression(_source, left, right, isAnd: false), left, right);
        }

        _depth--;
        return left;
    }

    private Expression ParseAnd()
    {
        var left = ParseEquality();
        while (_current.Kind == TokenKind.And)
        {
            Advance();
            var right = ParseEquality();
            left = Built(new LogicalExpression(_source, left, right, isAnd: true), left, right);
        }

        return left;
    }

    private Expression ParseEquality()
    {
        var left = ParseComparison();
        while (_current.Kind is TokenKind.Equal or TokenKind.NotEqual)
        {
            var (@operator, symbol) = _current.Kind == TokenKind.Equal ? (ComparisonOperator.Equal, "==") : (ComparisonOperator.NotEqual, "!=");
            Advance();
            var right = ParseComparison();
            left = Built(new ComparisonExpression(_source, left, @operator, symbol, right), left, right);
        }

        return left;
    }

    private Expression ParseComparison()
    {
        var left = ParseUnary();
        while (true)
        {
            (ComparisonOperator Operator, string Symbol)? found = _current.Kind switch
            {
                TokenKind.Less => (ComparisonOperator.Less, "<"),
                TokenKind.LessOrEqual => (ComparisonOperator.LessOrEqual, "<="),
                TokenKind.Greater => (ComparisonOperator.Greater, ">"),
                TokenKind.GreaterOrEqual => (ComparisonOperator.GreaterOrEqual, ">="),
                _ => null,
            };
            if (found is not { } comparison)
            {
                return left;
            }

            Advance();
            var right = ParseUnary();
            left = Built(new ComparisonExpression(_source, left, comparison.Operator, comparison.Symbol, right), left, right);
        }
    }

    private Expression ParseUnary()
    {
        if (_current.Kind != TokenKind.Not)
        {
            return ParsePostfix();
        }

        var start = _current.Position;
        Enter();
        Advance();
        var operand = ParseUnary();
        _depth--;
        return Built(new NotExpression(_source, start, operand.End - start, operand), operand);
    }

    private Expression ParsePostfix()
    {
        var expression = ParsePrimary();
        while (true)
        {
            if (_current.Kind == TokenKind.Dot)
            {
                // The member name is read straight after the dot: it may start with a digit or contain '-'.
                var member = _lexer.MemberName();
                expression = Built(new MemberExpression(_source, expression, member.Name!, member.End), expression);
                _current = _lexer.Next();
            }
            else if (_current.Kind == TokenKind.LeftBracket)
            {
                var open = _current;
                Advance();
                var index = ParseOr();
                var close = Expect(TokenKind.RightBracket, $"expected ']' to close '[' at {open.Position}");
                expression = Built(new IndexExpression(_source, expression, index, close.End), expression, index);
            }
            else
            {
                return expression;
            }
        }
    }

    private Expression ParsePrimary()
    {
        var token = _current;
        switch (token.Kind)
        {
            case TokenKind.Number or TokenKind.String:
                Advance();
                return new LiteralExpression(_source, token.Position, token.Length, token.Value);
            case TokenKind.Identifier:
                Advance();
                return token.Name switch
                {
                    "true" => new LiteralExpression(_source, token.Position, token.Length, JsonValues.True),
                    "false" => new LiteralExpression(_source, token.Position, token.Length, JsonValues.False),
                    "null" => new LiteralExpression(_source, token.Position, token.Length, JsonValues.Null),
                    _ when _current.Kind == TokenKind.LeftParen => ParseCall(token),
                    _ => new NameExpression(_source, token.Position, token.Length, token.Name!),
                };
            case TokenKind.LeftParen:
                Advance();
                var inner = ParseOr();
                var close = Expect(TokenKind.RightParen, $"expected ')' to close '(' at {token.Position}");
                return Built(new GroupExpression(_source, token.Position, close.End - token.Position, inner), inner);
            case TokenKind.End:
                throw new ExpressionException(
                    "the expression ends too early; expected a value, a name or a function call", token.Position, 0);
            default:
                throw Unexpected("expected a value, a name or a function call");
        }
    }

    private CallExpression ParseCall(Token name)
    {
        if (!ExpressionFunctions.All.TryGetValue(name.Name!, out var function))
        {
            var sameButCase = ExpressionFunctions.All.Keys.FirstOrDefault(key => string.Equals(key, name.Name, StringComparison.OrdinalIgnoreCase));
            var hint = sameButCase is null ? string.Empty : $"did you mean '{sameButCase}'? ";
            throw new ExpressionException(
                $"unknown function '{name.Name}'; {hint}known: {ExpressionFunctions.Names}", name.Position, name.Length);
        }

        Advance();
        var arguments = new List<Expression>();
        var close = _current;
        if (_current.Kind == TokenKind.RightParen)
        {
            Advance();
        }
        else
        {
            while (true)
            {
                arguments.Add(ParseOr());
                if (_current.Kind == TokenKind.Comma)
                {
                    Advance();
                    continue;
                }

                close = Expect(TokenKind.RightParen, $"expected ',' or ')' to close the call to {name.Name}() at {name.Position}");
                break;
            }
        }

        if (arguments.Count != function.Parameters.Count)
        {
            var takes = function.Parameters.Count switch
            {
                0 => "no arguments",
                1 => "1 argument",
                var count => $"{count} arguments",
            };
            throw new ExpressionException(
                $"{function.Signature} takes {takes} but was given {arguments.Count}", name.Position, close.End - name.Position);
        }

        return Built(new CallExpression(_source, name.Position, close.End - name.Position, function, arguments), [.. arguments]);
    }

    private static string TooDeep => $"the expression nests more than {MaxDepth} levels deep (each bracket, call, operator and '.' adds one); split it up, for instance with a variable";

    /// <summary>One level down the descent; refused past <see cref="MaxDepth"/> at the token that goes too deep.</summary>
    private void Enter()
    {
        if (++_depth > MaxDepth)
        {
            throw new ExpressionException(TooDeep, _current.Position, _current.Length);
        }
    }

    /// <summary><paramref name="node"/> with its height; refused when it nests deeper than <see cref="MaxDepth"/> (a long chain of '.', '[]' or '||' does).</summary>
    private static T Built<T>(T node, params ReadOnlySpan<Expression> children)
        where T : Expression
    {
        var height = 0;
        foreach (var child in children)
        {
            height = Math.Max(height, child.Height);
        }

        node.Height = height + 1;
        return node.Height > MaxDepth ? throw new ExpressionException(TooDeep, node.Position, node.Length) : node;
    }

    private void Advance() => _current = _lexer.Next();

    private Token Expect(TokenKind kind, string message)
    {
        var token = _current;
        if (token.Kind != kind)
        {
            throw new ExpressionException(message, token.Position, token.Length);
        }

        Advance();
        return token;
    }

    private ExpressionException Unexpected(string hint) => new(
        $"unexpected '{_source.Substring(_current.Position, _current.Length)}'; {hint}", _current.Position, _current.Length);
}
