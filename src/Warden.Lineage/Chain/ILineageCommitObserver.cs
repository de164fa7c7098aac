using Warden.Lineage.Records;

namespace Warden.Lineage.Chain;

/// <summary>
/// Receives every batch right after it is committed, in commit order (so, per tenant, in sequence order).
/// This is where committed records are published live: <see cref="Feeds.LineageBroadcaster"/> in process, or an
/// adapter that pushes them onto Orleans streams.
/// </summary>
public interface ILineageCommitObserver
{
    /// <summary>
    /// Called on the writer's commit loop after the batch is durable. Must not block (queue the work); an exception
    /// is logged and ignored, since the records are already durable.
    /// </summary>
    void OnCommitted(IReadOnlyList<LineageRecord> records);
}
