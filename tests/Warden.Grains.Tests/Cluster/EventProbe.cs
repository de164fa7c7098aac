using System.Collections.Concurrent;
using Orleans.Runtime;
using Orleans.Streams;
using Warden.Events;

namespace Warden.Grains.Tests.Cluster;

/// <summary>Subscribes to a Warden stream from the test client and lets a test await an event (a signal, never a sleep).</summary>
internal sealed class EventProbe : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly ConcurrentQueue<WardenEvent> _seen = new();
    private readonly List<(Func<WardenEvent, bool> Match, TaskCompletionSource<WardenEvent> Signal)> _waiters = [];
    private readonly Lock _gate = new();
    private readonly WardenClusterFixture _fixture;
    private readonly StreamId _streamId;
    private StreamSubscriptionHandle<WardenEvent>? _handle;

    private EventProbe(WardenClusterFixture fixture, StreamId streamId)
    {
        _fixture = fixture;
        _streamId = streamId;
    }

    public IReadOnlyCollection<WardenEvent> Seen => _seen;

    public static Task<EventProbe> ForSessionAsync(WardenClusterFixture fixture, string tenantId, string sessionId) =>
        SubscribeAsync(fixture, StreamId.Create(WardenStreams.SessionNamespace, WardenStreams.SessionStreamKey(tenantId, sessionId)));

    public static Task<EventProbe> ForTenantAsync(WardenClusterFixture fixture, string tenantId) =>
        SubscribeAsync(fixture, StreamId.Create(WardenStreams.TenantNamespace, WardenStreams.TenantStreamKey(tenantId)));

    public async Task<T> WaitForAsync<T>(Func<T, bool>? match = null)
        where T : WardenEvent
    {
        var signal = new TaskCompletionSource<WardenEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool Matches(WardenEvent e) => e is T typed && (match is null || match(typed));
        lock (_gate)
        {
            if (_seen.FirstOrDefault(Matches) is { } already)
            {
                return (T)already;
            }

            _waiters.Add((Matches, signal));
        }

        try
        {
            return (T)await signal.Task.WaitAsync(Patience);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException(Explain(typeof(T).Name));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_handle is not null)
        {
            await _handle.UnsubscribeAsync();
        }
    }

    private static async Task<EventProbe> SubscribeAsync(WardenClusterFixture fixture, StreamId streamId)
    {
        var probe = new EventProbe(fixture, streamId);
        var stream = fixture.Client.GetStreamProvider(WardenStreams.ProviderName).GetStream<WardenEvent>(streamId);
        probe._handle = await stream.SubscribeAsync((e, _) =>
        {
            probe.Record(e);
            return Task.CompletedTask;
        });
        return probe;
    }

    // What a failure report needs: what the probe saw, what the batchers are doing, and the cluster's recent log.
    private string Explain(string awaited)
    {
        var seen = _seen.ToArray();
        var lines = new List<string>
        {
            $"No matching {awaited} on {_streamId} within {Patience.TotalSeconds:F0} s; the probe saw {seen.Length} events"
                + (seen.Length == 0 ? "." : $", the last {seen[^1].GetType().Name}."),
            "Tenant-event batchers:",
        };
        lines.AddRange(_fixture.DescribeBatchers().Select(b => "  " + b));
        lines.Add("Orleans' log since the cluster started (streaming information, every warning):");
        lines.AddRange(_fixture.Log.Recent(4_000).Where(l => l.Contains(" Orleans.", StringComparison.Ordinal)).TakeLast(200).Select(l => "  " + l));
        lines.Add("The cluster's last log lines:");
        lines.AddRange(_fixture.Log.Recent(40).Select(l => "  " + l));
        return string.Join(Environment.NewLine, lines);
    }

    private void Record(WardenEvent e)
    {
        lock (_gate)
        {
            _seen.Enqueue(e);
            foreach (var waiter in _waiters.Where(w => w.Match(e)).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Signal.TrySetResult(e);
            }
        }
    }
}
