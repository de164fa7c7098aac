using System.Runtime.CompilerServices;
using Warden.Lineage.Chain;
using Warden.Lineage.Query;
using Warden.Lineage.Records;

namespace Warden.Lineage.Logs.Memory;

/// <summary>
/// A lineage log in process memory, FOR UNIT TESTS ONLY: nothing survives the process. It stores the encoded bytes
/// (so reads exercise the real encoding) and honours the same contract as the durable logs, including conflicts.
/// </summary>
public sealed class InMemoryLineageLog : ILineageLog
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, SortedDictionary<long, byte[]>> _records = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ChainHead> _heads = new(StringComparer.Ordinal);

    /// <summary>How many batches were appended (for tests of group commit).</summary>
    public int BatchCount { get; private set; }

    /// <inheritdoc />
    public Task AppendAsync(IReadOnlyList<LineageRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        cancellationToken.ThrowIfCancellationRequested();
        var encoded = records.Select(r => (Record: r, Bytes: LineageRecordSerializer.Serialize(r))).ToList();
        lock (_lock)
        {
            // All or nothing, like one transaction.
            foreach (var (record, _) in encoded)
            {
                if (_records.TryGetValue(record.TenantId, out var existing) && existing.ContainsKey(record.Sequence))
                {
                    throw new LineageConflictException($"Tenant '{record.TenantId}' already has a record with sequence {record.Sequence}.");
                }
            }

            foreach (var (record, bytes) in encoded)
            {
                if (!_records.TryGetValue(record.TenantId, out var tenant))
                {
                    tenant = [];
                    _records.Add(record.TenantId, tenant);
                }

                tenant.Add(record.Sequence, bytes);
                _heads[record.TenantId] = ChainHead.Of(record);
            }

            BatchCount++;
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<LineageRecord?> ReadLastAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        lock (_lock)
        {
            if (_records.TryGetValue(tenantId, out var tenant) && tenant.Count > 0)
            {
                var last = tenant.Last();
                return Task.FromResult<LineageRecord?>(Decode(tenantId, last.Key, last.Value));
            }
        }

        return Task.FromResult<LineageRecord?>(null);
    }

    /// <inheritdoc />
    public Task<ChainHead?> ReadHeadAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        lock (_lock)
        {
            return Task.FromResult(_heads.TryGetValue(tenantId, out var head) ? head : (ChainHead?)null);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<LineageRecord> ReadAsync(
        string tenantId,
        long fromSequence,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        await Task.CompletedTask.ConfigureAwait(false);
        var next = fromSequence;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            List<KeyValuePair<long, byte[]>> page;
            lock (_lock)
            {
                if (!_records.TryGetValue(tenantId, out var tenant))
                {
                    yield break;
                }

                page = tenant.Where(kv => kv.Key >= next).Take(256).ToList();
            }

            if (page.Count == 0)
            {
                yield break;
            }

            foreach (var (key, bytes) in page)
            {
                yield return Decode(tenantId, key, bytes);
            }

            next = page[^1].Key + 1;
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<LineageRecord> QueryAsync(
        LineageQuery query,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        var count = 0;
        await foreach (var record in ReadAsync(query.TenantId, query.AfterSequence + 1, cancellationToken).ConfigureAwait(false))
        {
            if (query.UpToSequence is { } upTo && record.Sequence > upTo)
            {
                yield break;
            }

            if (query.Matches(record))
            {
                yield return record;
                if (++count >= query.Limit)
                {
                    yield break;
                }
            }
        }
    }

    /// <summary>Replaces the stored bytes of one record (tests of tamper detection).</summary>
    internal void Tamper(string tenantId, long sequence, byte[]? bytes)
    {
        lock (_lock)
        {
            if (bytes is null)
            {
                _records[tenantId].Remove(sequence);
            }
            else
            {
                _records[tenantId][sequence] = bytes;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static LineageRecord Decode(string tenantId, long key, byte[] bytes)
    {
        try
        {
            return LineageRecordSerializer.Deserialize(bytes);
        }
        catch (LineageFormatException ex)
        {
            throw new LineageFormatException(ex.Message, ex) { TenantId = tenantId, StoredSequence = key };
        }
    }
}
