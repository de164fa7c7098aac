namespace Warden.Lineage.Chain;

/// <summary>When <see cref="LineageWriter.AppendAsync"/> returns, relative to the record reaching the disk.</summary>
public enum LineageDurability
{
    /// <summary>
    /// The default, and the evidence-first choice: an append completes only after its record is committed durably
    /// (group commit: concurrent appends share one transaction). A decision awaited this way is in the log before
    /// the agent receives it.
    /// </summary>
    Durable = 0,

    /// <summary>
    /// Speed over evidence: an append completes as soon as the record is queued, BEFORE it is durable. Records
    /// still queued are lost if the process dies, and a failed write is only logged and counted
    /// (<c>warden.lineage.append.failures</c>): the agent may act on a decision that never reaches the log.
    /// Use <see cref="LineageWriter.FlushAsync"/> where a point must be durable.
    /// </summary>
    Asynchronous = 1,
}
