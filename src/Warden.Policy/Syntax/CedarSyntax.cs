using System.Collections.Immutable;

namespace Warden.Policy.Syntax;

/// <summary>Entry points of the Cedar parser.</summary>
public static class CedarSyntax
{
    /// <summary>Parses policy text into policies (ids <c>policy0</c>…).</summary>
    /// <param name="text">The policies.</param>
    /// <exception cref="CedarParseException">The text is not valid Cedar.</exception>
    public static ImmutableArray<CedarPolicy> ParsePolicies(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Parser.ParsePolicies(text);
    }

    /// <summary>Parses a single Cedar expression (as it would appear in a <c>when</c> clause).</summary>
    /// <param name="text">The expression.</param>
    /// <exception cref="CedarParseException">The text is not a valid Cedar expression.</exception>
    public static Expr ParseExpression(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Parser.ParseExpression(text);
    }
}
