using System.Collections.Immutable;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Warden.Host.Diagnostics;
using Warden.Host.Security;
using Warden.Host.Services;
using Warden.Sessions;
using P = Warden.Protocol.V1;

namespace Warden.Host.Tests.Streaming;

/// <summary>
/// The evaluate stream's pump against a recording session grain and an in-memory request stream whose "already
/// received" items are the ones written before the pump reads (the pump's reader only waits once none is left).
/// </summary>
public sealed class EvaluateStreamPumpTests
{
    // Only bounds a hang (a deadlock fails the test instead of stopping the run); never reached when the pump works.
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Pump_ItemsAlreadyReceived_SentAsOneGrainCall()
    {
        var grains = new RecordingSessions();
        var session = WardenIds.NewSessionId();
        var requests = new FakeRequests();
        for (var i = 0; i < 64; i++)
        {
            requests.Add(Item(i, session));
        }

        var responses = new FakeResponses();
        var run = Pump(grains, 128).RunAsync(requests, responses);
        await responses.WaitForAsync(64).WaitAsync(Hang);
        requests.Complete();
        await run.WaitAsync(Hang);

        var call = Assert.Single(grains.Calls);
        Assert.Equal(Enumerable.Range(0, 64).Select(i => "r" + i), call.Resources);
        Assert.Equal(Enumerable.Range(0, 64).Select(i => (ulong)i), responses.Correlations);
    }

