namespace Warden.Policy.Syntax;

/// <summary>Cedar's rules for identifiers and names (<c>NS::Type</c>).</summary>
public static class CedarNames
{
    /// <summary>The namespace Cedar reserves for itself; no name may contain it as a component.</summary>
    public const string ReservedNamespace = "__cedar";

    /// <summary>
    /// True when <paramref name="identifier"/> is one of Cedar's reserved words, which cannot name an
    /// attribute, a type or a namespace: <c>true false if then else in is has like</c>.
    /// </summary>
    /// <param name="identifier">An identifier.</param>
    public static bool IsReservedWord(string identifier) => identifier switch
    {
        "true" or "false" or "if" or "then" or "else" or "in" or "is" or "has" or "like" => true,
        _ => false,
    };

    /// <summary>True when <paramref name="text"/> matches <c>[_a-zA-Z][_a-zA-Z0-9]*</c>.</summary>
    /// <param name="text">The text.</param>
    public static bool IsIdentifierShape(ReadOnlySpan<char> text)
    {
        if (text.Length == 0 || !(char.IsAsciiLetter(text[0]) || text[0] == '_'))
        {
            return false;
        }

        foreach (var c in text[1..])
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when <paramref name="text"/> is an identifier that may name an attribute, type or namespace component.</summary>
    /// <param name="text">The text.</param>
    public static bool IsValidIdentifier(string text) =>
        IsIdentifierShape(text) && !IsReservedWord(text) && text != ReservedNamespace;

    /// <summary>
    /// True when <paramref name="name"/> is a normalized Cedar name: valid identifiers joined by <c>::</c>,
    /// no whitespace, none of them reserved (this is what entity types in JSON and in policies must be).
    /// </summary>
    /// <param name="name">The name, for example <c>Warden::Agent</c>.</param>
    public static bool IsValidName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0)
        {
            return false;
        }

        var span = name.AsSpan();
        while (true)
        {
            var separator = span.IndexOf("::", StringComparison.Ordinal);
            var component = separator < 0 ? span : span[..separator];
            if (!IsIdentifierShape(component) || IsReservedWord(component.ToString()) || component.SequenceEqual(ReservedNamespace))
            {
                return false;
            }

            if (separator < 0)
            {
                return true;
            }

            span = span[(separator + 2)..];
        }
    }
}
