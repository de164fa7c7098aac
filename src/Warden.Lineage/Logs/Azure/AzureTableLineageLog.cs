using System.Globalization;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using Warden.Lineage.Chain;
using Warden.Lineage.Query;
using Warden.Lineage.Records;

namespace Warden.Lineage.Logs.Azure;

/// <summary>
/// The cluster-mode lineage log on Azure Table Storage (Azurite locally).
/// </summary>
/// <remarks>
/// <para>Layout (one table, format version 1):</para>
/// <list type="bullet">
/// <item>Partition key <c>{tenant}|{bucket}</c>: the tenant id (URI-escaped, so <c>| / \ # ?</c> cannot occur) and
/// the bucket number, <c>(sequence − 1) / BucketSize</c> (default 100,000, pinned in a <c>~meta</c> row), zero-padded to 10 digits. Buckets keep partitions bounded and
/// spread a busy tenant's history over partitions while each batch still lands in one.</item>
/// <item>Record rows: row key = the sequence zero-padded to 19 digits; properties <c>Record</c> (the canonical
/// MessagePack bytes) and copies for filtering (<c>Seq, Ts, Kind, Decision, AgentId, SessionId, Resource</c>).</item>
/// <item>Session index rows: row key <c>s|{session}|{sequence:19 digits}</c>, the same properties: a session's
/// records are one range scan per bucket.</item>
/// <item>Head marker: row key <c>~head</c> in each bucket (properties <c>Seq</c>, <c>Hash</c>), upserted in the same
/// transaction as the records it follows. The tenant's head is the marker of its highest bucket.</item>
/// </list>
/// <para>
/// Writes: records of one tenant and bucket go in entity group transactions of at most 100 actions (records, their
/// index rows and the head marker) and under 4 MiB, in sequence order; tenants are written in parallel. Rows are
/// inserted, never upserted, so a duplicate sequence fails the transaction (409) as <see cref="LineageConflictException"/>.
/// </para>
/// <para>
/// Queries: by session through the index rows; by agent, resource, decision, kind and time range as server-side
/// filtered scans of the record rows (bucket by bucket, from the cursor). Results are re-checked after decoding.
/// A filtered scan reads the whole range server-side, so keep the cursor or time range tight on large tenants;
/// more index kinds can be added as further row-key prefixes without changing the record rows.
/// </para>
/// <para>
/// Limit: the head marker lives per bucket, so removing an entire newest bucket (partition) is only visible to
/// verification with an external anchor.
/// </para>
/// </remarks>
public sealed class AzureTableLineageLog : ILineageLog
{
    private const string HeadRowKey = "~head";
    private const string MetaPartition = "~meta";
    private const string MetaRowKey = "format";
    private const int MaxActionsPerTransaction = 100;
    private const long MaxTransactionPayload = 3 * 1024 * 1024;

    private readonly TableClient _table;
    private readonly Dictionary<string, long> _latestBucket = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    private AzureTableLineageLog(TableClient table, long bucketSize)
    {
        _table = table;
        BucketSize = bucketSize;
    }

    /// <summary>Records per bucket (partition) of a tenant in this table.</summary>
    public long BucketSize { get; }

