using System.Collections.Immutable;
using System.Threading.Channels;
using Grpc.Core;
using Warden.Grains.Lineage;
using Warden.Host.Diagnostics;
using Warden.Host.Mapping;
using Warden.Host.Security;
using Warden.Host.Validation;
using Warden.Sessions;
using P = Warden.Protocol.V1;

namespace Warden.Host.Services;

/// <summary>
/// Runs one bidirectional evaluate stream. Items are queued per session ("lanes"): a lane is drained by one worker
/// at a time, in arrival order, sending each run of consecutive items as one batched grain call
/// (<see cref="ISessionGrain.EvaluateManyAsync"/>), so responses of one session come back in request order while
/// sessions proceed in parallel. At most <c>maxInFlight</c> items are accepted and not yet answered; beyond that the
/// reader stops reading and HTTP/2 flow control slows the client. A bad item is answered with an error and the
/// stream goes on; a grain failure answers its items with DENY (fail closed).
/// </summary>
/// <remarks>
/// Batches are formed from everything already received, with no timer: an accepted item is staged in its lane, and
/// the staged items are released to their lanes (a lane that is not running starts draining) when the reader would
/// wait (no complete message is buffered, or no slot is free), when <see cref="MaxBatch"/> items are staged, and at
/// the end of the stream. A lone request thus goes out at once, while a burst (a client answering a burst of
/// responses with as many new requests) goes out as one grain call instead of its first item alone followed by the
/// rest a whole evaluation (and, with durable lineage, a whole commit) later.
/// </remarks>
internal sealed class EvaluateStreamPump
{
    /// <summary>The most items one grain call carries, and the most the reader stages before releasing them.</summary>
    internal const int MaxBatch = 256;

    private static readonly WriteOptions Buffered = new(WriteFlags.BufferHint);

    private readonly AgentIdentity _agent;
    private readonly Func<string, ISessionGrain> _sessions;
    private readonly TimeProvider _time;
    private readonly int _maxInFlight;
    private readonly ILogger _logger;
    private readonly CancellationToken _cancellation;
    private readonly SemaphoreSlim _slots;
    // Not SingleReader: the single-reader channel cannot count, and the writer asks how many responses wait.
    private readonly Channel<P.EvaluateStreamResponse> _responses = Channel.CreateUnbounded<P.EvaluateStreamResponse>();
    private readonly Dictionary<string, Lane> _lanes = new(StringComparer.Ordinal);
    // Reader only: the lanes holding staged items, and how many items are staged.
    private readonly List<Lane> _staged = [];
    private readonly List<Lane> _starting = [];
    private int _stagedItems;

    public EvaluateStreamPump(AgentIdentity agent, Func<string, ISessionGrain> sessions, TimeProvider time, int maxInFlight, ILogger logger, CancellationToken cancellation)
    {
        _agent = agent;
        _sessions = sessions;
        _time = time;
        _maxInFlight = maxInFlight;
        _logger = logger;
        _cancellation = cancellation;
        _slots = new SemaphoreSlim(maxInFlight, maxInFlight);
    }

