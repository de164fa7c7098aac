using System.Collections.Immutable;
using Warden.Policy.Values;

namespace Warden.Policy.Entities;

/// <summary>A Cedar entity: its uid, attributes, direct parents and tags.</summary>
public sealed class Entity
{
    /// <summary>Creates an entity.</summary>
    /// <param name="uid">The entity's uid.</param>
    /// <param name="attributes">Its attributes (none when null).</param>
    /// <param name="parents">Its direct parents in the hierarchy (none when null).</param>
    /// <param name="tags">Its tags (none when null).</param>
    public Entity(EntityUid uid, CedarRecord? attributes = null, IEnumerable<EntityUid>? parents = null, CedarRecord? tags = null)
    {
        Uid = uid ?? throw new ArgumentNullException(nameof(uid));
        Attributes = attributes ?? CedarRecord.Empty;
        Parents = parents is null ? [] : [.. parents.Distinct()];
        Tags = tags ?? CedarRecord.Empty;
    }

    /// <summary>The entity's uid.</summary>
    public EntityUid Uid { get; }

    /// <summary>The entity's attributes.</summary>
    public CedarRecord Attributes { get; }

    /// <summary>The entity's direct parents (distinct).</summary>
    public ImmutableArray<EntityUid> Parents { get; }

    /// <summary>The entity's tags (Cedar's open-keyed per-entity data, read with <c>getTag</c>/<c>hasTag</c>).</summary>
    public CedarRecord Tags { get; }

    /// <summary>True when both entities have the same uid, attributes, parents (as a set) and tags.</summary>
    /// <param name="other">The other entity.</param>
    public bool ContentEquals(Entity other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Uid.Equals(other.Uid)
            && Attributes.RecordEquals(other.Attributes)
            && Tags.RecordEquals(other.Tags)
            && Parents.Length == other.Parents.Length
            && Parents.All(other.Parents.Contains);
    }

    /// <inheritdoc />
    public override string ToString() => Uid.ToString();
}
