using System.Threading.Channels;
using Warden.Lineage.Chain;
using Warden.Lineage.Feeds;
using Warden.Lineage.Records;

namespace Warden.Lineage.Tests.Support;

/// <summary>
/// A live source that loses, repeats and reorders records (seeded), like an unreliable stream provider; records
/// that <c>keep</c> selects are always delivered promptly.
/// </summary>
internal sealed class ChaosLiveSource(int seed, double drop, double duplicate, double hold, Func<LineageRecord, bool> keep)
    : ILineageCommitObserver, ILiveLineageSource
{
    private readonly Lock _lock = new();
    private readonly Random _random = new(seed);
    private readonly List<Channel<LineageRecord>> _subscribers = [];
    private LineageRecord? _held;

    public int SubscriberCount
    {
        get
        {
            lock (_lock)
            {
                return _subscribers.Count;
            }
        }
    }

    public void OnCommitted(IReadOnlyList<LineageRecord> records)
    {
        lock (_lock)
        {
            foreach (var record in records)
            {
                var roll = _random.NextDouble();
                if (keep(record))
                {
                    Send(record);
                }
                else if (roll < drop)
                {
                    continue;
                }
                else if (roll < drop + hold && _held is null)
                {
                    _held = record;
                    continue;
                }
                else
                {
                    Send(record);
                    if (roll < drop + hold + duplicate)
                    {
                        Send(record);
                    }
                }

                if (_held is not null && !ReferenceEquals(_held, record))
                {
                    Send(_held);
                    _held = null;
                }
            }
        }
    }

    public ValueTask<ILineageSubscription> SubscribeAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateUnbounded<LineageRecord>();
        lock (_lock)
        {
            _subscribers.Add(channel);
        }

        return ValueTask.FromResult<ILineageSubscription>(new Subscription(channel, () =>
        {
            lock (_lock)
            {
                _subscribers.Remove(channel);
            }
        }));
    }

    private void Send(LineageRecord record)
    {
        foreach (var subscriber in _subscribers)
        {
            subscriber.Writer.TryWrite(record);
        }
    }

    private sealed class Subscription(Channel<LineageRecord> channel, Action remove) : ILineageSubscription
    {
        public ChannelReader<LineageRecord> Records => channel.Reader;

        public ValueTask DisposeAsync()
        {
            remove();
            channel.Writer.TryComplete();
            return ValueTask.CompletedTask;
        }
    }
}
