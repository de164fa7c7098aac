using Warden.Lineage.Records;

namespace Warden.Lineage.Chain;

/// <summary>The end of a tenant's chain: the last record's sequence and hash.</summary>
/// <param name="Sequence">The last sequence; 0 for an empty chain.</param>
/// <param name="Hash">The last record's hash; <see cref="LineageHash.Zero"/> for an empty chain.</param>
public readonly record struct ChainHead(long Sequence, LineageHash Hash)
{
    /// <summary>The head of an empty chain: the next record is sequence 1 linking to the zero hash.</summary>
    public static ChainHead Genesis => new(0, LineageHash.Zero);

    /// <summary>The head after <paramref name="record"/>.</summary>
    public static ChainHead Of(LineageRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new ChainHead(record.Sequence, record.Hash);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Sequence}:{Hash}";
}
