using MessagePack;

namespace Warden.Lineage.Records;

/// <summary>
/// A durable, hash-chained lineage record: an <see cref="LineageEvent"/> with its place in the tenant's chain.
/// Created by <see cref="Chain.LineageWriter"/>; encoded by <see cref="LineageRecordSerializer"/> (MessagePack,
/// canonical form documented there). <c>MessagePackSerializer.Serialize(record)</c> uses the same encoding.
/// </summary>
[MessagePackFormatter(typeof(LineageRecordFormatter))]
public sealed record LineageRecord
{
    /// <summary>Position in the tenant's chain: 1 for the first record, then +1 with no gap.</summary>
    public required long Sequence { get; init; }

    /// <summary>What happened.</summary>
    public required LineageEvent Event { get; init; }

    /// <summary>The <see cref="Hash"/> of the record before this one in the tenant's chain; <see cref="LineageHash.Zero"/> for sequence 1.</summary>
    public required LineageHash PreviousHash { get; init; }

    /// <summary>SHA-256 of this record's canonical encoding (everything above, see <see cref="LineageRecordSerializer"/>).</summary>
    public required LineageHash Hash { get; init; }

    /// <summary>The tenant whose chain holds the record (shortcut for <c>Event.TenantId</c>).</summary>
    public string TenantId => Event.TenantId;

    /// <summary>Whether <see cref="Hash"/> matches the hash recomputed from the other fields.</summary>
    public bool HasValidHash() => LineageRecordSerializer.ComputeHash(Sequence, Event, PreviousHash) == Hash;
}
