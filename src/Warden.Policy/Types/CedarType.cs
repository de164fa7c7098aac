using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace Warden.Policy.Types;

/// <summary>
/// A Cedar type as a schema declares it: the shared vocabulary between the schema (which produces types),
/// schema-directed JSON parsing (which consumes them to read entities and context) and the validator.
/// </summary>
/// <remarks>
/// Common types are resolved away when a schema is built, so a <see cref="CedarType"/> never names one.
/// The validator may use richer internal types (singleton booleans, entity unions); these are the declared ones.
/// </remarks>
public abstract record CedarType;

/// <summary>The Cedar <c>Bool</c> type.</summary>
public sealed record BoolType : CedarType
{
    /// <summary>The one instance.</summary>
    public static readonly BoolType Instance = new();

    private BoolType()
    {
    }
}

/// <summary>The Cedar <c>Long</c> type (a signed 64-bit integer).</summary>
public sealed record LongType : CedarType
{
    /// <summary>The one instance.</summary>
    public static readonly LongType Instance = new();

    private LongType()
    {
    }
}

/// <summary>The Cedar <c>String</c> type.</summary>
public sealed record StringType : CedarType
{
    /// <summary>The one instance.</summary>
    public static readonly StringType Instance = new();

    private StringType()
    {
    }
}

/// <summary>A Cedar <c>Set</c> whose elements all have <paramref name="Element"/>'s type.</summary>
/// <param name="Element">The element type.</param>
public sealed record SetType(CedarType Element) : CedarType;

/// <summary>An entity reference to an entity of the fully qualified type <paramref name="Name"/> (for example <c>NS::User</c>).</summary>
/// <param name="Name">The fully qualified entity type name.</param>
public sealed record EntityType(string Name) : CedarType;

/// <summary>An extension type: <c>ipaddr</c>, <c>decimal</c>, <c>datetime</c> or <c>duration</c>.</summary>
/// <param name="Name">The extension type name as Cedar spells it.</param>
public sealed record ExtensionType(string Name) : CedarType
{
    /// <summary><c>ipaddr</c>.</summary>
    public static readonly ExtensionType IpAddr = new("ipaddr");

    /// <summary><c>decimal</c>.</summary>
    public static readonly ExtensionType Decimal = new("decimal");

    /// <summary><c>datetime</c>.</summary>
    public static readonly ExtensionType Datetime = new("datetime");

    /// <summary><c>duration</c>.</summary>
    public static readonly ExtensionType Duration = new("duration");
}

/// <summary>One attribute of a record type.</summary>
/// <param name="Type">The attribute's type.</param>
/// <param name="Required">False when the schema marks the attribute optional (<c>name?: T</c>).</param>
public sealed record AttributeType(CedarType Type, bool Required);

/// <summary>A Cedar record type.</summary>
/// <param name="Attributes">Declared attributes by name (ordinal order).</param>
/// <param name="AdditionalAttributes">True when values may carry attributes beyond those declared (never in a strict schema).</param>
public sealed record RecordType(ImmutableSortedDictionary<string, AttributeType> Attributes, bool AdditionalAttributes = false) : CedarType
{
    /// <summary>The closed record with no attributes.</summary>
    public static readonly RecordType Empty = new(ImmutableSortedDictionary.Create<string, AttributeType>(StringComparer.Ordinal));

    // Built on first use from Attributes (and rebuilt if a `with` gave this record other attributes): requests walk and
    // search declared attributes on every evaluation, and the sorted dictionary is slow to do either with.
    private Layout? _layout;

    /// <summary>The declared attributes in ordinal name order, as an array (the same content as <see cref="Attributes"/>).</summary>
    public ImmutableArray<KeyValuePair<string, AttributeType>> AttributeList => GetLayout().List;

    /// <summary>True when some declared attribute is required.</summary>
    public bool HasRequiredAttributes => GetLayout().FirstRequired is not null;

    /// <summary>The name of the first required attribute in ordinal order, or null when all are optional.</summary>
    public string? FirstRequiredAttribute => GetLayout().FirstRequired;

    /// <summary>True when <see cref="AttributeList"/> is in ordinal name order (the attributes' comparer is ordinal, as in every schema).</summary>
    internal bool IsOrdinal => GetLayout().Index is not null;

    /// <summary>Looks up a declared attribute (the same answer as <see cref="Attributes"/>, from a frozen index).</summary>
    /// <param name="name">The attribute name.</param>
    /// <param name="attribute">The attribute, when declared.</param>
    public bool TryGetAttribute(string name, [MaybeNullWhen(false)] out AttributeType attribute) =>
        GetLayout().Index is { } index ? index.TryGetValue(name, out attribute) : Attributes.TryGetValue(name, out attribute);

    /// <inheritdoc />
    public bool Equals(RecordType? other) =>
        other is not null
        && AdditionalAttributes == other.AdditionalAttributes
        && Attributes.Count == other.Attributes.Count
        && Attributes.All(a => other.Attributes.TryGetValue(a.Key, out var o) && a.Value.Equals(o));

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(AdditionalAttributes);
        foreach (var (name, attribute) in Attributes)
        {
            hash.Add(name, StringComparer.Ordinal);
            hash.Add(attribute);
        }

        return hash.ToHashCode();
    }

    private Layout GetLayout()
    {
        var layout = Volatile.Read(ref _layout);
        if (layout is null || !ReferenceEquals(layout.Source, Attributes))
        {
            layout = new Layout(Attributes);
            Volatile.Write(ref _layout, layout);
        }

        return layout;
    }

    private sealed class Layout(ImmutableSortedDictionary<string, AttributeType> source)
    {
        public ImmutableSortedDictionary<string, AttributeType> Source { get; } = source;

        public ImmutableArray<KeyValuePair<string, AttributeType>> List { get; } = [.. source];

        // Only for the ordinal comparer every schema uses; another comparer is asked through the dictionary itself.
        public FrozenDictionary<string, AttributeType>? Index { get; } =
            ReferenceEquals(source.KeyComparer, StringComparer.Ordinal) ? source.ToFrozenDictionary(StringComparer.Ordinal) : null;

        public string? FirstRequired { get; } = source.FirstOrDefault(a => a.Value.Required).Key;
    }
}
