namespace Warden.Policy.Schemas;

/// <summary>
/// Splits Cedar schema text into tokens. Whitespace is Unicode whitespace; <c>//</c> comments run to the end of the
/// line. Identifiers are ASCII (<c>[_a-zA-Z][_a-zA-Z0-9]*</c>) as in Cedar's grammar, so any other character outside a
/// string is an error with its position.
/// </summary>
internal sealed class SchemaLexer
{
    private readonly string _text;
    private int _index;
    private int _line = 1;
    private int _lineStart;

    /// <summary>Creates a lexer over <paramref name="text"/>.</summary>
    public SchemaLexer(string text)
    {
        _text = text;
    }

    /// <summary>Reads every token, ending with <see cref="SchemaTokenKind.End"/>.</summary>
    /// <exception cref="SchemaException">A character that starts no token, or an unterminated string.</exception>
    public List<SchemaToken> Tokenize()
    {
        var tokens = new List<SchemaToken>();
        while (true)
        {
            SkipTrivia();
            var position = Position();
            if (_index >= _text.Length)
            {
                tokens.Add(new SchemaToken(SchemaTokenKind.End, string.Empty, position));
                return tokens;
            }

            var c = _text[_index];
            if (IsIdentifierStart(c))
            {
                var start = _index;
                while (_index < _text.Length && IsIdentifierPart(_text[_index]))
                {
                    _index++;
                }

                tokens.Add(new SchemaToken(SchemaTokenKind.Identifier, _text[start.._index], position));
            }
            else if (c is >= '0' and <= '9')
            {
                var start = _index;
                while (_index < _text.Length && _text[_index] is >= '0' and <= '9')
                {
                    _index++;
                }

                tokens.Add(new SchemaToken(SchemaTokenKind.Number, _text[start.._index], position));
            }
            else if (c == '"')
            {
                tokens.Add(new SchemaToken(SchemaTokenKind.String, ReadString(position), position));
            }
            else if (c == ':' && _index + 1 < _text.Length && _text[_index + 1] == ':')
            {
                _index += 2;
                tokens.Add(new SchemaToken(SchemaTokenKind.DoubleColon, string.Empty, position));
            }
            else
            {
                var kind = c switch
                {
                    ',' => SchemaTokenKind.Comma,
                    ';' => SchemaTokenKind.Semicolon,
                    ':' => SchemaTokenKind.Colon,
                    '{' => SchemaTokenKind.LeftBrace,
                    '}' => SchemaTokenKind.RightBrace,
                    '[' => SchemaTokenKind.LeftBracket,
                    ']' => SchemaTokenKind.RightBracket,
                    '<' => SchemaTokenKind.Less,
                    '>' => SchemaTokenKind.Greater,
                    '=' => SchemaTokenKind.Equals,
                    '?' => SchemaTokenKind.Question,
                    '@' => SchemaTokenKind.At,
                    '(' => SchemaTokenKind.LeftParen,
                    ')' => SchemaTokenKind.RightParen,
                    _ => throw position.Error($"invalid character {Describe(c)}"),
                };
                _index++;
                tokens.Add(new SchemaToken(kind, string.Empty, position));
            }
        }
    }

    private static bool IsIdentifierStart(char c) => c is '_' or (>= 'a' and <= 'z') or (>= 'A' and <= 'Z');

    private static bool IsIdentifierPart(char c) => IsIdentifierStart(c) || c is >= '0' and <= '9';

    private static string Describe(char c) =>
        char.IsControl(c) || char.IsWhiteSpace(c) || char.IsSurrogate(c) ? $"U+{(int)c:X4}" : $"`{c}`";

    private SourcePosition Position() => new(_line, _index - _lineStart + 1);

    private void SkipTrivia()
    {
        while (_index < _text.Length)
        {
            var c = _text[_index];
            if (c == '/' && _index + 1 < _text.Length && _text[_index + 1] == '/')
            {
                while (_index < _text.Length && _text[_index] is not ('\n' or '\r'))
                {
                    _index++;
                }
            }
            else if (char.IsWhiteSpace(c))
            {
                Advance();
            }
            else
            {
                return;
            }
        }
    }

    private void Advance()
    {
        // A line ends at \n; a lone \r (old Mac) also counts, \r\n counts once.
        var c = _text[_index++];
        if (c == '\n' || (c == '\r' && (_index >= _text.Length || _text[_index] != '\n')))
        {
            _line++;
            _lineStart = _index;
        }
    }

    private string ReadString(SourcePosition start)
    {
        // Cedar's token is "(\\.|[^"\\])*" where `.` excludes \n: a backslash before a newline ends no string.
        _index++;
        var bodyStart = _index;
        while (_index < _text.Length)
        {
            var c = _text[_index];
            if (c == '"')
            {
                var body = _text[bodyStart.._index];
                _index++;
                return body;
            }

            if (c == '\\')
            {
                if (_index + 1 >= _text.Length || _text[_index + 1] == '\n')
                {
                    throw start.Error("invalid string literal (a backslash must be followed by an escape on the same line)");
                }

                _index++;
            }

            Advance();
        }

        throw start.Error("unterminated string literal");
    }
}
