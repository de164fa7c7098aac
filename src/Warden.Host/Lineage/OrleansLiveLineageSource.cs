using System.Threading.Channels;
using Orleans.Runtime;
using Orleans.Streams;
using Warden.Events;
using Warden.Grains.Lineage;
using Warden.Lineage.Feeds;
using Warden.Lineage.Records;

namespace Warden.Host.Lineage;

/// <summary>
/// Live lineage from the tenant's Orleans stream (<see cref="LineageStreams.Namespace"/>), whichever silo committed the
/// records. Each subscription hands records to a bounded channel; when it overflows the oldest are dropped, and
/// <see cref="LineageFeed"/> back-fills any gap from the log, so a slow reader never loses a record.
/// </summary>
internal sealed class OrleansLiveLineageSource(IClusterClient client) : ILiveLineageSource
{
    private const int BufferCapacity = 4096;

    public async ValueTask<ILineageSubscription> SubscribeAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        var stream = client.GetStreamProvider(WardenStreams.ProviderName).GetStream<LineageRecordBatch>(StreamId.Create(LineageStreams.Namespace, tenantId));
        var channel = Channel.CreateBounded<LineageRecord>(new BoundedChannelOptions(BufferCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        var handle = await stream.SubscribeAsync(
            (batch, _) =>
            {
                foreach (var record in batch.Records)
                {
                    channel.Writer.TryWrite(record);
                }

                return Task.CompletedTask;
            },
            ex =>
            {
                channel.Writer.TryComplete(ex);
                return Task.CompletedTask;
            }).WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Subscription(handle, channel);
    }

    private sealed class Subscription(StreamSubscriptionHandle<LineageRecordBatch> handle, Channel<LineageRecord> channel) : ILineageSubscription
    {
        public ChannelReader<LineageRecord> Records => channel.Reader;

        public async ValueTask DisposeAsync()
        {
            channel.Writer.TryComplete();
            try
            {
                await handle.UnsubscribeAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OrleansException or TimeoutException or InvalidOperationException)
            {
                // The silo is stopping or the subscription is gone already: nothing left to release.
            }
        }
    }
}
