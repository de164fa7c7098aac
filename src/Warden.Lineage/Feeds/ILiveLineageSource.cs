namespace Warden.Lineage.Feeds;

/// <summary>
/// A source of records as they are committed, per tenant: <see cref="LineageBroadcaster"/> in process, or an
/// adapter over an Orleans stream in the cluster. It may be lossy and may repeat or reorder records;
/// <see cref="LineageFeed"/> repairs all three from the log.
/// </summary>
public interface ILiveLineageSource
{
    /// <summary>
    /// Subscribes to a tenant's committed records. When the returned task completes the subscription is active:
    /// every record committed afterwards is offered to it (a lossy source may still drop some).
    /// </summary>
    ValueTask<ILineageSubscription> SubscribeAsync(string tenantId, CancellationToken cancellationToken = default);
}