    public async Task RunAsync(IAsyncStreamReader<P.EvaluateStreamRequest> requests, IServerStreamWriter<P.EvaluateStreamResponse> responses)
    {
        // A writer that fails stops the reader too (it would otherwise wait for slots that never come back).
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_cancellation);
        var writer = WriteLoopAsync(responses);
        _ = writer.ContinueWith(_ => stop.Cancel(), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        try
        {
            while (true)
            {
                var next = requests.MoveNext(stop.Token);
                if (!next.IsCompleted)
                {
                    // Nothing more already received: send what was, then wait.
                    Release();
                }

                if (!await next.ConfigureAwait(false))
                {
                    break;
                }

                // Back-pressure: no slot, no read.
                var slot = _slots.WaitAsync(stop.Token);
                if (!slot.IsCompleted)
                {
                    // INVARIANT: slots come back only as items are answered, so staged items are sent before waiting
                    // for one (else the reader could wait for slots that only the staged items would free).
                    Release();
                }

                await slot.ConfigureAwait(false);
                Accept(requests.Current);
                if (_stagedItems >= MaxBatch)
                {
                    Release();
                }
            }

            Release();

            // Every accepted item gives its slot back once its response is written: holding all slots means drained.
            for (var i = 0; i < _maxInFlight; i++)
            {
                await _slots.WaitAsync(stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (writer.IsFaulted)
        {
            // The writer's own exception is the one to report.
        }
        finally
        {
            _responses.Writer.TryComplete();
        }

        await writer.ConfigureAwait(false);
    }

    private void Accept(P.EvaluateStreamRequest item)
    {
        var correlation = item.CorrelationId;
        if (item.Request is null)
        {
            Respond(Error(correlation, StatusCode.InvalidArgument, "request: is required", [new P.FieldViolation { Field = "request", Description = "is required" }]));
            return;
        }

        var check = new RequestCheck();
        var domain = EvaluationMapping.ToDomain(item.Request, check, "request.");
        if (!WardenIds.IsValidSessionId(item.Request.SessionId))
        {
            // No session to order it against: answer at once.
            Respond(Refused(correlation, check));
            return;
        }

        var entry = new Entry(correlation, check.IsValid ? domain : null, check);
        lock (_lanes)
        {
            if (!_lanes.TryGetValue(item.Request.SessionId, out var lane))
            {
                lane = new Lane(item.Request.SessionId);
                _lanes.Add(lane.SessionId, lane);
            }

            lane.Queue.Enqueue(entry);
            if (!lane.Staged)
            {
                lane.Staged = true;
                _staged.Add(lane);
            }
        }

        _stagedItems++;
    }

    /// <summary>Releases the staged items to their lanes and starts the lanes that are not running (reader only).</summary>
    private void Release()
    {
        if (_staged.Count == 0)
        {
            return;
        }

        lock (_lanes)
        {
            foreach (var lane in _staged)
            {
                lane.Staged = false;
                lane.Released = lane.Queue.Count;
                if (lane.Running)
                {
                    // Its drain takes them when its current call is answered.
                    continue;
                }

                if (lane.Released > 0)
                {
                    lane.Running = true;
                    _starting.Add(lane);
                }
                else
                {
                    // A faulted lane answered them already.
                    Retire(lane);
                }
            }
        }

        _staged.Clear();
        _stagedItems = 0;
        foreach (var lane in _starting)
        {
            _ = DrainAsync(lane);
        }

        _starting.Clear();
    }

    /// <summary>Forgets a lane that holds nothing and that nothing works on (caller holds the lock on the lanes).</summary>
    private void Retire(Lane lane)
    {
        // INVARIANT: a lane stays in the map while it runs or holds items, so one session has one lane at a time and
        // its items are evaluated in order.
        if (!lane.Running && !lane.Staged && lane.Queue.Count == 0
            && _lanes.TryGetValue(lane.SessionId, out var current) && ReferenceEquals(current, lane))
        {
            _lanes.Remove(lane.SessionId);
        }
    }

    private async Task DrainAsync(Lane lane)
    {
        try
        {
            await DrainLaneAsync(lane).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // INVARIANT: every accepted item is answered (its slot comes back only then); a fault in the lane itself
            // answers what it still holds with DENY, so no caller waits forever and nothing is allowed.
            HostLog.EvaluateFailedClosed(_logger, e, lane.SessionId);
            lock (_lanes)
            {
                foreach (var held in lane.Current.Where(c => !c.Answered))
                {
                    Answer(held, FailedClosed(held.CorrelationId));
                }

                while (lane.Queue.TryDequeue(out var left))
                {
                    Answer(left, FailedClosed(left.CorrelationId));
                }

                lane.Released = 0;
                lane.Running = false;
                Retire(lane);
            }
        }
    }

    private async Task DrainLaneAsync(Lane lane)
    {
        var batch = lane.Current;
        while (true)
        {
            batch.Clear();
            lock (_lanes)
            {
                if (lane.Released == 0)
                {
                    // Items still staged stay in the lane: the reader's next release starts it again.
                    lane.Running = false;
                    Retire(lane);
                    return;
                }

                while (batch.Count < MaxBatch && lane.Released > 0 && lane.Queue.TryDequeue(out var next))
                {
                    batch.Add(next);
                    lane.Released--;
                }
            }

            var runStart = 0;
            for (var i = 0; i <= batch.Count; i++)
            {
                if (i < batch.Count && batch[i].Request is not null)
                {
                    continue;
                }

                if (i > runStart)
                {
                    await EvaluateRunAsync(lane.SessionId, batch, runStart, i - runStart).ConfigureAwait(false);
                }

                if (i < batch.Count)
                {
                    Answer(batch[i], Refused(batch[i].CorrelationId, batch[i].Check));
                }

                runStart = i + 1;
            }
        }
    }

    private async Task EvaluateRunAsync(string sessionId, List<Entry> batch, int start, int count)
    {
        try
        {
            var grain = _sessions(sessionId);
            DecisionTelemetry.CarryTraceContext();
            StreamTelemetry.BatchSize.Record(count);
            if (count == 1)
            {
                var one = await grain.EvaluateAsync(_agent.ForGrains, batch[start].Request!).ConfigureAwait(false);
                Answer(batch[start], one.IsOk ? Decided(batch[start].CorrelationId, one.Value) : Failed(batch[start].CorrelationId, one.Error));
                return;
            }

            var requests = ImmutableArray.CreateBuilder<EvaluationRequest>(count);
            for (var i = start; i < start + count; i++)
            {
                requests.Add(batch[i].Request!);
            }

            var many = await grain.EvaluateManyAsync(_agent.ForGrains, requests.MoveToImmutable()).ConfigureAwait(false);
            for (var i = 0; i < count; i++)
            {
                var correlation = batch[start + i].CorrelationId;
                // INVARIANT: a batch answer has one decision per request, in order; anything else is a fault → deny.
                Answer(batch[start + i], !many.IsOk ? Failed(correlation, many.Error)
                    : i < many.Value.Length ? Decided(correlation, many.Value[i])
                    : FailedClosed(correlation));
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !_cancellation.IsCancellationRequested)
        {
            HostLog.EvaluateFailedClosed(_logger, e, sessionId);
            for (var i = start; i < start + count; i++)
            {
                if (!batch[i].Answered)
                {
                    Answer(batch[i], FailedClosed(batch[i].CorrelationId));
                }
            }
        }
    }

    private async Task WriteLoopAsync(IServerStreamWriter<P.EvaluateStreamResponse> responses)
    {
        var reader = _responses.Reader;
        while (await reader.WaitToReadAsync(_cancellation).ConfigureAwait(false))
        {
            while (reader.TryRead(out var response))
            {
                // Buffer while more responses are queued; the last one of a burst flushes them all.
                responses.WriteOptions = reader.CanCount && reader.Count > 0 ? Buffered : null;
                await responses.WriteAsync(response, _cancellation).ConfigureAwait(false);
                _slots.Release();
            }
        }
    }

    private void Respond(P.EvaluateStreamResponse response) => _responses.Writer.TryWrite(response);

    private void Answer(Entry entry, P.EvaluateStreamResponse response)
    {
        entry.Answered = true;
        Respond(response);
    }

    private static P.EvaluateStreamResponse Decided(ulong correlation, Decision decision) =>
        new() { CorrelationId = correlation, Response = ProtoMapping.ToProto(decision) };

    private P.EvaluateStreamResponse FailedClosed(ulong correlation) =>
        new() { CorrelationId = correlation, Response = AgentRuntimeService.FailedClosed(_time) };

    private P.EvaluateStreamResponse Refused(ulong correlation, RequestCheck check)
    {
        HostLog.StreamItemRefused(_logger, correlation, nameof(StatusCode.InvalidArgument));
        var violations = check.Violations.Select(v => new P.FieldViolation { Field = v.Field, Description = v.Description }).ToList();
        var message = string.Join("; ", violations.Select(v => $"{v.Field}: {v.Description}"));
        return Error(correlation, StatusCode.InvalidArgument, message, violations);
    }

    private P.EvaluateStreamResponse Failed(ulong correlation, CallError error)
    {
        var code = error.Status switch
        {
            CallStatus.InvalidArgument => StatusCode.InvalidArgument,
            CallStatus.NotFound => StatusCode.NotFound,
            CallStatus.AlreadyExists => StatusCode.AlreadyExists,
            CallStatus.PermissionDenied => StatusCode.PermissionDenied,
            CallStatus.FailedPrecondition => StatusCode.FailedPrecondition,
            CallStatus.Unauthenticated => StatusCode.Unauthenticated,
            _ => StatusCode.Internal,
        };
        HostLog.StreamItemRefused(_logger, correlation, code.ToString());
        var message = error.Status == CallStatus.NotFound ? "request.session_id: " + error.Message : error.Message;
        var violations = error.Violations.IsDefaultOrEmpty
            ? []
            : error.Violations.Select(v => new P.FieldViolation { Field = "request." + v.Field, Description = v.Description }).ToList();
        return Error(correlation, code, message, violations);
    }

    private static P.EvaluateStreamResponse Error(ulong correlation, StatusCode code, string message, IEnumerable<P.FieldViolation> violations) => new()
    {
        CorrelationId = correlation,
        Error = new P.ItemError { Code = (int)code, Message = message, FieldViolations = { violations } },
    };

    private sealed record Entry(ulong CorrelationId, EvaluationRequest? Request, RequestCheck Check)
    {
        public bool Answered { get; set; }
    }

    private sealed class Lane(string sessionId)
    {
        public string SessionId { get; } = sessionId;

        public Queue<Entry> Queue { get; } = new();

        /// <summary>The batch being worked on (only its drain touches it).</summary>
        public List<Entry> Current { get; } = new(16);

        /// <summary>True while its drain runs (at most one at a time).</summary>
        public bool Running { get; set; }

        /// <summary>True while the reader lists it as holding staged items (queued but not yet released).</summary>
        public bool Staged { get; set; }

        /// <summary>How many items at the head of <see cref="Queue"/> its drain may take (the rest are staged).</summary>
        public int Released { get; set; }
    }
}
