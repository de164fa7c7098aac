using System.Collections.Immutable;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Streams;
using Warden.Events;
using Warden.Lineage.Chain;
using Warden.Lineage.Records;

namespace Warden.Grains.Lineage;

/// <summary>
/// Publishes committed records to the tenant's lineage stream. The writer's commit loop must never block, so each commit
/// group is queued whole (one queue item per commit, not per record) and a background pump publishes them in commit
/// order; past <see cref="MaxQueuedRecords"/> records waiting, a commit group is dropped (feeds back-fill from the log).
/// </summary>
public sealed class LineageStreamPublisher : ILineageCommitObserver, IAsyncDisposable
{
    private const int MaxBatch = 512;
    private const int MaxQueuedRecords = 65_536;

    private readonly Channel<IReadOnlyList<LineageRecord>> _queue = Channel.CreateUnbounded<IReadOnlyList<LineageRecord>>(new UnboundedChannelOptions
    {
        SingleReader = true,
        SingleWriter = true,
    });

    // Records queued and not yet taken by the pump: bounds the queue by records, as the commit groups vary in size.
    private int _queued;

    private readonly IServiceProvider _services;
    private readonly ILogger<LineageStreamPublisher> _logger;
    private readonly Lazy<Task> _pump;

    /// <summary>Creates the publisher; it starts pumping on the first commit.</summary>
    /// <param name="services">The silo's services (the cluster client is resolved on first use).</param>
    /// <param name="logger">Where publication failures go.</param>
    public LineageStreamPublisher(IServiceProvider services, ILogger<LineageStreamPublisher> logger)
    {
        _services = services;
        _logger = logger;
        _pump = new Lazy<Task>(() => Task.Run(PumpAsync), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <inheritdoc />
    public void OnCommitted(IReadOnlyList<LineageRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return;
        }

        // INVARIANT: the writer hands over each commit's list and never touches it again, so it is queued as it is.
        if (Interlocked.Add(ref _queued, records.Count) > MaxQueuedRecords)
        {
            Interlocked.Add(ref _queued, -records.Count);
            return;
        }

        if (!_queue.Writer.TryWrite(records))
        {
            Interlocked.Add(ref _queued, -records.Count);
            return;
        }

        _ = _pump.Value;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_pump.IsValueCreated)
        {
            await _pump.Value.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task PumpAsync()
    {
        var client = (IClusterClient)_services.GetService(typeof(IClusterClient))!;
        var provider = client.GetStreamProvider(WardenStreams.ProviderName);
        var streams = new Dictionary<string, IAsyncStream<LineageRecordBatch>>(StringComparer.Ordinal);
        var pending = new Dictionary<string, ImmutableArray<LineageRecord>.Builder>(StringComparer.Ordinal);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            // One message per tenant for everything queued now: a commit group costs one stream call, not one per record.
            var taken = 0;
            while (taken < MaxBatch && _queue.Reader.TryRead(out var group))
            {
                taken += group.Count;
                Interlocked.Add(ref _queued, -group.Count);
                foreach (var record in group)
                {
                    if (!pending.TryGetValue(record.TenantId, out var builder))
                    {
                        builder = ImmutableArray.CreateBuilder<LineageRecord>();
                        pending[record.TenantId] = builder;
                    }

                    builder.Add(record);
                }
            }

            foreach (var (tenant, builder) in pending)
            {
                if (builder.Count == 0)
                {
                    continue;
                }

                var batch = new LineageRecordBatch(builder.ToImmutable());
                builder.Clear();
                try
                {
                    if (!streams.TryGetValue(tenant, out var stream))
                    {
                        stream = provider.GetStream<LineageRecordBatch>(StreamId.Create(LineageStreams.Namespace, tenant));
                        streams[tenant] = stream;
                    }

                    await stream.OnNextAsync(batch).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    LineageLog.LineagePublishFailed(_logger, ex, tenant, batch.Records[0].Sequence);
                }
            }
        }
    }
}
