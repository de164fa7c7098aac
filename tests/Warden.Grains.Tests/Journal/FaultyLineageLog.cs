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
/// and records hidden from reads (a gap in the chain). Appends always go through, though a test can hold back the
/// appends of chosen records until it lets them go (<see cref="Hold"/>).
/// </summary>
internal sealed class FaultyLineageLog : ILineageLog
{
    private readonly InMemoryLineageLog _inner = new();
    private readonly ConcurrentDictionary<string, bool> _failingReads = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Func<LineageRecord, bool>> _hidden = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HeldAppends> _held = new(StringComparer.Ordinal);

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

    /// <summary>
    /// Appends holding a record of the tenant that matches <paramref name="match"/> wait (not stored, not completed)
    /// until the returned hold is released; <see cref="HeldAppends.Arrived"/> completes when the first one arrives.
    /// </summary>
    public HeldAppends Hold(string tenantId, Func<LineageRecord, bool> match)
    {
        var held = new HeldAppends(match, () => _held.TryRemove(tenantId, out _));
        _held[tenantId] = held;
        return held;
    }

    public async Task AppendAsync(IReadOnlyList<LineageRecord> records, CancellationToken cancellationToken = default)
    {
        foreach (var record in records)
        {
            if (_held.TryGetValue(record.Event.TenantId, out var held) && held.Matches(record))
            {
                await held.WaitAsync();
                break;
            }
        }

        await _inner.AppendAsync(records, cancellationToken);
    }

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

/// <summary>Appends held back by <see cref="FaultyLineageLog.Hold"/>.</summary>
internal sealed class HeldAppends(Func<LineageRecord, bool> match, Action forget)
{
    private readonly TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a held append arrived.</summary>
    public Task Arrived => _arrived.Task;

    /// <summary>Lets every held append (and every later one) through.</summary>
    public void Release()
    {
        forget();
        _released.TrySetResult();
    }

    internal bool Matches(LineageRecord record) => match(record);

    internal Task WaitAsync()
    {
        _arrived.TrySetResult();
        return _released.Task;
    }
}
