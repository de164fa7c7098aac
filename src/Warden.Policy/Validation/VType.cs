using System.Collections.Immutable;
using System.Text;

namespace Warden.Policy.Validation;

/// <summary>What the validator knows about a boolean: exactly true, exactly false, or either.</summary>
internal enum BoolKind
{
    /// <summary>Could be either.</summary>
    Any,

    /// <summary>Always true (Cedar's singleton type <c>True</c>).</summary>
    True,

    /// <summary>Always false (Cedar's singleton type <c>False</c>).</summary>
    False,
}

/// <summary>
/// A type in the strict validator: Cedar's type lattice. Besides the declared types (<see cref="Types.CedarType"/>)
/// it has the bottom type <see cref="VNever"/>, the singleton booleans, and entity types as sets of entity type
/// names (least upper bounds; always one name in strict mode). Action entity types are entity types too.
/// </summary>
internal abstract record VType
{
    public static readonly VType Never = new VNever();
    public static readonly VType AnyBool = new VBool(BoolKind.Any);
    public static readonly VType True = new VBool(BoolKind.True);
    public static readonly VType False = new VBool(BoolKind.False);
    public static readonly VType Long = new VLong();
    public static readonly VType String = new VString();

    public static VType Singleton(bool value) => value ? True : False;

    /// <summary>The type in Cedar's notation, for messages.</summary>
    public abstract void Print(StringBuilder builder);

    /// <inheritdoc />
    public sealed override string ToString()
    {
        var builder = new StringBuilder();
        Print(builder);
        return builder.ToString();
    }
}

/// <summary>The bottom type (an empty set literal's element type).</summary>
internal sealed record VNever : VType
{
    public override void Print(StringBuilder builder) => builder.Append("Never");
}

/// <summary><c>Bool</c>, <c>True</c> or <c>False</c>.</summary>
internal sealed record VBool(BoolKind Value) : VType
{
    public override void Print(StringBuilder builder) => builder.Append(Value switch
    {
        BoolKind.True => "True",
        BoolKind.False => "False",
        _ => "Bool",
    });
}

/// <summary><c>Long</c>.</summary>
internal sealed record VLong : VType
{
    public override void Print(StringBuilder builder) => builder.Append("Long");
}

/// <summary><c>String</c>.</summary>
internal sealed record VString : VType
{
    public override void Print(StringBuilder builder) => builder.Append("String");
}

/// <summary>An extension type (<c>ipaddr</c>, <c>decimal</c>, <c>datetime</c>, <c>duration</c>).</summary>
internal sealed record VExtension(string Name) : VType
{
    public override void Print(StringBuilder builder) => builder.Append(Name);
}

/// <summary><c>Set&lt;Element&gt;</c>.</summary>
internal sealed record VSet(VType Element) : VType
{
    public override void Print(StringBuilder builder)
    {
        builder.Append("Set<");
        Element.Print(builder);
        builder.Append('>');
    }
}

/// <summary>One attribute of a record type.</summary>
internal sealed record VAttribute(VType Type, bool Required);

/// <summary>A record type; <paramref name="Open"/> when values may carry undeclared attributes.</summary>
internal sealed record VRecord(ImmutableSortedDictionary<string, VAttribute> Attributes, bool Open) : VType
{
    public static readonly VRecord Empty = new(ImmutableSortedDictionary.Create<string, VAttribute>(StringComparer.Ordinal), false);

    /// <inheritdoc />
    public bool Equals(VRecord? other) =>
        other is not null
        && Open == other.Open
        && Attributes.Count == other.Attributes.Count
        && Attributes.All(a => other.Attributes.TryGetValue(a.Key, out var o) && a.Value.Equals(o));

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Open, Attributes.Count);

    public override void Print(StringBuilder builder)
    {
        builder.Append('{');
        var first = true;
        foreach (var (name, attribute) in Attributes)
        {
            builder.Append(first ? string.Empty : ", ").Append(name).Append(attribute.Required ? ": " : "?: ");
            attribute.Type.Print(builder);
            first = false;
        }

        builder.Append(Open ? ", ...}" : "}");
    }
}

/// <summary>An entity type, or (permissively) a union of entity types; Cedar's entity least upper bound.</summary>
internal sealed record VEntityType(ImmutableSortedSet<string> Names) : VType
{
    public static VEntityType Of(string name) => new(ImmutableSortedSet.Create(StringComparer.Ordinal, name));

    /// <summary>The single entity type, when this is one.</summary>
    public string? Single => Names.Count == 1 ? Names.Min : null;

    /// <inheritdoc />
    public bool Equals(VEntityType? other) => other is not null && Names.SetEquals(other.Names);

    /// <inheritdoc />
    public override int GetHashCode() => Names.Count == 0 ? 0 : HashCode.Combine(Names.Count, Names.Min);

    public override void Print(StringBuilder builder) => builder.Append(string.Join(" | ", Names));
}
