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

    /// <summary>The clock for latency measurements. Default <see cref="TimeProvider.System"/>.</summary>
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

        ArgumentNullException.ThrowIfNull(TimeProvider);
    }
}
