using System.Collections.Immutable;
using Warden.Policy.Types;

namespace Warden.Policy.Schemas;

/// <summary>An entity type a schema declares, with every name fully qualified and every common type inlined.</summary>
public sealed class SchemaEntityType
{
    internal SchemaEntityType(
        string name,
        RecordType attributes,
        CedarType? tags,
        ImmutableArray<string> memberOfTypes,
        ImmutableArray<string>? enumIds,
        ImmutableDictionary<string, string> annotations,
        ImmutableHashSet<string> descendantTypes)
    {
        DescendantTypes = descendantTypes;
        Name = name;
        Attributes = attributes;
        Tags = tags;
        MemberOfTypes = memberOfTypes;
        EnumIds = enumIds;
        Annotations = annotations;
        Shape = new EntityShape(name, attributes, tags, memberOfTypes, enumIds);
    }

    /// <summary>Fully qualified name, for example <c>NS::User</c>.</summary>
    public string Name { get; }

    /// <summary>The declared attributes (a closed record unless a JSON schema says <c>additionalAttributes</c>).</summary>
    public RecordType Attributes { get; }

    /// <summary>The type of every tag value, or null when entities of this type have no tags.</summary>
    public CedarType? Tags { get; }

    /// <summary>Fully qualified entity types that entities of this type may have as direct parents, in ordinal order.</summary>
    public ImmutableArray<string> MemberOfTypes { get; }

    /// <summary>For an enumerated entity type, the only valid ids, in declaration order; otherwise null.</summary>
    public ImmutableArray<string>? EnumIds { get; }

    /// <summary>True for an enumerated entity type (<c>entity Color enum ["Red", …]</c>).</summary>
    public bool IsEnum => EnumIds.HasValue;

    /// <summary>Annotations written on the declaration (<c>@doc("…")</c>); an annotation without a value maps to "".</summary>
    public ImmutableDictionary<string, string> Annotations { get; }

    /// <summary>
    /// Every entity type whose entities may be descendants (transitively, through parents) of entities of this type;
    /// excludes this type unless the hierarchy has a cycle through it.
    /// </summary>
    public ImmutableHashSet<string> DescendantTypes { get; }

    /// <summary>The shape schema-directed parsing needs.</summary>
    public EntityShape Shape { get; }

    /// <inheritdoc />
    public override string ToString() => Name;
}
