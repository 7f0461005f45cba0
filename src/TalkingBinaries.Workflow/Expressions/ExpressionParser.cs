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
/// </remarks>
internal sealed class ExpressionParser
{
    private readonly string _source;
    private readonly ExpressionLexer _lexer;
    private Token _current;

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
        var left = ParseAnd();
        while (_current.Kind == TokenKind.Or)
        {
            Advance();
            left = new LogicalExpression(_source, left, ParseAnd(), isAnd: false);
        }

        return left;
    }

    private Expression ParseAnd()
    {
        var left = ParseEquality();
        while (_current.Kind == TokenKind.And)
        {
            Advance();
            left = new LogicalExpression(_source, left, ParseEquality(), isAnd: true);
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
            left = new ComparisonExpression(_source, left, @operator, symbol, ParseComparison());
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
            left = new ComparisonExpression(_source, left, comparison.Operator, comparison.Symbol, ParseUnary());
        }
    }

    private Expression ParseUnary()
    {
        if (_current.Kind != TokenKind.Not)
        {
            return ParsePostfix();
        }

        var start = _current.Position;
        Advance();
        var operand = ParseUnary();
        return new NotExpression(_source, start, operand.End - start, operand);
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
                expression = new MemberExpression(_source, expression, member.Name!, member.End);
                _current = _lexer.Next();
            }
            else if (_current.Kind == TokenKind.LeftBracket)
            {
                var open = _current;
                Advance();
                var index = ParseOr();
                var close = Expect(TokenKind.RightBracket, $"expected ']' to close '[' at {open.Position}");
                expression = new IndexExpression(_source, expression, index, close.End);
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
                return new GroupExpression(_source, token.Position, close.End - token.Position, inner);
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

        return new CallExpression(_source, name.Position, close.End - name.Position, function, arguments);
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
