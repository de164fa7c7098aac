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

    /// <summary>
    /// The stored form, when the writer produced it while hashing (so the log stores it without encoding the record a
    /// second time). A copy made with <c>with</c> carries it along, so it is used only while the record still has the
    /// exact event, sequence and hashes it was encoded from. Set it last in an object initializer.
    /// </summary>
    internal byte[]? Encoded
    {
        get => _encoded is { } e && ReferenceEquals(e.Event, Event) && e.Sequence == Sequence && e.PreviousHash == PreviousHash && e.Hash == Hash ? e.Bytes : null;
        init => _encoded = value is null ? null : new EncodedForm(value, Event, Sequence, PreviousHash, Hash);
    }

    private readonly EncodedForm? _encoded;

    /// <summary>The tenant whose chain holds the record (shortcut for <c>Event.TenantId</c>).</summary>
    public string TenantId => Event.TenantId;

    /// <summary>Whether <see cref="Hash"/> matches the hash recomputed from the other fields.</summary>
    public bool HasValidHash() => LineageRecordSerializer.ComputeHash(Sequence, Event, PreviousHash) == Hash;
}
