namespace Warden.Policy.Schemas;

/// <summary>Kinds of token in the Cedar schema format.</summary>
internal enum SchemaTokenKind
{
    /// <summary>End of input.</summary>
    End,

    /// <summary><c>[_a-zA-Z][_a-zA-Z0-9]*</c>; keywords are identifiers the parser recognises by text.</summary>
    Identifier,

    /// <summary>A double-quoted string; <see cref="SchemaToken.Text"/> holds the still-escaped body.</summary>
    String,

    /// <summary><c>[0-9]+</c>: lexed so the error names it, never valid in a schema.</summary>
    Number,

    /// <summary><c>,</c></summary>
    Comma,

    /// <summary><c>;</c></summary>
    Semicolon,

    /// <summary><c>:</c></summary>
    Colon,

    /// <summary><c>::</c></summary>
    DoubleColon,

    /// <summary><c>{</c></summary>
    LeftBrace,

    /// <summary><c>}</c></summary>
    RightBrace,

    /// <summary><c>[</c></summary>
    LeftBracket,

    /// <summary><c>]</c></summary>
    RightBracket,

    /// <summary><c>&lt;</c></summary>
    Less,

    /// <summary><c>&gt;</c></summary>
    Greater,

    /// <summary><c>=</c></summary>
    Equals,

    /// <summary><c>?</c></summary>
    Question,

    /// <summary><c>@</c></summary>
    At,

    /// <summary><c>(</c></summary>
    LeftParen,

    /// <summary><c>)</c></summary>
    RightParen,
}

/// <summary>One token of schema source.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Text">Identifier text, string body (escaped) or number digits; empty for punctuation.</param>
/// <param name="Position">Where it starts.</param>
internal readonly record struct SchemaToken(SchemaTokenKind Kind, string Text, SourcePosition Position)
{
    /// <summary>True when this is the identifier (or keyword) <paramref name="word"/>.</summary>
    public bool IsWord(string word) => Kind == SchemaTokenKind.Identifier && string.Equals(Text, word, StringComparison.Ordinal);

    /// <summary>How the token reads in an error message.</summary>
    public string Describe() => Kind switch
    {
        SchemaTokenKind.End => "end of input",
        SchemaTokenKind.Identifier => $"`{Text}`",
        SchemaTokenKind.String => "string literal",
        SchemaTokenKind.Number => $"number `{Text}`",
        SchemaTokenKind.Comma => "`,`",
        SchemaTokenKind.Semicolon => "`;`",
        SchemaTokenKind.Colon => "`:`",
        SchemaTokenKind.DoubleColon => "`::`",
        SchemaTokenKind.LeftBrace => "`{`",
        SchemaTokenKind.RightBrace => "`}`",
        SchemaTokenKind.LeftBracket => "`[`",
        SchemaTokenKind.RightBracket => "`]`",
        SchemaTokenKind.Less => "`<`",
        SchemaTokenKind.Greater => "`>`",
        SchemaTokenKind.Equals => "`=`",
        SchemaTokenKind.Question => "`?`",
        SchemaTokenKind.At => "`@`",
        SchemaTokenKind.LeftParen => "`(`",
        SchemaTokenKind.RightParen => "`)`",
        _ => Kind.ToString(),
    };
}
