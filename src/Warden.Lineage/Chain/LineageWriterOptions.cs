namespace Warden.Lineage.Chain;

/// <summary>Settings of a <see cref="LineageWriter"/>. Defaults suit the embedded SQLite log.</summary>
public sealed class LineageWriterOptions
{
    /// <summary>Durable (default) or asynchronous appends; see <see cref="LineageDurability"/>.</summary>
    public LineageDurability Durability { get; set; } = LineageDurability.Durable;

    /// <summary>
    /// Most records committed in one batch (one transaction in SQLite); a group is never split, so a batch can pass it by
    /// its last group. Default 1,024; 1 to 65,536.
    /// </summary>
    public int MaxBatchSize { get; set; } = 1024;

    /// <summary>
    /// Most appends (a group from <see cref="LineageWriter.AppendManyAsync"/> counts as one) waiting to be committed;
    /// an append beyond it waits for room (back-pressure, in both modes). Default 65,536.
    /// </summary>
    public int QueueCapacity { get; set; } = 65_536;

    /// <summary>
    /// Group commit under load: when the previous batch held at least <see cref="CommitDelayFromRecords"/> records, the
    /// commit loop waits this long before it takes the next batch, so the appends arriving meanwhile join it. Each commit
    /// has a fixed cost (in SQLite an fsync and about seven WAL pages: about 200 µs of the writer thread's CPU, against
    /// about 1.9 µs per record), so at stream rates fewer, larger commits cost less CPU per record; a lone append (the
    /// previous batch small) never waits. Durability is unchanged: an append still completes only after its commit.
    /// The trade: each waiting commit adds up to this much latency, and while it waits nothing is being written, so where
    /// the appenders are few and each waits for its commit before appending again (the evaluate stream at 8 agents × 64)
    /// fewer decisions per second get through, not more. Default zero (never waits); at most 1 s.
    /// </summary>
    public TimeSpan CommitDelay { get; set; }

    /// <summary>
    /// The size of the previous batch, in records, from which <see cref="CommitDelay"/> applies. Default 64: callers with
    /// one decision in flight each (unary calls) fill a batch with at most one record per caller, so up to 64 of them
    /// never wait; the evaluate stream's batches (about 50 to 90 records at 8 agents × 64 in flight) do. At least 1.
    /// </summary>
    public int CommitDelayFromRecords { get; set; } = 64;

    /// <summary>The clock for latency measurements and <see cref="CommitDelay"/>. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Durability))
        {
            throw new ArgumentException($"Unknown durability {(int)Durability}.", nameof(Durability));
        }

        if (MaxBatchSize is < 1 or > 65_536)
        {
            throw new ArgumentException("MaxBatchSize must be between 1 and 65,536.", nameof(MaxBatchSize));
        }

        if (QueueCapacity < 1)
        {
            throw new ArgumentException("QueueCapacity must be at least 1.", nameof(QueueCapacity));
        }

        if (CommitDelay < TimeSpan.Zero || CommitDelay > TimeSpan.FromSeconds(1))
        {
            throw new ArgumentException("CommitDelay must be between zero and 1 s.", nameof(CommitDelay));
        }

        if (CommitDelayFromRecords < 1)
        {
            throw new ArgumentException("CommitDelayFromRecords must be at least 1.", nameof(CommitDelayFromRecords));
        }

        ArgumentNullException.ThrowIfNull(TimeProvider);
    }
}
