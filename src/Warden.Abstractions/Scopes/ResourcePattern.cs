using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Warden.Scopes;

/// <summary>
/// A set of resources, written in Warden's resource pattern language:
/// <list type="table">
/// <item><term><c>*</c></term><description>any resource of any type</description></item>
/// <item><term><c>Type::*</c></term><description>any resource of type <c>Type</c> (a Cedar type path, e.g. <c>Reports::Doc</c>)</description></item>
/// <item><term><c>Type::"id"</c></term><description>exactly the resource <c>Type::"id"</c></description></item>
/// <item><term><c>Type::"prefix*"</c></term><description>every resource of type <c>Type</c> whose id starts with <c>prefix</c></description></item>
/// </list>
/// Inside the quotes <c>\"</c>, <c>\\</c> and <c>\*</c> stand for a literal quote, backslash and star; only an
/// unescaped <c>*</c> at the very end is a wildcard, anywhere else a bare <c>*</c> is an error. Types compare
/// ordinally and exactly (no type hierarchy).
/// </summary>
/// <remarks>
/// Every pattern denotes a prefix-closed set of (type, id) pairs, so the intersection of two patterns is again a
/// single pattern or empty (<see cref="Intersect"/>); that is what lets Warden compute
/// "requested ∩ declared" exactly.
/// </remarks>
[GenerateSerializer, Immutable, Alias("warden.ResourcePattern")]
public sealed record ResourcePattern
{
    private ResourcePattern(ResourcePatternKind kind, string type, string value)
    {
        Kind = kind;
        Type = type;
        Value = value;
    }

    /// <summary>Matches every resource.</summary>
    public static ResourcePattern Any { get; } = new(ResourcePatternKind.Any, string.Empty, string.Empty);

    /// <summary>What kind of set this is.</summary>
    [Id(0)]
    public ResourcePatternKind Kind { get; }

    /// <summary>The resource type; empty for <see cref="ResourcePatternKind.Any"/>.</summary>
    [Id(1)]
    public string Type { get; }

    /// <summary>The exact id or the id prefix; empty for <see cref="ResourcePatternKind.Any"/> and <see cref="ResourcePatternKind.AnyOfType"/>.</summary>
    [Id(2)]
    public string Value { get; }

    /// <summary>Every resource of <paramref name="type"/>.</summary>
    /// <param name="type">A valid type path.</param>
    public static ResourcePattern AnyOf(string type) => new(ResourcePatternKind.AnyOfType, RequireType(type), string.Empty);

    /// <summary>Exactly one resource.</summary>
    /// <param name="type">A valid type path.</param>
    /// <param name="id">The id.</param>
    public static ResourcePattern Exact(string type, string id) => new(ResourcePatternKind.Exact, RequireType(type), id ?? throw new ArgumentNullException(nameof(id)));

    /// <summary>Resources of <paramref name="type"/> whose id starts with <paramref name="prefix"/>.</summary>
    /// <param name="type">A valid type path.</param>
    /// <param name="prefix">The id prefix (may be empty, which equals <see cref="AnyOf"/>).</param>
    public static ResourcePattern Prefix(string type, string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        return prefix.Length == 0 ? AnyOf(type) : new(ResourcePatternKind.Prefix, RequireType(type), prefix);
    }

    /// <summary>Parses a pattern; throws <see cref="FormatException"/> when malformed.</summary>
    /// <param name="text">The pattern text.</param>
    public static ResourcePattern Parse(string text) =>
        TryParse(text, out var pattern, out var error) ? pattern : throw new FormatException(error);

    /// <summary>Parses a pattern.</summary>
    /// <param name="text">The pattern text.</param>
    /// <param name="pattern">The pattern when the text is valid.</param>
    /// <param name="error">Why the text is not valid.</param>
    public static bool TryParse(string? text, [NotNullWhen(true)] out ResourcePattern? pattern, [NotNullWhen(false)] out string? error)
    {
        pattern = null;
        if (string.IsNullOrEmpty(text))
        {
            error = "a resource pattern is required";
            return false;
        }

        if (text.Length > WardenLimits.MaxResourceIdLength)
        {
            error = $"a resource pattern has at most {WardenLimits.MaxResourceIdLength} characters";
            return false;
        }

        if (text == "*")
        {
            pattern = Any;
            error = null;
            return true;
        }

        var separator = text.IndexOf("::\"", StringComparison.Ordinal);
        if (separator < 0)
        {
            if (text.EndsWith("::*", StringComparison.Ordinal) && ResourceTypes.IsValid(text[..^3]))
            {
                pattern = AnyOf(text[..^3]);
                error = null;
                return true;
            }

            error = "expected *, Type::*, Type::\"id\" or Type::\"prefix*\"";
            return false;
        }

        var type = text[..separator];
        if (!ResourceTypes.IsValid(type))
        {
            error = $"'{Truncate(type)}' is not a valid resource type (Cedar path such as Doc or Reports::Doc)";
            return false;
        }

        if (text.Length < separator + 4 || text[^1] != '"')
        {
            error = "the id must be a quoted string";
            return false;
        }

        var body = text.AsSpan(separator + 3, text.Length - separator - 4);
        var id = new StringBuilder(body.Length);
        var wildcard = false;
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            if (c == '\\')
            {
                if (i + 1 >= body.Length || body[i + 1] is not ('"' or '\\' or '*'))
                {
                    error = "only \\\", \\\\ and \\* may be escaped";
                    return false;
                }

                id.Append(body[++i]);
            }
            else if (c == '*')
            {
                if (i != body.Length - 1)
                {
                    error = "* is a wildcard only at the end of the id; write \\* for a literal star";
                    return false;
                }

                wildcard = true;
            }
            else if (c == '"')
            {
                error = "a quote inside the id must be escaped as \\\"";
                return false;
            }
            else
            {
                id.Append(c);
            }
        }

