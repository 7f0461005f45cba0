using System.Globalization;
using System.Text;

namespace TalkingBinaries.Workflow.Expressions;

/// <summary>Splits the text of an expression into tokens, on demand, one at a time.</summary>
/// <remarks>Positions are offsets into the whole source, so an expression inside a template reports where it is in the template.</remarks>
internal sealed class ExpressionLexer(string source, int start, int end)
{
    private int _position = start;

    /// <summary>Reads the next token; throws <see cref="ExpressionException"/> on a character that starts none.</summary>
    public Token Next()
    {
        SkipWhitespace();
        if (_position >= end)
        {
            return new Token(TokenKind.End, end, 0);
        }

        var start = _position;
        var c = source[start];
        switch (c)
        {
            case '.': return Symbol(TokenKind.Dot, 1);
            case ',': return Symbol(TokenKind.Comma, 1);
            case '(': return Symbol(TokenKind.LeftParen, 1);
            case ')': return Symbol(TokenKind.RightParen, 1);
            case '[': return Symbol(TokenKind.LeftBracket, 1);
            case ']': return Symbol(TokenKind.RightBracket, 1);
            case '!': return Follows('=') ? Symbol(TokenKind.NotEqual, 2) : Symbol(TokenKind.Not, 1);
            case '<': return Follows('=') ? Symbol(TokenKind.LessOrEqual, 2) : Symbol(TokenKind.Less, 1);
            case '>': return Follows('=') ? Symbol(TokenKind.GreaterOrEqual, 2) : Symbol(TokenKind.Greater, 1);
            case '=': return Follows('=') ? Symbol(TokenKind.Equal, 2) : throw Unexpected("use '==' to compare");
            case '&': return Follows('&') ? Symbol(TokenKind.And, 2) : throw Unexpected("use '&&' for 'and'");
            case '|': return Follows('|') ? Symbol(TokenKind.Or, 2) : throw Unexpected("use '||' for 'or'");
            case '\'': return SingleQuoted();
            case '"': return DoubleQuoted();
        }

        if (c == '-' || char.IsAsciiDigit(c))
        {
            return Number();
        }

        if (char.IsLetter(c) || c == '_')
        {
            while (_position < end && IsNameCharacter(source[_position]))
            {
                _position++;
            }

            return new Token(TokenKind.Identifier, start, _position - start, Name: source[start.._position]);
        }

        throw Unexpected(null);
    }

    /// <summary>Reads the member name after a '.', which may start with a digit and contain '-' (<c>steps.build-1</c>).</summary>
    public Token MemberName()
    {
        SkipWhitespace();
        var start = _position;
        while (_position < end && IsNameCharacter(source[_position]))
        {
            _position++;
        }

        if (_position == start)
        {
            throw new ExpressionException(
                "expected a member name after '.'; write other names as ['name']", start, start < end ? 1 : 0);
        }

        return new Token(TokenKind.Identifier, start, _position - start, Name: source[start.._position]);
    }

    private static bool IsNameCharacter(char c) => char.IsLetterOrDigit(c) || c is '_' or '-';

    private void SkipWhitespace()
    {
        while (_position < end && char.IsWhiteSpace(source[_position]))
        {
            _position++;
        }
    }

    private bool Follows(char next) => _position + 1 < end && source[_position + 1] == next;

    private Token Symbol(TokenKind kind, int length)
    {
        var token = new Token(kind, _position, length);
        _position += length;
        return token;
    }

    private ExpressionException Unexpected(string? hint)
    {
        var length = char.IsHighSurrogate(source[_position]) && _position + 1 < end ? 2 : 1;
        var text = source.Substring(_position, length);
        return new ExpressionException(hint is null ? $"unexpected '{text}'" : $"unexpected '{text}'; {hint}", _position, length);
    }

    private ExpressionException NeverClosed(int start, char quote) =>
        new($"a string that is never closed; expected a closing {quote}", start, end - start);

    /// <summary>'text', where '' stands for one quote.</summary>
    private Token SingleQuoted()
    {
        var start = _position++;
        var text = new StringBuilder();
        while (true)
        {
            if (_position >= end)
            {
                throw NeverClosed(start, '\'');
            }

            var c = source[_position++];
            if (c != '\'')
            {
                text.Append(c);
            }
            else if (_position < end && source[_position] == '\'')
            {
                text.Append('\'');
                _position++;
            }
            else
            {
                return new Token(TokenKind.String, start, _position - start, Value: JsonValues.FromString(text.ToString()));
            }
        }
    }

    /// <summary>"text" with JSON's escapes.</summary>
    private Token DoubleQuoted()
    {
        var start = _position++;
        var text = new StringBuilder();
        while (true)
        {
            if (_position >= end)
            {
                throw NeverClosed(start, '"');
            }

            var c = source[_position++];
            if (c == '"')
            {
                return new Token(TokenKind.String, start, _position - start, Value: JsonValues.FromString(text.ToString()));
            }

            if (c != '\\')
            {
                text.Append(c);
                continue;
            }

            if (_position >= end)
            {
                throw NeverClosed(start, '"');
            }

            var escape = source[_position++];
            switch (escape)
            {
                case '"' or '\\' or '/': text.Append(escape); break;
                case 'b': text.Append('\b'); break;
                case 'f': text.Append('\f'); break;
                case 'n': text.Append('\n'); break;
                case 'r': text.Append('\r'); break;
                case 't': text.Append('\t'); break;
                case 'u':
                    if (_position + 4 > end
                        || !int.TryParse(source.AsSpan(_position, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                    {
                        throw new ExpressionException("expected four hex digits after '\\u', like \\u00e9", _position - 2, 2);
                    }

                    text.Append((char)code);
                    _position += 4;
                    break;
                default:
                    throw new ExpressionException(
                        $"an unknown escape '\\{escape}' in a string; use \\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX", _position - 2, 2);
            }
        }
    }

    /// <summary>JSON's number syntax; leading zeros are dropped, so <c>007</c> is 7.</summary>
    private Token Number()
    {
        var start = _position;
        var negative = source[_position] == '-';
        if (negative)
        {
            _position++;
            if (_position >= end || !char.IsAsciiDigit(source[_position]))
            {
                throw new ExpressionException("expected a digit after '-'; '-' only starts a negative number, like -1", start, 1);
            }
        }

        var integerStart = _position;
        SkipDigits();
        var integer = source[integerStart.._position].TrimStart('0');
        var rest = _position;
        if (_position + 1 < end && source[_position] == '.' && char.IsAsciiDigit(source[_position + 1]))
        {
            _position++;
            SkipDigits();
        }

        if (_position < end && source[_position] is 'e' or 'E')
        {
            var exponent = _position + 1;
            if (exponent < end && source[exponent] is '+' or '-')
            {
                exponent++;
            }

            if (exponent < end && char.IsAsciiDigit(source[exponent]))
            {
                _position = exponent;
                SkipDigits();
            }
        }

        var json = (negative ? "-" : string.Empty) + (integer.Length == 0 ? "0" : integer) + source[rest.._position];
        return new Token(TokenKind.Number, start, _position - start, Value: JsonValues.Parse(json));
    }

    private void SkipDigits()
    {
        while (_position < end && char.IsAsciiDigit(source[_position]))
        {
            _position++;
        }
    }
}