    /// <summary>Opens the log in the table named by <paramref name="options"/>, creating it if allowed.</summary>
    public static async Task<AzureTableLineageLog> OpenAsync(
        TableServiceClient service,
        AzureTableLineageLogOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(service);
        options ??= new AzureTableLineageLogOptions();
        options.Validate();
        var table = service.GetTableClient(options.TableName);
        if (options.CreateTableIfNotExists)
        {
            await table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        }

        // The bucket size decides where every record lives: pin it in the table and refuse a mismatch.
        var meta = new TableEntity(MetaPartition, MetaRowKey) { ["Format"] = 1, ["BucketSize"] = options.BucketSize };
        try
        {
            await table.AddEntityAsync(meta, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            var stored = (await table.GetEntityAsync<TableEntity>(MetaPartition, MetaRowKey, cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            var storedBucketSize = stored.GetInt64("BucketSize");
            if (storedBucketSize != options.BucketSize)
            {
                throw new InvalidOperationException(
                    $"Table '{options.TableName}' holds lineage with bucket size {storedBucketSize}; it cannot be opened with {options.BucketSize}.", ex);
            }
        }

        return new AzureTableLineageLog(table, options.BucketSize);
    }

    /// <inheritdoc />
    public async Task AppendAsync(IReadOnlyList<LineageRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var byTenant = records.GroupBy(r => r.TenantId, StringComparer.Ordinal);
        await Task.WhenAll(byTenant.Select(t => AppendTenantAsync(t.Key, [.. t], cancellationToken))).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<LineageRecord?> ReadLastAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        var bucket = await FindLatestBucketAsync(tenantId, cancellationToken).ConfigureAwait(false);
        for (; bucket >= 0; bucket--)
        {
            var partition = PartitionKey(tenantId, bucket);
            var head = await ReadHeadEntityAsync(partition, cancellationToken).ConfigureAwait(false);
            if (head is not null)
            {
                // Fast path: the row the marker names, and nothing after it.
                var seq = head.GetInt64("Seq") ?? 0;
                var atHead = await GetRecordAsync(tenantId, partition, RecordRowKey(seq), cancellationToken).ConfigureAwait(false);
                var afterHead = await GetRecordAsync(tenantId, PartitionKey(tenantId, BucketOf(seq + 1)), RecordRowKey(seq + 1), cancellationToken)
                    .ConfigureAwait(false);
                if (atHead is not null && afterHead is null)
                {
                    return atHead;
                }
            }

            // The marker and the rows disagree (or the marker is gone): scan the bucket for its last record.
            LineageRecord? last = null;
            await foreach (var record in ReadBucketAsync(tenantId, bucket, 0, cancellationToken).ConfigureAwait(false))
            {
                last = record;
            }

            if (last is not null)
            {
                return last;
            }
        }

        return null;
    }

    /// <inheritdoc />
    public async Task<ChainHead?> ReadHeadAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        var bucket = await FindLatestBucketAsync(tenantId, cancellationToken).ConfigureAwait(false);
        if (bucket < 0)
        {
            return null;
        }

        var head = await ReadHeadEntityAsync(PartitionKey(tenantId, bucket), cancellationToken).ConfigureAwait(false);
        if (head is null)
        {
            return null;
        }

        var hash = head.GetBinary("Hash");
        if (hash is null || hash.Length != LineageHash.Length)
        {
            throw new LineageFormatException($"The head marker of tenant '{tenantId}' holds no valid hash.") { TenantId = tenantId };
        }

        return new ChainHead(head.GetInt64("Seq") ?? 0, LineageHash.FromBytes(hash));
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<LineageRecord> ReadAsync(
        string tenantId,
        long fromSequence,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        var from = Math.Max(1, fromSequence);
        var latest = await FindLatestBucketAsync(tenantId, cancellationToken).ConfigureAwait(false);
        for (var bucket = BucketOf(from); bucket <= latest; bucket++)
        {
            await foreach (var record in ReadBucketAsync(tenantId, bucket, from, cancellationToken).ConfigureAwait(false))
            {
                yield return record;
            }
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<LineageRecord> QueryAsync(
        LineageQuery query,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        var tenantId = query.TenantId;
        var from = query.AfterSequence + 1;
        var upTo = query.UpToSequence ?? long.MaxValue;
        var latest = await FindLatestBucketAsync(tenantId, cancellationToken).ConfigureAwait(false);
        var yielded = 0;
        for (var bucket = BucketOf(from); bucket <= latest && yielded < query.Limit; bucket++)
        {
            var partition = PartitionKey(tenantId, bucket);
            var lowSeq = Math.Max(from, (bucket * BucketSize) + 1);
            var highSeq = Math.Min(upTo, (bucket + 1) * BucketSize);
            if (lowSeq > highSeq)
            {
                break;
            }

            string filter;
            if (query.SessionId is not null)
            {
                var prefix = "s|" + Uri.EscapeDataString(query.SessionId) + "|";
                filter = TableClient.CreateQueryFilter(
                    $"PartitionKey eq {partition} and RowKey ge {prefix + RecordRowKey(lowSeq)} and RowKey le {prefix + RecordRowKey(highSeq)}");
            }
            else
            {
                filter = TableClient.CreateQueryFilter(
                    $"PartitionKey eq {partition} and RowKey ge {RecordRowKey(lowSeq)} and RowKey le {RecordRowKey(highSeq)}");
            }

            filter += PropertyFilter(query);
            await foreach (var entity in _table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                var record = Decode(tenantId, entity);
                if (query.Matches(record))
                {
                    yield return record;
                    if (++yielded >= query.Limit)
                    {
                        yield break;
                    }
                }
            }
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static string PartitionKey(string tenantId, long bucket) =>
        Uri.EscapeDataString(tenantId) + "|" + bucket.ToString("D10", CultureInfo.InvariantCulture);

    private static string RecordRowKey(long sequence) => sequence.ToString("D19", CultureInfo.InvariantCulture);

    private long BucketOf(long sequence) => (Math.Max(1, sequence) - 1) / BucketSize;

    private async Task AppendTenantAsync(string tenantId, List<LineageRecord> records, CancellationToken cancellationToken)
    {
        var actions = new List<TableTransactionAction>(MaxActionsPerTransaction);
        var payload = 0L;
        string? partition = null;
        LineageRecord? last = null;
        foreach (var record in records)
        {
            var bytes = LineageRecordSerializer.GetStoredBytes(record);
            var recordPartition = PartitionKey(tenantId, BucketOf(record.Sequence));
            var rows = record.Event.SessionId is null ? 1 : 2;

            // Base64 in the JSON body inflates binary by 4/3; keep a margin under the 4 MiB transaction limit.
            var cost = rows * ((bytes.Length * 4L / 3) + 2048);
            if (partition is not null && (recordPartition != partition || actions.Count + rows + 1 > MaxActionsPerTransaction || payload + cost > MaxTransactionPayload))
            {
                await CommitAsync(tenantId, partition, actions, last!, cancellationToken).ConfigureAwait(false);
                actions.Clear();
                payload = 0;
            }

            partition = recordPartition;
            var entity = RecordEntity(partition, RecordRowKey(record.Sequence), record, bytes);
            actions.Add(new TableTransactionAction(TableTransactionActionType.Add, entity));
            if (record.Event.SessionId is { } sessionId)
            {
                var indexKey = "s|" + Uri.EscapeDataString(sessionId) + "|" + RecordRowKey(record.Sequence);
                actions.Add(new TableTransactionAction(TableTransactionActionType.Add, RecordEntity(partition, indexKey, record, bytes)));
            }

            payload += cost;
            last = record;
        }

        if (actions.Count > 0)
        {
            await CommitAsync(tenantId, partition!, actions, last!, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task CommitAsync(string tenantId, string partition, List<TableTransactionAction> actions, LineageRecord last, CancellationToken cancellationToken)
    {
        var head = new TableEntity(partition, HeadRowKey)
        {
            ["Seq"] = last.Sequence,
            ["Hash"] = last.Hash.ToArray(),
        };
        actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, head));
        try
        {
            await _table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 409)
        {
            throw new LineageConflictException(
                $"Tenant '{tenantId}': a record in this batch already exists (sequence up to {last.Sequence}); the transaction was refused.", ex);
        }

        var bucket = BucketOf(last.Sequence);
        lock (_lock)
        {
            if (!_latestBucket.TryGetValue(tenantId, out var known) || known < bucket)
            {
                _latestBucket[tenantId] = bucket;
            }
        }
    }

    private static TableEntity RecordEntity(string partition, string rowKey, LineageRecord record, byte[] bytes)
    {
        var e = record.Event;
        var entity = new TableEntity(partition, rowKey)
        {
            ["Seq"] = record.Sequence,
            ["Ts"] = e.OccurredAt.ToUniversalTime(),
            ["Kind"] = (int)e.Kind,
            ["Decision"] = (int)e.Decision,
            ["Record"] = bytes,
        };
        if (e.AgentId is not null)
        {
            entity["AgentId"] = e.AgentId;
        }

        if (e.SessionId is not null)
        {
            entity["SessionId"] = e.SessionId;
        }

        if (e.Resource is not null)
        {
            entity["Resource"] = e.Resource;
        }

        return entity;
    }

    private static string PropertyFilter(LineageQuery query)
    {
        var parts = new List<string>();
        if (query.AgentId is not null)
        {
            parts.Add(TableClient.CreateQueryFilter($"AgentId eq {query.AgentId}"));
        }

        if (query.Resource is not null)
        {
            parts.Add(TableClient.CreateQueryFilter($"Resource eq {query.Resource}"));
        }

        if (query.Decision is { } decision)
        {
            parts.Add(TableClient.CreateQueryFilter($"Decision eq {(int)decision}"));
        }

        if (query.Kind is { } kind)
        {
            parts.Add(TableClient.CreateQueryFilter($"Kind eq {(int)kind}"));
        }

        if (query.From is { } from)
        {
            parts.Add(TableClient.CreateQueryFilter($"Ts ge {from.ToUniversalTime()}"));
        }

        if (query.To is { } to)
        {
            parts.Add(TableClient.CreateQueryFilter($"Ts lt {to.ToUniversalTime()}"));
        }

        return parts.Count == 0 ? string.Empty : " and " + string.Join(" and ", parts);
    }

    private async IAsyncEnumerable<LineageRecord> ReadBucketAsync(
        string tenantId,
        long bucket,
        long fromSequence,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var partition = PartitionKey(tenantId, bucket);
        var low = Math.Max(fromSequence, (bucket * BucketSize) + 1);

        // Record rows only: their keys are all digits, so they sort below ':' (and the index and head rows above it).
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {RecordRowKey(low)} and RowKey lt {":"}");
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return Decode(tenantId, entity);
        }
    }

    private async Task<LineageRecord?> GetRecordAsync(string tenantId, string partition, string rowKey, CancellationToken cancellationToken)
    {
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(partition, rowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? Decode(tenantId, response.Value!) : null;
    }

    private async Task<TableEntity?> ReadHeadEntityAsync(string partition, CancellationToken cancellationToken)
    {
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(partition, HeadRowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? response.Value : null;
    }

    // The highest bucket with a head marker, or -1 when the tenant has none. Buckets fill in order, so probe upwards.
    private async Task<long> FindLatestBucketAsync(string tenantId, CancellationToken cancellationToken)
    {
        long bucket;
        lock (_lock)
        {
            bucket = _latestBucket.GetValueOrDefault(tenantId, 0);
        }

        if (await ReadHeadEntityAsync(PartitionKey(tenantId, bucket), cancellationToken).ConfigureAwait(false) is null)
        {
            if (bucket == 0)
            {
                return -1;
            }

            // The cached bucket vanished (tampering or a wiped table): search from the start.
            bucket = -1;
        }

        while (await ReadHeadEntityAsync(PartitionKey(tenantId, bucket + 1), cancellationToken).ConfigureAwait(false) is not null)
        {
            bucket++;
        }

        lock (_lock)
        {
            if (bucket >= 0)
            {
                _latestBucket[tenantId] = bucket;
            }
            else
            {
                _latestBucket.Remove(tenantId);
            }
        }

        return bucket;
    }

    private static LineageRecord Decode(string tenantId, TableEntity entity)
    {
        var stored = long.TryParse(entity.RowKey.AsSpan(entity.RowKey.LastIndexOf('|') + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var seq)
            ? seq
            : (long?)null;
        try
        {
            var bytes = entity.GetBinary("Record") ?? throw new LineageFormatException("The row has no record bytes.");
            return LineageRecordSerializer.Deserialize(bytes);
        }
        catch (Exception ex) when (ex is LineageFormatException or InvalidOperationException)
        {
            throw new LineageFormatException($"Record {entity.RowKey} of tenant '{tenantId}' does not decode: {ex.Message}", ex)
            {
                TenantId = tenantId,
                StoredSequence = stored,
            };
        }
    }
}
