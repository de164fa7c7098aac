using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Orleans.Streams;
using Warden.Events;
using Warden.Grains.Diagnostics;
using Warden.Grains.Lineage;
using Warden.Grains.Options;

namespace Warden.Grains.Events;

/// <summary>
/// Publishes a grain's events to the tenant stream and, for session events, the session stream: a session stream
/// carries its session's lifecycle events, and its decisions only with <see cref="WardenEventOptions.SessionStreamDecisions"/>.
/// Observers only: a failure is logged and never changes a decision or a state transition.
/// </summary>
internal sealed class EventPublisher
{
    /// <summary>
    /// A drain publishes at most once per this interval: a busy session's events wait up to this long and go out as
    /// one stream message. Under the load generator's unary run one message per decision (a queue grain call each)
    /// was 6 % of the host's CPU. An event after a quiet spell goes out at once.
    /// </summary>
    internal static readonly TimeSpan CoalesceWindow = TimeSpan.FromMilliseconds(10);

    private readonly IAsyncStream<WardenEvent>? _tenantStream;
    private readonly IAsyncStream<WardenEvent>? _sessionStream;
    private readonly ILogger _logger;
    private readonly string _key;
    private bool _sessionStreamDecisions;
    private LineageRecorder? _lineage;
    private string? _tenantId;
    private TenantEventBatcher? _batcher;
    private Task _tail = Task.CompletedTask;
    private List<WardenEvent>? _queued;
    private long _lastDrain;
    private HashSet<WardenEvent>? _recorded;

    internal EventPublisher(IAsyncStream<WardenEvent>? tenantStream, IAsyncStream<WardenEvent>? sessionStream, ILogger logger, string key)
    {
        _tenantStream = tenantStream;
        _sessionStream = sessionStream;
        _logger = logger;
        _key = key;
    }

    /// <summary>A publisher for a tenant-level grain.</summary>
    /// <param name="grain">The publishing grain.</param>
    /// <param name="tenantId">Its tenant.</param>
    /// <param name="logger">Where failures go.</param>
    public static EventPublisher ForTenant(Grain grain, string tenantId, ILogger logger) => Create(grain, tenantId, sessionId: null, logger);

    /// <summary>A publisher for a session grain.</summary>
    /// <param name="grain">The session grain.</param>
    /// <param name="tenantId">Its tenant.</param>
    /// <param name="sessionId">Its session id.</param>
    /// <param name="logger">Where failures go.</param>
    public static EventPublisher ForSession(Grain grain, string tenantId, string sessionId, ILogger logger) => Create(grain, tenantId, sessionId, logger);

    /// <summary>
    /// Publishes events in order: every event to the tenant stream, session events (decisions only with
    /// <see cref="WardenEventOptions.SessionStreamDecisions"/>) to the session stream.
    /// </summary>
    /// <remarks>
    /// One batch per stream (<c>OnNextBatchAsync</c>): a queue message carries the whole run of events and observers
    /// still receive them one by one, in order. One enqueue per stream instead of one per event is what keeps the
    /// queue grains off the decision path's cost at high rates.
    /// </remarks>
    /// <param name="events">The events.</param>
    public async Task PublishAsync(IReadOnlyList<WardenEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return;
        }

        // Tenant-level lifecycle events become lineage records before observers hear of them (session events are
        // recorded by the session grain itself, decisions durably before the answer).
        if (_lineage is not null && _tenantId is not null && events.Any(e => e is not SessionEvent))
        {
            await _lineage.RecordTenantEventsAsync(_tenantId, Unrecorded(events));
        }

        if (_batcher is not null && _tenantId is not null)
        {
            // Through the silo's batcher, behind this session's events already queued there: the tenant stream
            // keeps the session's order.
            _batcher.Enqueue(_tenantId, events);
            await _batcher.FlushAsync();
        }
        else if (_tenantStream is not null)
        {
            await PublishToAsync(_tenantStream, events);
        }

