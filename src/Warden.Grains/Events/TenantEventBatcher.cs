using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Streams;
using Warden.Events;
using Warden.Grains.Diagnostics;

namespace Warden.Grains.Events;

/// <summary>
/// The silo's publisher to tenant streams for session events: every session of a tenant on this silo feeds one queue,
/// and one drain publishes everything queued as one batch per tenant stream. At a high rate many sessions' decisions
/// share one stream message instead of one message each, and rounds are at least
/// <see cref="EventPublisher.CoalesceWindow"/> apart; after a quiet spell an event goes out at once. Observers only: nothing on the decision path waits for it.
/// </summary>
/// <remarks>
/// Order per tenant stream is the order of <see cref="Enqueue"/> calls: one drain runs at a time and takes the whole
/// queue, so the events of one session (enqueued one call after the other by its grain) keep their order.
/// </remarks>
internal sealed class TenantEventBatcher
{
    /// <summary>At most this many events in one stream message.</summary>
    internal const int MaxBatch = 512;

    /// <summary>Beyond this many waiting events new ones are dropped (and logged): observers must not grow the heap without bound.</summary>
    internal const int MaxQueued = 200_000;

    private readonly IServiceProvider _services;
    private readonly ILogger<TenantEventBatcher> _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, IAsyncStream<WardenEvent>> _streams = new(StringComparer.Ordinal);
    private List<(string Tenant, WardenEvent Event)> _queued = [];
    private List<(string Tenant, WardenEvent Event)> _spare = [];
    private TaskCompletionSource _nextRound = NewRound();
    private TaskCompletionSource? _currentRound;
    private bool _draining;
    private IStreamProvider? _provider;
    private long _dropped;
    private long _lastDrain;

    /// <summary>Creates the batcher.</summary>
    /// <param name="services">The silo's services (its cluster client is resolved on first use).</param>
    /// <param name="logger">Where failures go.</param>
    public TenantEventBatcher(IServiceProvider services, ILogger<TenantEventBatcher> logger)
    {
        _services = services;
        _logger = logger;
    }

    /// <summary>Queues events for the tenant stream of <paramref name="tenantId"/>; never blocks, never throws for a stream fault.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="events">The events, in order.</param>
    public void Enqueue(string tenantId, IReadOnlyList<WardenEvent> events)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(events);
        lock (_gate)
        {
            if (_queued.Count + events.Count > MaxQueued)
            {
                _dropped += events.Count;
                EventsLog.TenantEventsDropped(_logger, tenantId, events.Count, _dropped);
                return;
            }

            foreach (var e in events)
            {
                _queued.Add((tenantId, e));
            }

            if (!_draining && _queued.Count > 0)
            {
                _draining = true;
                _ = Task.Run(DrainAsync);
            }
        }
    }

    /// <summary>
    /// Completes when everything queued so far is published (or failed and logged). Bounded: it waits for the round
    /// that takes the current queue, not for a queue that other sessions keep filling.
    /// </summary>
    public Task FlushAsync()
    {
        lock (_gate)
        {
            return _queued.Count > 0 ? _nextRound.Task
                : _currentRound is { } running ? running.Task
                : Task.CompletedTask;
        }
    }

    /// <summary>A one-line account of the batcher's state (queued, draining, the last round's age), for diagnostics.</summary>
    internal string Describe()
    {
        lock (_gate)
        {
            var since = _lastDrain == 0 ? "never" : $"{Stopwatch.GetElapsedTime(_lastDrain).TotalMilliseconds:F0} ms ago";
            return $"queued {_queued.Count}, draining {_draining}, round in flight {_currentRound is not null}, last round {since}, dropped {_dropped}";
        }
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            // At most one round per EventPublisher.CoalesceWindow: a busy silo's events wait up to that long and share
            // one message per tenant. Monotonic time (a pause, not a reading the grains act on). Only the drain (one
            // at a time) touches _lastDrain.
            if (_lastDrain != 0 && Stopwatch.GetElapsedTime(_lastDrain) is var since && since < EventPublisher.CoalesceWindow)
            {
                await Task.Delay(EventPublisher.CoalesceWindow - since).ConfigureAwait(false);
            }

            List<(string Tenant, WardenEvent Event)> batch;
            TaskCompletionSource round;
            lock (_gate)
            {
                if (_queued.Count == 0)
                {
                    _draining = false;
                    _currentRound = null;
                    return;
                }

                batch = _queued;
                _queued = _spare;
                _lastDrain = Stopwatch.GetTimestamp();
                round = _nextRound;
                _currentRound = round;
                _nextRound = NewRound();
            }

            try
            {
                await PublishAsync(batch).ConfigureAwait(false);
            }
            finally
            {
                round.TrySetResult();
            }

            batch.Clear();
            lock (_gate)
            {
                _spare = batch;
            }
        }
    }

    private async Task PublishAsync(List<(string Tenant, WardenEvent Event)> batch)
    {
        // Group by tenant in first-appearance order; each group keeps the queue's order.
        var groups = new Dictionary<string, List<WardenEvent>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var (tenant, e) in batch)
        {
            if (!groups.TryGetValue(tenant, out var list))
            {
                list = [];
                groups.Add(tenant, list);
                order.Add(tenant);
            }

            list.Add(e);
        }

        foreach (var tenant in order)
        {
            var events = groups[tenant];
            for (var start = 0; start < events.Count; start += MaxBatch)
            {
                var count = Math.Min(MaxBatch, events.Count - start);
                try
                {
                    var stream = Stream(tenant);
                    if (count == 1)
                    {
                        await stream.OnNextAsync(events[start]).ConfigureAwait(false);
                    }
                    else
                    {
                        await stream.OnNextBatchAsync(events.GetRange(start, count)).ConfigureAwait(false);
                    }
                }
                catch (Exception ex)
                {
                    WardenLog.EventPublishFailed(_logger, ex, count == 1 ? events[start].GetType().Name : $"{count} events", tenant);
                }
            }
        }
    }

    private static TaskCompletionSource NewRound() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    // INVARIANT: only the drain (one at a time) touches _streams and _provider.
    private IAsyncStream<WardenEvent> Stream(string tenantId)
    {
        if (!_streams.TryGetValue(tenantId, out var stream))
        {
            _provider ??= ((IClusterClient)_services.GetService(typeof(IClusterClient))!).GetStreamProvider(WardenStreams.ProviderName);
            stream = _provider.GetStream<WardenEvent>(StreamId.Create(WardenStreams.TenantNamespace, WardenStreams.TenantStreamKey(tenantId)));
            _streams[tenantId] = stream;
        }

        return stream;
    }
}
