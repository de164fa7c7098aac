using Warden.Lineage.Chain;
using Warden.Lineage.Query;
using Warden.Lineage.Records;

namespace Warden.Lineage.Logs;

/// <summary>
/// Durable storage of lineage records: per tenant, keyed by sequence. Implementations: <see cref="Sqlite.SqliteLineageLog"/>
/// (the embedded default), <see cref="Azure.AzureTableLineageLog"/> (cluster mode) and <see cref="Memory.InMemoryLineageLog"/>
/// (unit tests only). Every implementation is safe for concurrent use by one writer and any number of readers.
/// </summary>
/// <remarks>
/// The log stores what the writer gives it and never re-chains: the hash chain is built by <see cref="LineageWriter"/>
/// and checked by <see cref="Verification.LineageVerifier"/>. Reads decode each record from its stored bytes;
/// a record that does not decode surfaces as <see cref="LineageFormatException"/>.
/// </remarks>
public interface ILineageLog : IAsyncDisposable
{
    /// <summary>
    /// Stores a batch of chained records durably. When the task completes successfully every record is durable
    /// (it survives the process being killed). Records of one tenant are in increasing sequence order.
    /// </summary>
    /// <remarks>
    /// The SQLite log commits the whole batch in one transaction. The Azure log commits per partition (≤ 100
    /// entities per transaction) in sequence order, so after a failure a prefix of a tenant's records may be stored.
    /// Either way an exception means "not known to be durable": some of the records may still have been stored.
    /// </remarks>
    /// <exception cref="LineageConflictException">A record with the same tenant and sequence is already stored (another writer appended).</exception>
    Task AppendAsync(IReadOnlyList<LineageRecord> records, CancellationToken cancellationToken = default);

    /// <summary>The stored record with the highest sequence for the tenant, or null if the tenant has none.</summary>
    Task<LineageRecord?> ReadLastAsync(string tenantId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The committed head marker of the tenant's chain: stored in the same transaction as the records it
    /// follows, so a tail removed from the records (and not from the marker) shows up as a difference.
    /// Null when nothing was ever committed for the tenant.
    /// </summary>
    Task<ChainHead?> ReadHeadAsync(string tenantId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The tenant's records in storage order (ascending sequence key), starting at the storage key
    /// <paramref name="fromSequence"/> (inclusive). Pages through the log, so it can run for a long chain.
    /// </summary>
    IAsyncEnumerable<LineageRecord> ReadAsync(string tenantId, long fromSequence, CancellationToken cancellationToken = default);

    /// <summary>
    /// The tenant's records that match <paramref name="query"/>, in ascending sequence, at most
    /// <see cref="LineageQuery.Limit"/> of them. Every yielded record has been re-checked against the query after
    /// decoding, so a tampered index cannot make a record appear under a filter it does not match.
    /// </summary>
    IAsyncEnumerable<LineageRecord> QueryAsync(LineageQuery query, CancellationToken cancellationToken = default);
}