    [Fact]
    public async Task Pump_Batch_RecordedInTheBatchSizeHistogram()
    {
        // Other tests' pumps record too (the meter is static): this one's batch has a size no other test sends.
        const int size = 37;
        var sizes = new System.Collections.Concurrent.ConcurrentBag<int>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == StreamTelemetry.MeterName && instrument.Name == "warden.evaluate.stream.batch.size")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, value, _, _) => sizes.Add(value));
        listener.Start();
        var grains = new RecordingSessions();
        var session = WardenIds.NewSessionId();
        var requests = new FakeRequests();
        requests.AddRange(Enumerable.Range(0, size).Select(i => Item(i, session)));
        requests.Complete();

        await Pump(grains, 128).RunAsync(requests, new FakeResponses()).WaitAsync(Hang);

        Assert.Contains(size, sizes);
    }

    [Fact]
    public async Task Pump_LoneRequestOnOpenStream_EvaluatedWithoutWaitingForMore()
    {
        var grains = new RecordingSessions();
        var session = WardenIds.NewSessionId();
        var requests = new FakeRequests();
        var responses = new FakeResponses();
        var run = Pump(grains, 128).RunAsync(requests, responses);

        // The stream stays open: the answer must come without another request or the end of the stream.
        requests.Add(Item(0, session));
        await responses.WaitForAsync(1).WaitAsync(Hang);
        requests.Add(Item(1, session));
        await responses.WaitForAsync(2).WaitAsync(Hang);
        requests.Complete();
        await run.WaitAsync(Hang);

        Assert.Equal(new[] { "r0", "r1" }, grains.Calls.Select(c => Assert.Single(c.Resources)));
        Assert.All(responses.All, r => Assert.Equal(P.Decision.Allow, r.Response.Decision));
    }

    [Fact]
    public async Task Pump_FewSlotsWhileLanesHoldStagedItems_DoesNotDeadlockAndKeepsOrder()
    {
        var grains = new RecordingSessions();
        string[] sessions = [WardenIds.NewSessionId(), WardenIds.NewSessionId()];
        var requests = new FakeRequests();
        for (var i = 0; i < 40; i++)
        {
            requests.Add(Item(i, sessions[i % 2]));
        }

        requests.Complete();
        var responses = new FakeResponses();

        // Three slots: the reader stages three items, then waits for a slot that only their answers give back.
        await Pump(grains, 3).RunAsync(requests, responses).WaitAsync(Hang);

        Assert.Equal(40, responses.All.Count);
        Assert.All(grains.Calls, c => Assert.InRange(c.Resources.Count, 1, 3));
        for (var s = 0; s < 2; s++)
        {
            var expected = Enumerable.Range(0, 40).Where(i => i % 2 == s).ToList();
            Assert.Equal(expected.Select(i => (ulong)i), responses.Correlations.Where(c => (int)c % 2 == s));
            Assert.Equal(expected.Select(i => "r" + i), grains.Calls.Where(c => c.SessionId == sessions[s]).SelectMany(c => c.Resources));
        }
    }

    [Fact]
    public async Task Pump_ItemsArrivingWhileTheSessionsCallRuns_SentAsOneCallAfterItInOrder()
    {
        var grains = new RecordingSessions();
        var (a, b) = (WardenIds.NewSessionId(), WardenIds.NewSessionId());
        grains.Hold(a);
        var requests = new FakeRequests();
        var responses = new FakeResponses();
        var run = Pump(grains, 128).RunAsync(requests, responses);
        requests.Add(Item(0, a));
        await grains.Held.WaitAsync(Hang);

        // While a's first call is held, a's next items queue behind it and b's go on in parallel.
        // The last item is b's: once it is answered, every item before it was released to its lane.
        requests.AddRange(Enumerable.Range(1, 21).Select(i => Item(i, i % 2 == 0 ? a : b)));
        await responses.WaitForAsync(11).WaitAsync(Hang);
        Assert.All(responses.All, r => Assert.Equal(1UL, r.CorrelationId % 2));
        grains.Release();
        await responses.WaitForAsync(22).WaitAsync(Hang);
        requests.Complete();
        await run.WaitAsync(Hang);

        var callsOfA = grains.Calls.Where(c => c.SessionId == a).Select(c => c.Resources).ToList();
        Assert.Equal(2, callsOfA.Count);
        Assert.Equal(["r0"], callsOfA[0]);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => "r" + (2 * i)), callsOfA[1]);
        Assert.Equal(Enumerable.Range(0, 11).Select(i => (ulong)(2 * i)), responses.Correlations.Where(c => c % 2 == 0));
    }

    [Fact]
    public async Task Pump_MoreItemsReceivedThanOneBatch_SplitAtTheBatchBound()
    {
        var grains = new RecordingSessions();
        var session = WardenIds.NewSessionId();
        var requests = new FakeRequests();
        var count = EvaluateStreamPump.MaxBatch + 44;
        requests.AddRange(Enumerable.Range(0, count).Select(i => Item(i, session)));
        requests.Complete();
        var responses = new FakeResponses();

        await Pump(grains, 1024).RunAsync(requests, responses).WaitAsync(Hang);

        Assert.Equal(new[] { EvaluateStreamPump.MaxBatch, 44 }, grains.Calls.Select(c => c.Resources.Count));
        Assert.Equal(Enumerable.Range(0, count).Select(i => (ulong)i), responses.Correlations);
    }

    [Fact]
    public async Task Pump_GrainFails_EveryItemOfTheBatchDeniedAndTheStreamGoesOn()
    {
        var grains = new RecordingSessions();
        var (failing, healthy) = (WardenIds.NewSessionId(), WardenIds.NewSessionId());
        grains.Fail(failing);
        var requests = new FakeRequests();
        requests.AddRange(Enumerable.Range(0, 5).Select(i => Item(i, failing)));
        var responses = new FakeResponses();
        var run = Pump(grains, 128).RunAsync(requests, responses);
        await responses.WaitForAsync(5).WaitAsync(Hang);
        requests.Add(Item(5, healthy));
        requests.Complete();
        await run.WaitAsync(Hang);

        Assert.Equal(Enumerable.Range(0, 6).Select(i => (ulong)i), responses.Correlations);
        Assert.All(responses.All.Take(5), r =>
        {
            Assert.Equal(P.Decision.Deny, r.Response.Decision);
            Assert.Contains(r.Response.Reasons, reason => reason.Code == ReasonCodes.InternalError);
        });
        Assert.Equal(P.Decision.Allow, responses.All[5].Response.Decision);
    }

    private static EvaluateStreamPump Pump(RecordingSessions grains, int maxInFlight) =>
        new(new AgentIdentity("tenant", "agent"), grains.Get, TimeProvider.System, maxInFlight, NullLogger.Instance, CancellationToken.None);

    private static P.EvaluateStreamRequest Item(int correlation, string sessionId) => new()
    {
        CorrelationId = (ulong)correlation,
        Request = new P.EvaluateRequest { SessionId = sessionId, Action = "db.query", Resource = new P.Resource { Type = "Table", Id = "r" + correlation } },
    };

    /// <summary>A request stream: items added are "received"; the reader waits only when none is left.</summary>
    private sealed class FakeRequests : IAsyncStreamReader<P.EvaluateStreamRequest>
    {
        private readonly Channel<P.EvaluateStreamRequest> _items = Channel.CreateUnbounded<P.EvaluateStreamRequest>();

        public P.EvaluateStreamRequest Current { get; private set; } = null!;

        public void Add(P.EvaluateStreamRequest item) => _items.Writer.TryWrite(item);

        public void AddRange(IEnumerable<P.EvaluateStreamRequest> items)
        {
            foreach (var item in items)
            {
                Add(item);
            }
        }

        public void Complete() => _items.Writer.TryComplete();

        public Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            // Like gRPC's reader: a message already received completes the call synchronously.
            return _items.Reader.TryRead(out var item) ? Take(item) : WaitAsync(cancellationToken);
        }

        private Task<bool> Take(P.EvaluateStreamRequest item)
        {
            Current = item;
            return Task.FromResult(true);
        }

        private async Task<bool> WaitAsync(CancellationToken cancellationToken)
        {
            while (await _items.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (_items.Reader.TryRead(out var item))
                {
                    Current = item;
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>The response stream: records what was written, in order.</summary>
    private sealed class FakeResponses : IServerStreamWriter<P.EvaluateStreamResponse>
    {
        private readonly List<P.EvaluateStreamResponse> _written = [];
        private readonly List<(int Count, TaskCompletionSource Done)> _waiters = [];

        public WriteOptions? WriteOptions { get; set; }

        public List<P.EvaluateStreamResponse> All
        {
            get
            {
                lock (_written)
                {
                    return [.. _written];
                }
            }
        }

        public List<ulong> Correlations => All.Select(r => r.CorrelationId).ToList();

        public Task WriteAsync(P.EvaluateStreamResponse message)
        {
            lock (_written)
            {
                _written.Add(message);
                foreach (var waiter in _waiters.Where(w => w.Count <= _written.Count))
                {
                    waiter.Done.TrySetResult();
                }
            }

            return Task.CompletedTask;
        }

        public Task WaitForAsync(int count)
        {
            lock (_written)
            {
                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                if (_written.Count >= count)
                {
                    done.SetResult();
                }

                _waiters.Add((count, done));
                return done.Task;
            }
        }
    }

    private sealed record Call(string SessionId, List<string> Resources);

    /// <summary>Session grains that record each call's requests, allow everything, and can hold or fail a session.</summary>
    private sealed class RecordingSessions
    {
        private readonly List<Call> _calls = [];
        private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private string? _holding;
        private string? _failing;
        private long _sequence;

        public List<Call> Calls
        {
            get
            {
                lock (_calls)
                {
                    return [.. _calls];
                }
            }
        }

        /// <summary>Completes when the held session's first call arrived (and waits).</summary>
        public Task Held => _held.Task;

        public void Hold(string sessionId) => _holding = sessionId;

        public void Release() => _release.TrySetResult();

        public void Fail(string sessionId) => _failing = sessionId;

        public ISessionGrain Get(string sessionId) => new Grain(this, sessionId);

        private async Task<Outcome<ImmutableArray<Decision>>> EvaluateAsync(string sessionId, IReadOnlyList<EvaluationRequest> requests)
        {
            bool first;
            lock (_calls)
            {
                first = _calls.All(c => c.SessionId != sessionId);
                _calls.Add(new Call(sessionId, requests.Select(r => r.Resource.Id).ToList()));
            }

            if (sessionId == _failing)
            {
                throw new InvalidOperationException("the grain broke");
            }

            if (first && sessionId == _holding)
            {
                _held.TrySetResult();
                await _release.Task.ConfigureAwait(false);
            }

            return requests.Select(r => new Decision(
                sessionId + "." + r.Resource.Id, DecisionEffect.Allow, [], [], null, null, 1, DateTimeOffset.UnixEpoch,
                Interlocked.Increment(ref _sequence), [], null)).ToImmutableArray();
        }

        private sealed class Grain(RecordingSessions owner, string sessionId) : ISessionGrain
        {
            public async ValueTask<Outcome<Decision>> EvaluateAsync(Caller caller, EvaluationRequest request) =>
                (await owner.EvaluateAsync(sessionId, [request])).Value[0];

            public Task<Outcome<ImmutableArray<Decision>>> EvaluateManyAsync(Caller caller, ImmutableArray<EvaluationRequest> requests) =>
                owner.EvaluateAsync(sessionId, requests);

            public Task<Outcome<GrantRequestResult>> RequestGrantAsync(Caller caller, GrantRequest request) => throw new NotSupportedException();

            public Task<Outcome<ApprovalInfo>> GetApprovalAsync(Caller caller, string approvalId) => throw new NotSupportedException();

            public Task<Outcome<ApprovalInfo>> DecideApprovalAsync(Caller caller, ApprovalDecision decision) => throw new NotSupportedException();

            public Task<Outcome<SessionInfo>> CloseAsync(Caller caller) => throw new NotSupportedException();

            public Task<Outcome<RevocationReceipt>> RevokeAsync(Caller caller, string reason) => throw new NotSupportedException();

            public Task<Outcome<SessionInfo>> GetAsync(Caller caller) => throw new NotSupportedException();

            public Task<Outcome<SessionHistoryView>> GetHistoryAsync(Caller caller) => throw new NotSupportedException();
        }
    }
}
