using Warden.Lineage.Records;

namespace Warden.Lineage.Chain;

/// <summary>What <see cref="LineageWriter.AppendAsync"/> returns.</summary>
public readonly record struct LineageAppendResult
{
    /// <summary>Creates a result; <paramref name="record"/> is null when the append was accepted but is not yet durable.</summary>
    public LineageAppendResult(LineageRecord? record)
    {
        Record = record;
    }

    /// <summary>The committed record (with its sequence and hash), or null in asynchronous mode.</summary>
    public LineageRecord? Record { get; }

    /// <summary>
    /// True when the record was durably committed before the append returned (durable mode). False in
    /// asynchronous mode: the record is only queued and may still be lost.
    /// </summary>
    public bool IsDurable => Record is not null;
}
