namespace Warden.Policy.Syntax;

/// <summary>Splits Cedar policy text into tokens, skipping whitespace (Unicode White_Space) and <c>//</c> comments.</summary>
internal sealed class Lexer
{
    private readonly string _text;
    private int _position;
    private int _line = 1;
    private int _lineStart;
    private int _tokenLine;
    private int _tokenColumn;

    private Lexer(string text)
    {
        _text = text;
    }

    public static List<Token> Tokenize(string text)
    {
        var lexer = new Lexer(text);
        var tokens = new List<Token>();
        while (true)
        {
            var token = lexer.Next();
            tokens.Add(token);
            if (token.Kind == TokenKind.EndOfInput)
            {
                return tokens;
            }
        }
    }

    private Token Next()
    {
        SkipTrivia();
        if (_position >= _text.Length)
        {
            return new Token(TokenKind.EndOfInput, string.Empty, Span(_position, 0));
        }

        var start = _position;
        _tokenLine = _line;
        _tokenColumn = start - _lineStart + 1;
        var c = _text[start];
        if (char.IsAsciiLetter(c) || c == '_')
        {
            while (_position < _text.Length && (char.IsAsciiLetterOrDigit(_text[_position]) || _text[_position] == '_'))
            {
                _position++;
            }

            return Make(TokenKind.Identifier, start);
        }

        if (char.IsAsciiDigit(c))
        {
            while (_position < _text.Length && char.IsAsciiDigit(_text[_position]))
            {
                _position++;
            }

            return Make(TokenKind.Integer, start);
        }

        if (c == '"')
        {
            return LexString(start);
        }

        if (c == '?')
        {
            _position++;
            while (_position < _text.Length && (char.IsAsciiLetterOrDigit(_text[_position]) || _text[_position] == '_'))
            {
                _position++;
            }

            return Make(TokenKind.Slot, start);
        }

        _position++;
        var next = _position < _text.Length ? _text[_position] : '\0';
        switch (c)
        {
            case '@':
                return Make(TokenKind.At, start);
            case '.':
                return Make(TokenKind.Dot, start);
            case ',':
                return Make(TokenKind.Comma, start);
            case ';':
                return Make(TokenKind.Semicolon, start);
            case ':':
                return next == ':' ? Advance(TokenKind.DoubleColon, start) : Make(TokenKind.Colon, start);
            case '(':
                return Make(TokenKind.LeftParen, start);
            case ')':
                return Make(TokenKind.RightParen, start);
            case '{':
                return Make(TokenKind.LeftBrace, start);
            case '}':
                return Make(TokenKind.RightBrace, start);
            case '[':
                return Make(TokenKind.LeftBracket, start);
            case ']':
                return Make(TokenKind.RightBracket, start);
            case '=':
                return next == '=' ? Advance(TokenKind.EqualEqual, start) : Make(TokenKind.SingleEqual, start);
            case '!':
                return next == '=' ? Advance(TokenKind.NotEqual, start) : Make(TokenKind.Bang, start);
            case '<':
                return next == '=' ? Advance(TokenKind.LessEqual, start) : Make(TokenKind.Less, start);
            case '>':
                return next == '=' ? Advance(TokenKind.GreaterEqual, start) : Make(TokenKind.Greater, start);
            case '|' when next == '|':
                return Advance(TokenKind.OrOr, start);
            case '&' when next == '&':
                return Advance(TokenKind.AndAnd, start);
            case '+':
                return Make(TokenKind.Plus, start);
            case '-':
                return Make(TokenKind.Minus, start);
            case '*':
                return Make(TokenKind.Star, start);
            case '/':
                return Make(TokenKind.Slash, start);
            case '%':
                return Make(TokenKind.Percent, start);
            default:
                throw Error(start, "a token", $"unexpected character {DescribeChar(c)}");
        }
    }

    private Token LexString(int start)
    {
        // `"(\\.|[^"\\])*"`: a backslash escapes any character except a line feed.
        _position++;
        while (true)
        {
            if (_position >= _text.Length)
            {
                throw Error(start, "`\"` closing the string literal", "unterminated string literal");
            }

            var c = _text[_position];
            if (c == '"')
            {
                _position++;
                return new Token(TokenKind.String, _text.Substring(start + 1, _position - start - 2), TokenSpan(start));
            }

            if (c == '\\')
            {
                if (_position + 1 >= _text.Length || _text[_position + 1] == '\n')
                {
                    throw Error(_position, "an escape sequence", "a backslash must be followed by an escaped character on the same line");
                }

                _position += 2;
                continue;
            }

            if (c == '\n')
            {
                NewLine(_position + 1);
            }

            _position++;
        }
    }

    private void SkipTrivia()
    {
        while (_position < _text.Length)
        {
            var c = _text[_position];
            if (c == '\n')
            {
                _position++;
                NewLine(_position);
            }
            else if (char.IsWhiteSpace(c))
            {
                _position++;
            }
            else if (c == '/' && _position + 1 < _text.Length && _text[_position + 1] == '/')
            {
                while (_position < _text.Length && _text[_position] != '\n' && _text[_position] != '\r')
                {
                    _position++;
                }
            }
            else
            {
                return;
            }
        }
    }

    private void NewLine(int lineStart)
    {
        _line++;
        _lineStart = lineStart;
    }

    private Token Make(TokenKind kind, int start) =>
        new(kind, _text.Substring(start, _position - start), TokenSpan(start));

    private SourceSpan TokenSpan(int start) => new(start, _position - start, _tokenLine, _tokenColumn);

    private Token Advance(TokenKind kind, int start)
    {
        _position++;
        return Make(kind, start);
    }

    private SourceSpan Span(int offset, int length) => new(offset, length, _line, offset - _lineStart + 1);

    private CedarParseException Error(int offset, string expected, string message)
    {
        var column = offset - _lineStart + 1;
        return new CedarParseException(new CedarParseError(_line, column, expected, $"line {_line}, column {column}: {message}"));
    }

    private static string DescribeChar(char c) =>
        char.IsControl(c) || char.IsWhiteSpace(c) ? $"U+{(int)c:X4}" : $"`{c}`";
}