        pattern = wildcard ? Prefix(type, id.ToString()) : Exact(type, id.ToString());
        error = null;
        return true;
    }

    /// <summary>True when the resource <c>type::"id"</c> is in this set.</summary>
    /// <param name="type">The resource type.</param>
    /// <param name="id">The resource id.</param>
    public bool Matches(string type, string id) => Kind switch
    {
        ResourcePatternKind.Any => true,
        ResourcePatternKind.AnyOfType => string.Equals(Type, type, StringComparison.Ordinal),
        ResourcePatternKind.Exact => string.Equals(Type, type, StringComparison.Ordinal) && string.Equals(Value, id, StringComparison.Ordinal),
        ResourcePatternKind.Prefix => string.Equals(Type, type, StringComparison.Ordinal) && id.StartsWith(Value, StringComparison.Ordinal),
        _ => false,
    };

    /// <summary>True when every resource in <paramref name="other"/> is also in this set.</summary>
    /// <param name="other">The candidate subset.</param>
    public bool Contains(ResourcePattern other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Intersect(other) == other;
    }

    /// <summary>The resources in both sets, or null when they share none.</summary>
    /// <param name="other">The other set.</param>
    public ResourcePattern? Intersect(ResourcePattern other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (Kind == ResourcePatternKind.Any)
        {
            return other;
        }

        if (other.Kind == ResourcePatternKind.Any)
        {
            return this;
        }

        if (!string.Equals(Type, other.Type, StringComparison.Ordinal))
        {
            return null;
        }

        // Same type from here on: AnyOfType is the whole type, Exact one id, Prefix an id range.
        return (Kind, other.Kind) switch
        {
            (ResourcePatternKind.AnyOfType, _) => other,
            (_, ResourcePatternKind.AnyOfType) => this,
            (ResourcePatternKind.Exact, _) => other.Matches(Type, Value) ? this : null,
            (_, ResourcePatternKind.Exact) => Matches(other.Type, other.Value) ? other : null,
            _ when other.Value.StartsWith(Value, StringComparison.Ordinal) => other,
            _ when Value.StartsWith(other.Value, StringComparison.Ordinal) => this,
            _ => null,
        };
    }

    /// <summary>The canonical text (parses back to an equal pattern).</summary>
    public override string ToString() => Kind switch
    {
        ResourcePatternKind.Any => "*",
        ResourcePatternKind.AnyOfType => $"{Type}::*",
        ResourcePatternKind.Exact => $"{Type}::\"{Escape(Value)}\"",
        _ => $"{Type}::\"{Escape(Value)}*\"",
    };

    private static string Escape(string id) => id.Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("\"", "\\\"", StringComparison.Ordinal)
        .Replace("*", "\\*", StringComparison.Ordinal);

    private static string RequireType(string type) =>
        ResourceTypes.IsValid(type) ? type : throw new ArgumentException($"'{type}' is not a valid resource type", nameof(type));

    private static string Truncate(string text) => text.Length <= 64 ? text : string.Concat(text.AsSpan(0, 64), "…");
}

/// <summary>The kinds of <see cref="ResourcePattern"/>.</summary>
public enum ResourcePatternKind
{
    /// <summary><c>*</c>: every resource.</summary>
    Any = 0,

    /// <summary><c>Type::*</c>: every resource of one type.</summary>
    AnyOfType = 1,

    /// <summary><c>Type::"id"</c>: one resource.</summary>
    Exact = 2,

    /// <summary><c>Type::"prefix*"</c>: resources of one type whose id starts with a prefix.</summary>
    Prefix = 3,
}
