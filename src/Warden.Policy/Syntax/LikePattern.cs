using System.Collections.Immutable;
using System.Text;

namespace Warden.Policy.Syntax;

/// <summary>One element of a <c>like</c> pattern: a literal character or the <c>*</c> wildcard.</summary>
/// <param name="IsWildcard">True for the wildcard, which matches any sequence of characters.</param>
/// <param name="Character">The literal character (when not a wildcard).</param>
public readonly record struct PatternElement(bool IsWildcard, char Character)
{
    /// <summary>The wildcard.</summary>
    public static PatternElement Wildcard => new(true, '\0');

    /// <summary>A literal character.</summary>
    /// <param name="character">The character.</param>
    public static PatternElement Literal(char character) => new(false, character);
}

/// <summary>
/// The pattern of a <c>like</c> expression. <see cref="IsMatch"/> decides a match in time linear in the
/// text for each literal segment (greedy leftmost placement of the segments between wildcards is optimal).
/// </summary>
public sealed class LikePattern : IEquatable<LikePattern>
{
    // Literal runs between wildcards; a match is: the first run as a prefix (unless the pattern starts
    // with `*`), the last as a suffix (unless it ends with `*`), the rest in order in between.
    private readonly string[] _segments;
    private readonly bool _hasWildcard;

    /// <summary>Creates a pattern from its elements.</summary>
    /// <param name="elements">The elements.</param>
    public LikePattern(ImmutableArray<PatternElement> elements)
    {
        Elements = elements;
        var segments = new List<string>();
        var current = new StringBuilder();
        foreach (var element in elements)
        {
            if (element.IsWildcard)
            {
                _hasWildcard = true;
                segments.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(element.Character);
            }
        }

        segments.Add(current.ToString());
        _segments = [.. segments];
    }

    /// <summary>The pattern's elements.</summary>
    public ImmutableArray<PatternElement> Elements { get; }

    /// <summary>True when <paramref name="text"/> matches the whole pattern.</summary>
    /// <param name="text">The text.</param>
    public bool IsMatch(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var span = text.AsSpan();
        if (!_hasWildcard)
        {
            return span.SequenceEqual(_segments[0]);
        }

        var first = _segments[0];
        var last = _segments[^1];
        if (span.Length < first.Length + last.Length || !span.StartsWith(first, StringComparison.Ordinal) || !span.EndsWith(last, StringComparison.Ordinal))
        {
            return false;
        }

        // INVARIANT: with at least one wildcard there are at least two segments, so first and last are distinct runs.
        var middle = span[first.Length..(span.Length - last.Length)];
        for (var i = 1; i < _segments.Length - 1; i++)
        {
            var segment = _segments[i];
            if (segment.Length == 0)
            {
                continue;
            }

            var at = middle.IndexOf(segment, StringComparison.Ordinal);
            if (at < 0)
            {
                return false;
            }

            middle = middle[(at + segment.Length)..];
        }

        return true;
    }

    /// <inheritdoc />
    public bool Equals(LikePattern? other) => other is not null && Elements.AsSpan().SequenceEqual(other.Elements.AsSpan());

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is LikePattern other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var element in Elements)
        {
            hash.Add(element);
        }

        return hash.ToHashCode();
    }

    /// <summary>The pattern as a Cedar string literal (literal stars escaped as <c>\*</c>).</summary>
    public override string ToString()
    {
        var builder = new StringBuilder("\"");
        foreach (var element in Elements)
        {
            if (element.IsWildcard)
            {
                builder.Append('*');
            }
            else if (element.Character == '*')
            {
                builder.Append("\\*");
            }
            else
            {
                var quoted = Values.CedarStrings.Quote(element.Character.ToString());
                builder.Append(quoted, 1, quoted.Length - 2);
            }
        }

        return builder.Append('"').ToString();
    }
}
