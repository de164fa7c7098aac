namespace Warden.Policy.Syntax;

/// <summary>One token: its kind, its text (identifiers, integers; string literals without quotes, still escaped) and where it is.</summary>
internal readonly record struct Token(TokenKind Kind, string Text, SourceSpan Span)
{
    public bool IsIdentifier(string text) => Kind == TokenKind.Identifier && Text == text;

    public string Describe() => Kind switch
    {
        TokenKind.EndOfInput => "end of input",
        TokenKind.Identifier => $"`{Text}`",
        TokenKind.Integer => $"integer `{Text}`",
        TokenKind.String => "string literal",
        TokenKind.Slot => $"`{Text}`",
        _ => $"`{Text}`",
    };
}
