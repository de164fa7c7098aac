using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Warden.Lineage.Chain;
using Warden.Lineage.Logs;
using Warden.Lineage.Logs.Memory;
using Warden.Lineage.Query;
using Warden.Lineage.Records;

namespace Warden.Grains.Tests.Journal;

/// <summary>
/// The in-memory lineage log with faults a test switches on per tenant: reads that fail (the store is unavailable)
/// and records hidden from reads (a gap in the chain). Appends always go through.
/// </summary>
internal sealed class FaultyLineageLog : ILineageLog
{
    private readonly InMemoryLineageLog _inner = new();
    private readonly ConcurrentDictionary<string, bool> _failingReads = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Func<LineageRecord, bool>> _hidden = new(StringComparer.Ordinal);

    /// <summary>Reads of the tenant's records throw until <see cref="Heal"/>.</summary>
    public void FailReads(string tenantId) => _failingReads[tenantId] = true;

    /// <summary>Reads of the tenant's records skip those matching <paramref name="hide"/> until <see cref="Heal"/>.</summary>
    public void Hide(string tenantId, Func<LineageRecord, bool> hide) => _hidden[tenantId] = hide;

    /// <summary>Ends every fault of the tenant.</summary>
    public void Heal(string tenantId)
    {
        _failingReads.TryRemove(tenantId, out _);
        _hidden.TryRemove(tenantId, out _);
    }

    public Task AppendAsync(IReadOnlyList<LineageRecord> records, CancellationToken cancellationToken = default) =>
        _inner.AppendAsync(records, cancellationToken);

    public Task<LineageRecord?> ReadLastAsync(string tenantId, CancellationToken cancellationToken = default) =>
        _inner.ReadLastAsync(tenantId, cancellationToken);

    public Task<ChainHead?> ReadHeadAsync(string tenantId, CancellationToken cancellationToken = default) =>
        _inner.ReadHeadAsync(tenantId, cancellationToken);

    public IAsyncEnumerable<LineageRecord> ReadAsync(string tenantId, long fromSequence, CancellationToken cancellationToken = default) =>
        Filter(tenantId, _inner.ReadAsync(tenantId, fromSequence, cancellationToken), cancellationToken);

    public IAsyncEnumerable<LineageRecord> QueryAsync(LineageQuery query, CancellationToken cancellationToken = default) =>
        Filter(query.TenantId, _inner.QueryAsync(query, cancellationToken), cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async IAsyncEnumerable<LineageRecord> Filter(string tenantId, IAsyncEnumerable<LineageRecord> records, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (_failingReads.ContainsKey(tenantId))
        {
            throw new IOException("lineage store unavailable (test fault)");
        }

        _hidden.TryGetValue(tenantId, out var hide);
        await foreach (var record in records.WithCancellation(cancellationToken))
        {
            if (hide is null || !hide(record))
            {
                yield return record;
            }
        }
    }
}
