using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Runtime;
using Orleans.Streams;
using Warden.Events;
using Warden.Grains.Events;
using Warden.Sessions;

namespace Warden.Grains.Tests.Events;

/// <summary>
/// A session's events enqueued in a burst go out as a few stream messages, all of them, in order; by default its
/// session stream gets no decisions.
/// </summary>
public sealed class EventPublisherCoalescingTests
{
    private const int Burst = 100;

    private static readonly TaskScheduler Exclusive = new ConcurrentExclusiveSchedulerPair().ExclusiveScheduler;

    [Fact]
    public async Task Enqueue_Burst_FewerMessagesThanEventsAllInOrder()
    {
        var stream = new RecordingStream();
        var publisher = new EventPublisher(tenantStream: null, stream, NullLogger.Instance, "t/s");

        // One task at a time, like the grain's own scheduler the publisher is written for.
        await OnGrainLikeScheduler(() =>
        {
            for (var sequence = 1; sequence <= Burst; sequence++)
            {
                publisher.Enqueue([Event(sequence)]);
            }

            return Task.CompletedTask;
        });
        await OnGrainLikeScheduler(publisher.FlushAsync);

        // The first event goes out at once; the rest of the burst waits for the coalescing window and shares
        // messages. Even a burst stretched over many windows by a loaded machine stays far below one per event.
        Assert.InRange(stream.Messages.Count, 2, Burst / 2);
        Assert.Equal(Enumerable.Range(1, Burst).Select(n => (long)n), stream.Messages.SelectMany(m => m).Cast<SessionEvent>().Select(e => e.Sequence));
    }

    [Fact]
    public async Task Enqueue_AfterAQuietSpell_GoesOutAtOnce()
    {
        var stream = new RecordingStream();
        var publisher = new EventPublisher(tenantStream: null, stream, NullLogger.Instance, "t/s");

        await OnGrainLikeScheduler(() =>
        {
            publisher.Enqueue([Event(1)]);

            // No await: the first event after a quiet spell is published inside the call that enqueued it.
            Assert.Single(stream.Messages);
            return Task.CompletedTask;
        });
        await OnGrainLikeScheduler(publisher.FlushAsync);
    }

    [Fact]
    public async Task Enqueue_DecisionsAndLifecycleEvents_SessionStreamGetsOnlyTheLifecycleEventsInOrder()
    {
        var stream = new RecordingStream();
        var publisher = new EventPublisher(tenantStream: null, stream, NullLogger.Instance, "t/s");

        await OnGrainLikeScheduler(() =>
        {
            publisher.Enqueue([Decided(1), Decided(2)]);
            publisher.Enqueue([Event(3), Decided(4)]);
            publisher.Enqueue([Decided(5), Event(6)]);
            return Task.CompletedTask;
        });
        await OnGrainLikeScheduler(publisher.FlushAsync);

        Assert.Equal([3L, 6L], stream.Messages.SelectMany(m => m).Cast<SessionEvent>().Select(e => e.Sequence));
    }

    private static Task OnGrainLikeScheduler(Func<Task> work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.None, Exclusive).Unwrap();

    private static PolicyAdoptedEvent Event(long sequence) => new()
    {
        TenantId = "t",
        SessionId = "s",
        AgentId = "bot",
        Sequence = sequence,
        At = DateTimeOffset.UnixEpoch,
        Actor = "system",
        PolicyVersion = 1,
    };

    private static DecisionEvent Decided(long sequence) => new()
    {
        TenantId = "t",
        SessionId = "s",
        AgentId = "bot",
        Sequence = sequence,
        At = DateTimeOffset.UnixEpoch,
        Actor = "agent:t/bot",
        Action = "doc.read",
        ResourceType = "Doc",
        ResourceId = "d",
        Labels = [],
        InputDigest = string.Empty,
        Decision = new Decision("d" + sequence, DecisionEffect.Allow, [], [], null, null, 1, DateTimeOffset.UnixEpoch, sequence, [], null),
    };

    /// <summary>Records each message (one OnNext or one OnNextBatch) as it is published.</summary>
    private sealed class RecordingStream : IAsyncStream<WardenEvent>
    {
        private readonly Lock _gate = new();

        public List<IReadOnlyList<WardenEvent>> Messages { get; } = [];

        public bool IsRewindable => false;

        public string ProviderName => "test";

        public StreamId StreamId => StreamId.Create("test", "t/s");

        public Task OnNextAsync(WardenEvent item, StreamSequenceToken? token = null) => Record([item]);

        public Task OnNextBatchAsync(IEnumerable<WardenEvent> batch, StreamSequenceToken? token = null) => Record([.. batch]);

        public Task OnCompletedAsync() => Task.CompletedTask;

        public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

        public Task<IList<StreamSubscriptionHandle<WardenEvent>>> GetAllSubscriptionHandles() => throw new NotSupportedException();

        public Task<StreamSubscriptionHandle<WardenEvent>> SubscribeAsync(IAsyncObserver<WardenEvent> observer) => throw new NotSupportedException();

        public Task<StreamSubscriptionHandle<WardenEvent>> SubscribeAsync(IAsyncObserver<WardenEvent> observer, StreamSequenceToken? token, string? filterData = null) => throw new NotSupportedException();

        public Task<StreamSubscriptionHandle<WardenEvent>> SubscribeAsync(IAsyncBatchObserver<WardenEvent> observer) => throw new NotSupportedException();

        public Task<StreamSubscriptionHandle<WardenEvent>> SubscribeAsync(IAsyncBatchObserver<WardenEvent> observer, StreamSequenceToken? token) => throw new NotSupportedException();

        public bool Equals(IAsyncStream<WardenEvent>? other) => ReferenceEquals(this, other);

        public int CompareTo(IAsyncStream<WardenEvent>? other) => ReferenceEquals(this, other) ? 0 : 1;

        private Task Record(IReadOnlyList<WardenEvent> events)
        {
            lock (_gate)
            {
                Messages.Add(events);
            }

            return Task.CompletedTask;
        }
    }
}
