using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Streams;
using Warden.Events;
using Warden.Grains.Diagnostics;
using Warden.Grains.Lineage;

namespace Warden.Grains.Events;

/// <summary>
/// Publishes a grain's events to the tenant stream and, for session events, the session stream. Observers only:
/// a failure is logged and never changes a decision or a state transition.
/// </summary>
internal sealed class EventPublisher
{
    private readonly IAsyncStream<WardenEvent>? _tenantStream;
    private readonly IAsyncStream<WardenEvent>? _sessionStream;
    private readonly ILogger _logger;
    private readonly string _key;
    private LineageRecorder? _lineage;
    private string? _tenantId;
    private Task _tail = Task.CompletedTask;

    private EventPublisher(IAsyncStream<WardenEvent>? tenantStream, IAsyncStream<WardenEvent>? sessionStream, ILogger logger, string key)
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

    /// <summary>Publishes events in order; session events to both streams, tenant events to the tenant stream.</summary>
    /// <param name="events">The events.</param>
    public async Task PublishAsync(IReadOnlyList<WardenEvent> events)
    {
        // Tenant-level lifecycle events become lineage records before observers hear of them (session events are
        // recorded by the session grain itself, decisions durably before the answer).
        if (_lineage is not null && _tenantId is not null && events.Any(e => e is not SessionEvent))
        {
            await _lineage.RecordTenantEventsAsync(_tenantId, events);
        }

        foreach (var e in events)
        {
            try
            {
                if (_tenantStream is not null)
                {
                    await _tenantStream.OnNextAsync(e);
                }

                if (_sessionStream is not null && e is SessionEvent)
                {
                    await _sessionStream.OnNextAsync(e);
                }
            }
            catch (Exception ex)
            {
                WardenLog.EventPublishFailed(_logger, ex, e.GetType().Name, _key);
            }
        }
    }

    /// <summary>Publishes one event.</summary>
    /// <param name="e">The event.</param>
    public Task PublishAsync(WardenEvent e) => PublishAsync([e]);

    /// <summary>
    /// Publishes events after every earlier enqueued batch, without making the caller wait: the decision path
    /// answers without waiting for observers. Order is kept (each batch starts when the previous one finished);
    /// failures are logged. Call from the grain's own scheduler only.
    /// </summary>
    /// <param name="events">The events.</param>
    public void Enqueue(IReadOnlyList<WardenEvent> events)
    {
        if (events.Count > 0 && (_tenantStream is not null || _sessionStream is not null))
        {
            _tail = AfterAsync(_tail, events);
        }
    }

    /// <summary>Waits for every enqueued batch (on deactivation, so observers get what was decided).</summary>
    public Task FlushAsync() => _tail;

    private async Task AfterAsync(Task previous, IReadOnlyList<WardenEvent> events)
    {
        await previous;
        await PublishAsync(events);
    }

    private static EventPublisher Create(Grain grain, string tenantId, string? sessionId, ILogger logger)
    {
        var key = sessionId is null ? tenantId : WardenIds.SessionKey(tenantId, sessionId);
        var lineage = grain.GrainContext.ActivationServices.GetService(typeof(LineageRecorder)) as LineageRecorder;
        try
        {
            var provider = grain.GetStreamProvider(WardenStreams.ProviderName);
            var tenantStream = provider.GetStream<WardenEvent>(StreamId.Create(WardenStreams.TenantNamespace, WardenStreams.TenantStreamKey(tenantId)));
            var sessionStream = sessionId is null
                ? null
                : provider.GetStream<WardenEvent>(StreamId.Create(WardenStreams.SessionNamespace, WardenStreams.SessionStreamKey(tenantId, sessionId)));
            return new EventPublisher(tenantStream, sessionStream, logger, key) { _lineage = lineage, _tenantId = tenantId };
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException)
        {
            // No stream provider configured: events have no observers, which changes no decision.
            WardenLog.EventPublishFailed(logger, ex, "any", key);
            return new EventPublisher(null, null, logger, key) { _lineage = lineage, _tenantId = tenantId };
        }
    }
}
