using System.Threading.Channels;
using Warden.Lineage.Records;

namespace Warden.Lineage.Feeds;

/// <summary>An active subscription to a tenant's live records. Dispose it to unsubscribe.</summary>
public interface ILineageSubscription : IAsyncDisposable
{
    /// <summary>The records, as committed. Completes when the source ends (with an error if it failed).</summary>
    ChannelReader<LineageRecord> Records { get; }
}