        await PublishToSessionAsync(events);
    }

    private async Task PublishToSessionAsync(IReadOnlyList<WardenEvent> events)
    {
        if (_sessionStream is not null && ForSessionStream(events) is { Count: > 0 } sessionEvents)
        {
            await PublishToAsync(_sessionStream, sessionEvents);
        }
    }

    /// <summary>
    /// The events the session stream carries, in their order: session events, without decisions unless
    /// <see cref="WardenEventOptions.SessionStreamDecisions"/>. The list itself when it is all of them.
    /// </summary>
    private IReadOnlyList<WardenEvent> ForSessionStream(IReadOnlyList<WardenEvent> events)
    {
        List<WardenEvent>? kept = null;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var carried = e is SessionEvent && (_sessionStreamDecisions || e is not DecisionEvent);
            if (carried)
            {
                kept?.Add(e);
            }
            else if (kept is null)
            {
                kept = new List<WardenEvent>(events.Count);
                for (var j = 0; j < i; j++)
                {
                    kept.Add(events[j]);
                }
            }
        }

        return kept ?? events;
    }

    /// <summary>Publishes one event.</summary>
    /// <param name="e">The event.</param>
    public Task PublishAsync(WardenEvent e) => PublishAsync([e]);

    /// <summary>
    /// Publishes events after every earlier enqueued batch, without making the caller wait: the decision path
    /// answers without waiting for observers. Order is kept: one drain runs at a time, and events enqueued while it
    /// publishes are published together after it (so a busy session sends a few large batches, not one message per
    /// event). Failures are logged. Call from the grain's own scheduler only.
    /// </summary>
    /// <param name="events">The events.</param>
    public void Enqueue(IReadOnlyList<WardenEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0 || (_tenantStream is null && _sessionStream is null && _lineage is null && _batcher is null))
        {
            return;
        }

        if (_batcher is not null && _tenantId is not null)
        {
            // The tenant stream gets them through the silo's batcher (many sessions, one message); only the session
            // stream is left for this publisher's drain. Session events need no lineage step here (see PublishAsync).
            _batcher.Enqueue(_tenantId, events);
            if (_sessionStream is null)
            {
                return;
            }

            // A run of decisions starts no drain at all: by default the session stream does not carry them.
            events = ForSessionStream(events);
            if (events.Count == 0)
            {
                return;
            }
        }

        // INVARIANT: _queued is non-null exactly while a drain runs; the drain takes everything queued before it
        // publishes, so nothing enqueued is left behind and nothing overtakes an earlier event.
        if (_queued is not null)
        {
            _queued.AddRange(events);
            return;
        }

        _queued = [.. events];
        _tail = DrainAsync();
    }

    /// <summary>
    /// Records tenant-level events in lineage before it returns (durably in durable mode, queued in async mode), then
    /// queues them for the streams as <see cref="Enqueue"/> does, without waiting for delivery. For a revoke: its
    /// scope's records are appended before the receipt is answered, so a crash after the answer cannot lose them.
    /// Events enqueued earlier and still being published are recorded first, so the chain keeps this grain's order.
    /// Failures are logged (as for every lifecycle record). Call from the grain's own scheduler only.
    /// </summary>
    /// <param name="events">The events (tenant-level: session events are recorded by the session grain itself).</param>
    public async Task RecordThenEnqueueAsync(IReadOnlyList<WardenEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (_lineage is not null && _tenantId is not null && events.Count > 0)
        {
            if (_queued is not null)
            {
                // Rare (a status change just before): its records go first.
                await _tail.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
            }

            await _lineage.RecordTenantEventsAsync(_tenantId, events);
            _recorded ??= new HashSet<WardenEvent>(ReferenceEqualityComparer.Instance);
            _recorded.UnionWith(events);
        }

        Enqueue(events);
    }

    /// <summary>Waits for every enqueued batch (on deactivation, so observers get what was decided).</summary>
    public Task FlushAsync() => _batcher is null ? _tail : Task.WhenAll(_tail, _batcher.FlushAsync());

    private async Task DrainAsync()
    {
        try
        {
            while (_queued is { Count: > 0 })
            {
                // Coalescing is a pause between stream messages, not a reading of time the session acts on: it uses
                // the monotonic clock, so a test's fake TimeProvider never holds observers' events back.
                if (_lastDrain != 0 && Stopwatch.GetElapsedTime(_lastDrain) is var since && since < CoalesceWindow)
                {
                    await Task.Delay(CoalesceWindow - since);
                }

                var batch = _queued;
                _queued = [];
                _lastDrain = Stopwatch.GetTimestamp();
                if (_batcher is not null)
                {
                    await PublishToSessionAsync(batch);
                }
                else
                {
                    await PublishAsync(batch);
                }
            }
        }
        finally
        {
            _queued = null;
        }
    }

    /// <summary>The events whose lineage records <see cref="RecordThenEnqueueAsync"/> has not appended already.</summary>
    private IReadOnlyList<WardenEvent> Unrecorded(IReadOnlyList<WardenEvent> events)
    {
        if (_recorded is not { Count: > 0 } recorded)
        {
            return events;
        }

        var rest = new List<WardenEvent>(events.Count);
        foreach (var e in events)
        {
            if (!recorded.Remove(e))
            {
                rest.Add(e);
            }
        }

        return rest;
    }

    private async Task PublishToAsync(IAsyncStream<WardenEvent> stream, IReadOnlyList<WardenEvent> events)
    {
        try
        {
            if (events.Count == 1)
            {
                await stream.OnNextAsync(events[0]);
            }
            else
            {
                await stream.OnNextBatchAsync(events);
            }
        }
        catch (Exception ex)
        {
            WardenLog.EventPublishFailed(_logger, ex, events.Count == 1 ? events[0].GetType().Name : $"{events.Count} events", _key);
        }
    }

    private static EventPublisher Create(Grain grain, string tenantId, string? sessionId, ILogger logger)
    {
        var key = sessionId is null ? tenantId : WardenIds.SessionKey(tenantId, sessionId);
        var sessionStreamDecisions = grain.GrainContext.ActivationServices.GetService(typeof(IOptions<WardenEventOptions>)) is IOptions<WardenEventOptions> options
            && options.Value.SessionStreamDecisions;
        var lineage = grain.GrainContext.ActivationServices.GetService(typeof(LineageRecorder)) as LineageRecorder;
        var batcher = sessionId is null ? null : grain.GrainContext.ActivationServices.GetService(typeof(TenantEventBatcher)) as TenantEventBatcher;
        try
        {
            var provider = grain.GetStreamProvider(WardenStreams.ProviderName);
            // A session publisher with the silo's batcher never uses a tenant stream handle of its own (one per live
            // session otherwise, and its producer state).
            var tenantStream = batcher is not null
                ? null
                : provider.GetStream<WardenEvent>(StreamId.Create(WardenStreams.TenantNamespace, WardenStreams.TenantStreamKey(tenantId)));
            var sessionStream = sessionId is null
                ? null
                : provider.GetStream<WardenEvent>(StreamId.Create(WardenStreams.SessionNamespace, WardenStreams.SessionStreamKey(tenantId, sessionId)));
            return new EventPublisher(tenantStream, sessionStream, logger, key)
            {
                _lineage = lineage,
                _tenantId = tenantId,
                _batcher = batcher,
                _sessionStreamDecisions = sessionStreamDecisions,
            };
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException)
        {
            // No stream provider configured: events have no observers, which changes no decision.
            WardenLog.EventPublishFailed(logger, ex, "any", key);
            return new EventPublisher(null, null, logger, key) { _lineage = lineage, _tenantId = tenantId };
        }
    }
}
