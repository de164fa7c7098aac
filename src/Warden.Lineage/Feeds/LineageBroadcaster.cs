using System.Threading.Channels;
using Warden.Lineage.Chain;
using Warden.Lineage.Records;

namespace Warden.Lineage.Feeds;

/// <summary>
/// In-process fan-out of committed records to live subscribers: give it to <see cref="LineageWriter"/> as its
/// commit observer, and to <see cref="LineageFeed"/> as its live source.
/// </summary>
/// <remarks>
/// Each subscriber has a bounded buffer. A subscriber that falls behind loses its OLDEST buffered records, never
/// the newest, so the gap is visible at the next record it reads and <see cref="LineageFeed"/> back-fills it from
/// the log. Publishing never blocks the writer.
/// </remarks>
public sealed class LineageBroadcaster : ILineageCommitObserver, ILiveLineageSource
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Subscription[]> _subscribers = new(StringComparer.Ordinal);
    private readonly int _bufferCapacity;

    /// <summary>Creates a broadcaster whose subscribers buffer up to <paramref name="bufferCapacity"/> records each.</summary>
    public LineageBroadcaster(int bufferCapacity = 4096)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferCapacity, 1);
        _bufferCapacity = bufferCapacity;
    }

    /// <summary>How many subscriptions are active (all tenants).</summary>
    public int SubscriberCount
    {
        get
        {
            lock (_lock)
            {
                return _subscribers.Values.Sum(s => s.Length);
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<ILineageSubscription> SubscribeAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        cancellationToken.ThrowIfCancellationRequested();
        var subscription = new Subscription(this, tenantId, _bufferCapacity);
        lock (_lock)
        {
            _subscribers[tenantId] = _subscribers.TryGetValue(tenantId, out var existing) ? [.. existing, subscription] : [subscription];
        }

        return ValueTask.FromResult<ILineageSubscription>(subscription);
    }

    /// <inheritdoc />
    public void OnCommitted(IReadOnlyList<LineageRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        string? lastTenant = null;
        Subscription[]? targets = null;
        foreach (var record in records)
        {
            if (!string.Equals(record.TenantId, lastTenant, StringComparison.Ordinal))
            {
                lastTenant = record.TenantId;
                lock (_lock)
                {
                    targets = _subscribers.GetValueOrDefault(lastTenant);
                }
            }

            if (targets is null)
            {
                continue;
            }

            foreach (var subscription in targets)
            {
                // Bounded with DropOldest: never blocks, never fails.
                subscription.Writer.TryWrite(record);
            }
        }
    }

    private void Remove(Subscription subscription)
    {
        lock (_lock)
        {
            if (_subscribers.TryGetValue(subscription.TenantId, out var existing))
            {
                var remaining = existing.Where(s => !ReferenceEquals(s, subscription)).ToArray();
                if (remaining.Length == 0)
                {
                    _subscribers.Remove(subscription.TenantId);
                }
                else
                {
                    _subscribers[subscription.TenantId] = remaining;
                }
            }
        }
    }

    private sealed class Subscription : ILineageSubscription
    {
        private readonly LineageBroadcaster _owner;
        private readonly Channel<LineageRecord> _channel;

        public Subscription(LineageBroadcaster owner, string tenantId, int capacity)
        {
            _owner = owner;
            TenantId = tenantId;
            _channel = Channel.CreateBounded<LineageRecord>(new BoundedChannelOptions(capacity)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleReader = true,
                SingleWriter = false,
            });
        }

        public string TenantId { get; }

        public ChannelWriter<LineageRecord> Writer => _channel.Writer;

        public ChannelReader<LineageRecord> Records => _channel.Reader;

        public ValueTask DisposeAsync()
        {
            _owner.Remove(this);
            _channel.Writer.TryComplete();
            return ValueTask.CompletedTask;
        }
    }
}
