using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using Warden.Lineage.Chain;
using Warden.Lineage.Query;
using Warden.Lineage.Records;

namespace Warden.Lineage.Logs.Sqlite;

/// <summary>
/// The embedded lineage log: one SQLite file (default <c>lineage.db</c> in the data folder) in WAL mode.
/// </summary>
/// <remarks>
/// <para>
/// Schema (version 6): records are stored per commit group, not per row. <c>lineage_groups(tenant, first_seq, last_seq,
/// min_ts, max_ts, flagged, keys, records)</c> with primary key <c>(tenant, first_seq)</c> holds consecutive records of
/// one tenant from one commit (at most <see cref="MaxGroupRecords"/>): <c>records</c> is their canonical MessagePack
/// bytes, each after a 4-byte little-endian length, exactly the bytes (and so the hashes) a version-3 row held, stored
/// LZ4-compressed when the group is large (<see cref="LineageGroupCodec"/>; version 5, the only change from 4);
/// the other columns are copies for finding the group: its time range, whether it holds a decision other than allow
/// (<c>flagged</c>, with a partial index), and its distinct session, agent and resource values (<c>keys</c>, a JSON
/// array of <c>[field, value]</c>). <c>lineage_heads(tenant, seq, hash)</c> holds each chain's head marker, written in
/// the same transaction as the records. A record's storage key is its group's first sequence plus its position.
/// </para>
/// <para>
/// Session, agent and resource are found through <c>lineage_group_keys(tenant, field, value, first_seq, upto)</c>,
/// written in bulk: a commit that brings a tenant <see cref="SqliteLineageLogOptions.KeyFlushRecords"/> records past
/// its key mark (<c>lineage_group_marks</c>, the first sequence of the last keyed group) writes, for each distinct value
/// of the groups after it, one entry covering the groups from the first to the last of them that hold the value
/// (<c>first_seq</c> to <c>upto</c>; version 6), and moves the mark, in that same transaction. Version 5 wrote an entry
/// per group and distinct value: at the stream's commit sizes (about 50 records and 30 distinct values per group) those
/// were 4.7 of the 12 WAL frames a commit wrote and about 1 µs of the writer's CPU per record. Entries of version 4 and 5
/// files stay as they are (<c>upto</c> NULL: the one group). A query by session, agent or resource reads the spans of the
/// value's entries (in sequence order) and the few groups above the mark by sequence, in one statement; a span may hold
/// groups without the value, whose records the byte filter skips. Every query decodes the candidate groups' records and keeps
/// the ones the decoded record matches (<see cref="LineageQuery.Matches"/>): the copied columns only narrow the search.
/// </para>
/// <para>
/// Why groups: version 3 stored one row per record, and each record cost SQLite a row insert, its primary-key entry, a
/// time-index entry, three key entries and, for denials, a decision-index entry: about 8 µs of the writer's CPU per
/// record at the stream's commit sizes. A group is one row and one primary-key entry per commit, plus a key entry per
/// distinct value. Files of versions 1 to 3 (one row per record in <c>lineage_records</c>) are migrated when opened,
/// in one transaction: their rows, in stored order, become groups of consecutive sequences; the bytes are not touched.
/// A version-4 or 5 file gets the <c>upto</c> column added and its version raised (its groups and entries stay as they
/// are and are read as before). A file of a newer or unknown version is not opened.
/// </para>
/// <para>
/// Durability: each <see cref="AppendAsync"/> is one transaction; with the default
/// <see cref="SqliteSynchronousMode.Full"/> the commit returns after the WAL is fsynced, so an appended batch
/// survives <c>kill -9</c> and power loss. A record whose sequence is not above the tenant's stored records (or above
/// the previous one of the batch) aborts the whole transaction with <see cref="LineageConflictException"/>.
/// </para>
/// <para>
/// Threads: every transaction runs on the log's own writer thread (like the state store's), never on a thread-pool
/// thread. A commit blocks for the fsync; on a thread-pool thread that wait would take a worker from the grains that
/// are deciding meanwhile (on a 2-core host, one of two).
/// </para>
/// </remarks>
public sealed class SqliteLineageLog : ILineageLog
{
    /// <summary>The most records one group row holds; a larger commit is stored as several groups.</summary>
    internal const int MaxGroupRecords = 256;

    // Groups read per statement.
    private const int GroupsPerPage = 16;
    private const int SqliteConstraint = 19;

    private readonly SqliteConnection _writeConnection;
    private readonly string _readConnectionString;
    // The writer thread's queue. Guarded by itself; the thread waits with Monitor.Wait, which blocks at once, where a
    // BlockingCollection's semaphore first spins (sched_yield) on every wait, once per commit: with unary calls that
    // spin was ~27 µs of host CPU per decision in a profile on a 2-core host.
    private readonly Queue<PendingAppend> _appends = new();
    private bool _addingCompleted;
    private readonly Thread _writerThread;
    private readonly TaskCompletionSource _writerStopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;

    // Prepared statements and buffers of the writer thread, kept across transactions. INVARIANT: writer thread only.
    private readonly LineageGroupBuilder _group = new();
    private readonly int _compressFromBytes;
    private byte[] _compressed = new byte[64 * 1024];
    private const int MaxKeptCompressionBuffer = 1024 * 1024;
    private sqlite3_stmt? _groupInsert;
    private sqlite3_stmt? _lastStored;
    private sqlite3_stmt? _headUpsert;

    // Tenants' key marks as stored (the first sequence of the last keyed group). INVARIANT: writer thread only;
    // updated only after the transaction that moved them commits, cleared when a transaction fails.
    private readonly Dictionary<string, long> _keyMarks = new(StringComparer.Ordinal);
    private readonly int _keyFlushRecords;
    private sqlite3_stmt? _keyFlush;
    private sqlite3_stmt? _keyMarkUpsert;
    private sqlite3_stmt? _keyMarkRead;

    private SqliteLineageLog(string filePath, SqliteConnection writeConnection, string readConnectionString, int keyFlushRecords, int compressFromBytes)
    {
        FilePath = filePath;
        _keyFlushRecords = keyFlushRecords;
        _compressFromBytes = compressFromBytes;
        _writeConnection = writeConnection;
        _readConnectionString = readConnectionString;
        _writerThread = new Thread(WriterLoop) { IsBackground = true, Name = "warden-lineage-writer" };
        _writerThread.Start();
    }

    /// <summary>The database file.</summary>
    public string FilePath { get; }

    /// <summary>Opens (creating if needed) the log file named by <paramref name="options"/>.</summary>
    public static SqliteLineageLog Open(SqliteLineageLogOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var path = options.ResolveFilePath();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var busyMs = (int)Math.Clamp(options.BusyTimeout.TotalMilliseconds, 0, int.MaxValue);
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = false,
            DefaultTimeout = Math.Max(1, busyMs / 1000),
        };
        var connection = new SqliteConnection(builder.ConnectionString);
        try
        {
            connection.Open();
            ConfigureWriteConnection(connection, options.Synchronous, busyMs);
            EnsureSchema(connection, path);
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        builder.Mode = SqliteOpenMode.ReadWrite;
        builder.Pooling = true;
        return new SqliteLineageLog(path, connection, builder.ConnectionString, Math.Max(1, options.KeyFlushRecords), options.CompressGroupsFromBytes);
    }

    // The writer connection's settings (WAL, the durability level, the busy wait, temporary data in memory).
    internal static void ConfigureWriteConnection(SqliteConnection connection, SqliteSynchronousMode synchronousMode, int busyMs)
    {
        var synchronous = synchronousMode == SqliteSynchronousMode.Full ? "FULL" : "NORMAL";
        Execute(connection, $"PRAGMA busy_timeout = {busyMs.ToString(CultureInfo.InvariantCulture)};");
        Execute(connection, "PRAGMA journal_mode = WAL;");
        Execute(connection, $"PRAGMA synchronous = {synchronous};");

        // The key flush sorts a few thousand key entries; with SQLite's default it spilled them to a temporary file,
        // created, unlinked, written and closed on the writer thread about once in ten commits. Temporary data is
        // never part of what a commit makes durable, so it stays in memory.
        Execute(connection, "PRAGMA temp_store = MEMORY;");
    }

    /// <inheritdoc />
    public async Task AppendAsync(IReadOnlyList<LineageRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var pending = new PendingAppend(records);
        lock (_appends)
        {
            // Adding was completed: the log is being disposed.
            ObjectDisposedException.ThrowIf(_addingCompleted, this);
            _appends.Enqueue(pending);
            if (_appends.Count == 1)
            {
                // INVARIANT: the writer thread only waits on an empty queue, so only the first item can find it waiting.
                Monitor.Pulse(_appends);
            }
        }

        // INVARIANT: once queued the transaction runs whatever the caller's token says; its outcome is the task's.
        await pending.Completion.Task.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<LineageRecord?> ReadLastAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        var page = await ReadGroupsAsync(
            "SELECT first_seq, records FROM lineage_groups WHERE tenant = $tenant ORDER BY first_seq DESC LIMIT $limit;",
            tenantId,
            static _ => { },
            1,
            cancellationToken).ConfigureAwait(false);
        LineageRecord? last = null;
        foreach (var group in page)
        {
            foreach (var (_, record) in DecodeGroup(tenantId, group))
            {
                last = record;
            }
        }

        return last;
    }

    /// <inheritdoc />
    public async Task<ChainHead?> ReadHeadAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        await using var connection = await OpenReadAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, hash FROM lineage_heads WHERE tenant = $tenant;";
        command.Parameters.AddWithValue("$tenant", tenantId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var hashBytes = (byte[])reader.GetValue(1);
        if (hashBytes.Length != LineageHash.Length)
        {
            throw new LineageFormatException($"The head marker of tenant '{tenantId}' holds a {hashBytes.Length}-byte hash.") { TenantId = tenantId };
        }

        return new ChainHead(reader.GetInt64(0), LineageHash.FromBytes(hashBytes));
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<LineageRecord> ReadAsync(
        string tenantId,
        long fromSequence,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        var start = await GroupStartAsync(tenantId, fromSequence, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            // Page by the stored keys (not the decoded sequences): verification must see the records as stored, in the
            // groups' key order and each group's blob order.
            var page = await ReadGroupsAsync(
                "SELECT first_seq, records FROM lineage_groups WHERE tenant = $tenant AND first_seq >= $start ORDER BY first_seq LIMIT $limit;",
                tenantId,
                command => command.Parameters.AddWithValue("$start", start),
                GroupsPerPage,
                cancellationToken).ConfigureAwait(false);
            foreach (var group in page)
            {
                foreach (var (key, record) in DecodeGroup(tenantId, group))
                {
                    if (key >= fromSequence)
                    {
                        yield return record;
                    }
                }
            }

            if (page.Count < GroupsPerPage)
            {
                yield break;
            }

            start = page[^1].FirstSequence + 1;
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<LineageRecord> QueryAsync(
        LineageQuery query,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        var sql = BuildQuerySql(query);
        var filter = new StoredRecordFilter(query);
        var start = await GroupStartAsync(query.TenantId, query.AfterSequence == long.MaxValue ? long.MaxValue : query.AfterSequence + 1, cancellationToken).ConfigureAwait(false);
        var yielded = 0;
        while (true)
        {
            var page = await ReadGroupsAsync(sql, query.TenantId, command => BindQuery(command, query, start), GroupsPerPage, cancellationToken)
                .ConfigureAwait(false);
            var previous = start - 1;
            foreach (var group in page)
            {
                // The page is in sequence order; key entries whose spans overlap (only an altered file has them) would
                // bring a group twice: it is read once.
                if (group.FirstSequence <= previous)
                {
                    continue;
                }

                previous = group.FirstSequence;
                foreach (var (_, record) in DecodeGroup(query.TenantId, group, filter))
                {
                    // The group's columns are copies that only narrow the search; the decoded record decides (a tampered
                    // column cannot add a match).
                    if (query.Matches(record))
                    {
                        yield return record;
                        if (++yielded == query.Limit)
                        {
                            yield break;
                        }
                    }
                }
            }

            if (page.Count < GroupsPerPage)
            {
                yield break;
            }

            start = page[^1].FirstSequence + 1;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            await _writerStopped.Task.ConfigureAwait(false);
            return;
        }

        // Everything queued before is still committed; then the writer thread ends and closes its connection.
        lock (_appends)
        {
            _addingCompleted = true;
            Monitor.PulseAll(_appends);
        }

        await _writerStopped.Task.ConfigureAwait(false);
        using var pooled = new SqliteConnection(_readConnectionString);
        SqliteConnection.ClearPool(pooled);
    }

    /// <summary>The schema version this build writes (<c>lineage_meta.schema</c>).</summary>
    internal const int SchemaVersion = 6;

    // lineage_group_keys.field: which value of the records a key entry copies.
    internal const int KeySession = 1;
    internal const int KeyAgent = 2;
    internal const int KeyResource = 3;

    // Decisions at or above this value (deny, approval required) flag their group; allow and none do not.
    internal const int FlaggedDecision = (int)LineageDecision.Deny;

    // INVARIANT: the literal appears verbatim in the partial index's WHERE and in every query that filters by such a
    // decision, so SQLite's planner can prove the partial index usable.
    private const string FlaggedGroups = "flagged = 1";

    private const string Schema = $"""
        CREATE TABLE lineage_groups (
            tenant    TEXT    NOT NULL,
            first_seq INTEGER NOT NULL,
            last_seq  INTEGER NOT NULL,
            min_ts    INTEGER NOT NULL,
            max_ts    INTEGER NOT NULL,
            flagged   INTEGER NOT NULL,
            keys      TEXT    NOT NULL,
            records   BLOB    NOT NULL,
            PRIMARY KEY (tenant, first_seq)
        );
        CREATE INDEX lineage_groups_flagged ON lineage_groups (tenant, first_seq) WHERE {FlaggedGroups};
        CREATE TABLE lineage_group_keys (
            tenant    TEXT    NOT NULL,
            field     INTEGER NOT NULL,
            value     TEXT    NOT NULL,
            first_seq INTEGER NOT NULL,
            upto      INTEGER,
            PRIMARY KEY (tenant, field, value, first_seq)
        ) WITHOUT ROWID;
        CREATE TABLE lineage_group_marks (
            tenant    TEXT    NOT NULL PRIMARY KEY,
            first_seq INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS lineage_heads (
            tenant TEXT    NOT NULL PRIMARY KEY,
            seq    INTEGER NOT NULL,
            hash   BLOB    NOT NULL
        );
        CREATE TABLE IF NOT EXISTS lineage_meta (
            key   TEXT NOT NULL PRIMARY KEY,
            value TEXT NOT NULL
        );
        INSERT OR REPLACE INTO lineage_meta (key, value) VALUES ('schema', '6');
        """;

    // The key entries of a tenant's groups with first sequence in (mark, upTo]: one per distinct value, covering the
    // groups from the first to the last of that span that hold it (schema version 6), sorted so they go into
    // lineage_group_keys in key order. OR IGNORE: entries are derived data, so writing one twice is harmless; a keys
    // column that is not a JSON array of [field, value] pairs (only an altered file has one) yields no entries instead of
    // failing every commit.
    private const string KeyEntriesSelect = """
        SELECT g.tenant, json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]'), min(g.first_seq), max(g.first_seq)
        FROM lineage_groups g, json_each(CASE WHEN json_valid(g.keys) THEN g.keys ELSE '[]' END) j
        WHERE g.tenant = ?1 AND g.first_seq > ?2 AND g.first_seq <= ?3 AND j.type = 'array'
        GROUP BY 1, 2, 3
        ORDER BY 1, 2, 3
        """;

    // The key entries of every group of the file, one per group and distinct value (upto NULL: the group alone), for a
    // file migrated from one row per record (versions 1 to 3), exactly as version 5 wrote them.
    private const string MigratedKeyEntriesSelect = """
        SELECT g.tenant, json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]'), g.first_seq, NULL
        FROM lineage_groups g, json_each(CASE WHEN json_valid(g.keys) THEN g.keys ELSE '[]' END) j
        WHERE j.type = 'array'
        ORDER BY 1, 2, 3, 4
        """;

    // Creates the schema of a new file, or brings an older file to this version, in one transaction.
    private static void EnsureSchema(SqliteConnection connection, string path)
    {
        using var transaction = connection.BeginTransaction();
        using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'lineage_meta';";
            if (Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) == 0)
            {
                // A new file.
                command.CommandText = Schema;
                command.ExecuteNonQuery();
                transaction.Commit();
                return;
            }

            command.CommandText = "SELECT value FROM lineage_meta WHERE key = 'schema';";
            var stored = Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture);
            if (!int.TryParse(stored, NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version < 1)
            {
                throw new LineageFormatException($"'{path}' holds an unknown lineage schema version '{stored}'; it was not opened.");
            }

            if (version > SchemaVersion)
            {
                throw new LineageFormatException(
                    $"'{path}' was written with lineage schema version {version}, newer than this build's {SchemaVersion}; it was not opened.");
            }

            if (version is 4 or 5)
            {
                // Version 5 only adds the compressed form of a group's blob (LineageGroupCodec); a version-4 blob is a
                // valid plain one. Version 6 only adds lineage_group_keys.upto (an entry may cover a span of groups);
                // the entries already there keep covering their one group (upto NULL). Nothing is rewritten.
                command.CommandText = """
                    ALTER TABLE lineage_group_keys ADD COLUMN upto INTEGER;
                    UPDATE lineage_meta SET value = '6' WHERE key = 'schema';
                    """;
                command.ExecuteNonQuery();
            }
            else if (version < 4)
            {
                // Versions 1 to 3 differ only in their indexes and key tables; all hold one row per record in lineage_records.
                command.CommandText = Schema;
                command.ExecuteNonQuery();
                MigrateRowsToGroups(connection, transaction);
                command.CommandText = $"""
                    INSERT OR IGNORE INTO lineage_group_keys (tenant, field, value, first_seq, upto) {MigratedKeyEntriesSelect};
                    INSERT OR REPLACE INTO lineage_group_marks (tenant, first_seq) SELECT tenant, MAX(first_seq) FROM lineage_groups GROUP BY tenant;
                    DROP TABLE lineage_records;
                    DROP TABLE IF EXISTS lineage_keys;
                    DROP TABLE IF EXISTS lineage_key_marks;
                    """;
                command.ExecuteNonQuery();
            }
        }

        transaction.Commit();
    }

    // Versions 1–3 → 4: each tenant's rows, in stored key order, become groups of consecutive keys (at most
    // MaxGroupRecords each). The stored bytes are copied as they are, so the chain verifies (or fails) exactly as before;
    // a row whose key breaks the run (a gap, or moved records) starts a new group, so each record keeps its storage key.
    private static void MigrateRowsToGroups(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var read = connection.CreateCommand();
        read.Transaction = transaction;
        read.CommandText = "SELECT tenant, seq, ts, decision, agent, session, resource, record FROM lineage_records ORDER BY tenant, seq;";
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO lineage_groups (tenant, first_seq, last_seq, min_ts, max_ts, flagged, keys, records)
            VALUES ($tenant, $first, $last, $min, $max, $flagged, $keys, $records);
            """;
        var builder = new LineageGroupBuilder();
        string? tenant = null;

        void Flush()
        {
            if (builder.Count == 0)
            {
                return;
            }

            insert.Parameters.Clear();
            insert.Parameters.AddWithValue("$tenant", tenant);
            insert.Parameters.AddWithValue("$first", builder.FirstSequence);
            insert.Parameters.AddWithValue("$last", builder.LastSequence);
            insert.Parameters.AddWithValue("$min", builder.MinTicks);
            insert.Parameters.AddWithValue("$max", builder.MaxTicks);
            insert.Parameters.AddWithValue("$flagged", builder.Flagged ? 1 : 0);
            insert.Parameters.AddWithValue("$keys", Encoding.UTF8.GetString(builder.KeysJson()));
            insert.Parameters.AddWithValue("$records", builder.Records.ToArray());
            insert.ExecuteNonQuery();
            builder.Reset();
        }

        using (var reader = read.ExecuteReader())
        {
            while (reader.Read())
            {
                var rowTenant = reader.GetString(0);
                var seq = reader.GetInt64(1);
                if (builder.Count > 0
                    && (!string.Equals(rowTenant, tenant, StringComparison.Ordinal) || seq != builder.LastSequence + 1 || builder.Count == MaxGroupRecords))
                {
                    Flush();
                }

                tenant = rowTenant;
                var bytes = reader.IsDBNull(7) ? [] : (byte[])reader.GetValue(7);
                builder.Add(
                    seq,
                    reader.GetInt64(2),
                    reader.GetInt32(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4),
                    reader.IsDBNull(5) ? null : reader.GetString(5),
                    reader.IsDBNull(6) ? null : reader.GetString(6),
                    bytes);
            }
        }

        Flush();
    }

    private void WriterLoop()
    {
        try
        {
            while (TakeNext() is { } pending)
            {
                try
                {
                    AppendCore(pending.Records);
                    pending.Completion.TrySetResult();
                }
                catch (Exception ex)
                {
                    // INVARIANT: the thread never dies while appends can still queue; each failure goes to its appender.
                    pending.Completion.TrySetException(ex);
                }
            }
        }
        finally
        {
            DropCommands();
            _writeConnection.Dispose();
            _writerStopped.TrySetResult();
        }
    }

    // The next queued append, waiting for one; null once adding is completed and the queue is empty.
    private PendingAppend? TakeNext()
    {
        lock (_appends)
        {
            while (_appends.Count == 0)
            {
                if (_addingCompleted)
                {
                    return null;
                }

                Monitor.Wait(_appends);
            }

            return _appends.Dequeue();
        }
    }

    private void AppendCore(IReadOnlyList<LineageRecord> records)
    {
        // Each tenant's records, in batch order (the contract: increasing sequence per tenant).
        var tenants = new Dictionary<string, List<LineageRecord>>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            var tenantId = record.Event.TenantId;
            if (!tenants.TryGetValue(tenantId, out var list))
            {
                tenants[tenantId] = list = [];
            }

            list.Add(record);
        }

        using var transaction = _writeConnection.BeginTransaction();
        try
        {
            Dictionary<string, long>? movedMarks = null;
            Span<byte> hash = stackalloc byte[LineageHash.Length];
            foreach (var (tenantId, list) in tenants)
            {
                // A record at or below what is stored (another writer appended) or below its predecessor: nothing of the
                // batch is written.
                var previous = LastStoredSequence(tenantId);
                foreach (var record in list)
                {
                    if (record.Sequence <= previous)
                    {
                        throw new LineageConflictException(
                            $"Record {record.Sequence} of tenant '{tenantId}' is not above the stored or preceding record {previous}; the batch was not written.");
                    }

                    previous = record.Sequence;
                }

                // One group per run of consecutive sequences (the writer's batches are one run), at most MaxGroupRecords each.
                long lastGroup = 0;
                var start = 0;
                while (start < list.Count)
                {
                    var end = start + 1;
                    while (end < list.Count && end - start < MaxGroupRecords && list[end].Sequence == list[end - 1].Sequence + 1)
                    {
                        end++;
                    }

                    InsertGroup(tenantId, list, start, end);
                    lastGroup = list[start].Sequence;
                    start = end;
                }

                var chainHead = ChainHead.Of(list[^1]);
                var head = HeadStatement();
                chainHead.Hash.CopyTo(hash);
                BindText(head, 1, tenantId);
                Check(raw.sqlite3_bind_int64(head, 2, chainHead.Sequence));
                Check(raw.sqlite3_bind_blob(head, 3, hash));
                Execute(head);

                var mark = KeyMark(tenantId);
                if (chainHead.Sequence - mark >= _keyFlushRecords)
                {
                    WriteKeyEntries(tenantId, mark, lastGroup);
                    (movedMarks ??= new(StringComparer.Ordinal))[tenantId] = lastGroup;
                }
            }

            transaction.Commit();
            foreach (var (tenantId, mark) in movedMarks ?? [])
            {
                _keyMarks[tenantId] = mark;
            }
        }
        catch (LineageConflictException)
        {
            // Found before anything of the tenant was written; disposing the transaction rolls back the other tenants'.
            throw;
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteConstraint)
        {
            // OR ROLLBACK: SQLite has already rolled the whole transaction back; this only closes the ADO.NET side.
            RollbackQuietly(transaction);
            throw new LineageConflictException("A group with the same tenant and first sequence is already stored; the batch was not written.", ex);
        }
        catch
        {
            // A statement that failed midway is not reused: the next batch prepares fresh ones.
            DropCommands();
            throw;
        }
    }

    // Writes records [start, end) of one tenant (consecutive sequences) as one group row.
    private void InsertGroup(string tenantId, List<LineageRecord> list, int start, int end)
    {
        var group = _group;
        group.Reset();
        for (var i = start; i < end; i++)
        {
            var record = list[i];
            var e = record.Event;
            group.Add(record.Sequence, e.OccurredAt.UtcTicks, (int)e.Decision, e.AgentId, e.SessionId, e.Resource, LineageRecordSerializer.GetStoredBytes(record));
        }

        // OR ROLLBACK, not the default ABORT: a conflict fails the whole transaction anyway (a batch is stored whole or
        // not at all), and SQLite then keeps no statement journal.
        var insert = _groupInsert ??= Prepare("""
            INSERT OR ROLLBACK INTO lineage_groups (tenant, first_seq, last_seq, min_ts, max_ts, flagged, keys, records)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8);
            """);
        BindText(insert, 1, tenantId);
        Check(raw.sqlite3_bind_int64(insert, 2, group.FirstSequence));
        Check(raw.sqlite3_bind_int64(insert, 3, group.LastSequence));
        Check(raw.sqlite3_bind_int64(insert, 4, group.MinTicks));
        Check(raw.sqlite3_bind_int64(insert, 5, group.MaxTicks));
        Check(raw.sqlite3_bind_int(insert, 6, group.Flagged ? 1 : 0));
        Check(raw.sqlite3_bind_text(insert, 7, group.KeysJson()));
        // The binding copies the bytes (SQLITE_TRANSIENT), so the buffer is free again once it returns.
        var plain = group.Records;
        Check(plain.Length >= _compressFromBytes && LineageGroupCodec.TryCompress(plain, ref _compressed, out var length)
            ? raw.sqlite3_bind_blob(insert, 8, _compressed.AsSpan(0, length))
            : raw.sqlite3_bind_blob(insert, 8, plain));
        if (_compressed.Length > MaxKeptCompressionBuffer)
        {
            // A group of unusually large records grew it; do not keep that much for the commits of ordinary ones.
            _compressed = new byte[64 * 1024];
        }

        Execute(insert);
    }

    // The highest stored sequence of a tenant (0: none): the last sequence of its last group. INVARIANT: writer thread,
    // inside the transaction (read on every commit, so another writer's appends are seen).
    private long LastStoredSequence(string tenantId)
    {
        var read = _lastStored ??= Prepare("SELECT last_seq FROM lineage_groups WHERE tenant = ?1 ORDER BY first_seq DESC LIMIT 1;");
        return ReadSingleInt64(read, tenantId);
    }

    // The stored key mark of a tenant (0: none), read once and then kept. INVARIANT: writer thread, inside a transaction.
    private long KeyMark(string tenantId)
    {
        if (_keyMarks.TryGetValue(tenantId, out var cached))
        {
            return cached;
        }

        var read = _keyMarkRead ??= Prepare("SELECT first_seq FROM lineage_group_marks WHERE tenant = ?1;");
        var mark = ReadSingleInt64(read, tenantId);
        _keyMarks[tenantId] = mark;
        return mark;
    }

    // Runs a one-column, at-most-one-row query bound to a tenant; 0 when it returns no row.
    private long ReadSingleInt64(sqlite3_stmt read, string tenantId)
    {
        BindText(read, 1, tenantId);
        var rc = raw.sqlite3_step(read);
        var value = rc == raw.SQLITE_ROW ? raw.sqlite3_column_int64(read, 0) : 0;
        raw.sqlite3_reset(read);
        if (rc is not (raw.SQLITE_ROW or raw.SQLITE_DONE))
        {
            SqliteException.ThrowExceptionForRC(rc, _writeConnection.Handle);
        }

        return value;
    }

    // Writes the key entries of a tenant's groups with first sequence in (mark, upTo] and moves its stored mark to upTo,
    // in the caller's transaction: one sorted bulk insert, so each leaf page of lineage_group_keys is written once per
    // flush, not per commit.
    private void WriteKeyEntries(string tenantId, long mark, long upTo)
    {
        var flush = _keyFlush ??= Prepare("INSERT OR IGNORE INTO lineage_group_keys (tenant, field, value, first_seq, upto) " + KeyEntriesSelect + ";");
        BindText(flush, 1, tenantId);
        Check(raw.sqlite3_bind_int64(flush, 2, mark));
        Check(raw.sqlite3_bind_int64(flush, 3, upTo));
        Execute(flush);

        var upsert = _keyMarkUpsert ??= Prepare("""
            INSERT INTO lineage_group_marks (tenant, first_seq) VALUES (?1, ?2)
            ON CONFLICT (tenant) DO UPDATE SET first_seq = excluded.first_seq;
            """);
        BindText(upsert, 1, tenantId);
        Check(raw.sqlite3_bind_int64(upsert, 2, upTo));
        Execute(upsert);
    }

    // Runs a bound statement to completion and resets it for the next use (its bindings are all replaced before then).
    private void Execute(sqlite3_stmt statement)
    {
        var rc = raw.sqlite3_step(statement);
        raw.sqlite3_reset(statement);
        if (rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc, _writeConnection.Handle);

            // A row or another success code from an INSERT is not expected: fail closed.
            throw new SqliteException($"Unexpected SQLite result {rc} from a lineage insert.", rc);
        }
    }

    private void BindText(sqlite3_stmt statement, int index, string? value) =>
        Check(value is null ? raw.sqlite3_bind_null(statement, index) : raw.sqlite3_bind_text(statement, index, value));

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _writeConnection.Handle);
        }
    }

    private sqlite3_stmt HeadStatement() => _headUpsert ??= Prepare("""
        INSERT OR ROLLBACK INTO lineage_heads (tenant, seq, hash) VALUES (?, ?, ?)
        ON CONFLICT (tenant) DO UPDATE SET seq = excluded.seq, hash = excluded.hash;
        """);

    private sqlite3_stmt Prepare(string sql)
    {
        var rc = raw.sqlite3_prepare_v2(_writeConnection.Handle, sql, out var statement);
        if (rc != raw.SQLITE_OK)
        {
            statement?.Dispose();
            SqliteException.ThrowExceptionForRC(rc, _writeConnection.Handle);
        }

        return statement!;
    }

    // After an OR ROLLBACK conflict the transaction is already gone on the SQLite side; rolling back again may throw.
    private static void RollbackQuietly(SqliteTransaction transaction)
    {
        try
        {
            transaction.Rollback();
        }
        catch (Exception ex) when (ex is SqliteException or InvalidOperationException)
        {
            // Nothing left to undo.
        }
    }

    private void DropCommands()
    {
        _groupInsert?.Dispose();
        _groupInsert = null;
        _lastStored?.Dispose();
        _lastStored = null;
        _headUpsert?.Dispose();
        _headUpsert = null;
        _keyFlush?.Dispose();
        _keyFlush = null;
        _keyMarkUpsert?.Dispose();
        _keyMarkUpsert = null;
        _keyMarkRead?.Dispose();
        _keyMarkRead = null;

        // Read again from the file on next use: a failed transaction may have left the cache unsure.
        _keyMarks.Clear();
    }

    private async Task<SqliteConnection> OpenReadAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var connection = new SqliteConnection(_readConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    // The first sequence of the group that holds storage key `from` (the last group starting at or before it), or `from`
    // when none does: reading groups from there on misses no record with a key at or above `from`. Groups are never
    // changed once written, so this may run in a snapshot of its own.
    private async Task<long> GroupStartAsync(string tenantId, long from, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT coalesce(max(first_seq), $from) FROM lineage_groups WHERE tenant = $tenant AND first_seq <= $from;";
        command.Parameters.AddWithValue("$tenant", tenantId);
        command.Parameters.AddWithValue("$from", from);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    // Reads one page of groups fully before the caller decodes and yields, so no read transaction stays open while the
    // consumer works.
    private async Task<List<StoredGroup>> ReadGroupsAsync(
        string sql,
        string tenantId,
        Action<SqliteCommand> bind,
        int limit,
        CancellationToken cancellationToken)
    {
        var page = new List<StoredGroup>(limit);
        await using var connection = await OpenReadAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$tenant", tenantId);
        command.Parameters.AddWithValue("$limit", limit);
        bind(command);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            page.Add(new(reader.GetInt64(0), reader.IsDBNull(1) ? [] : (byte[])reader.GetValue(1)));
        }

        return page;
    }

    // A group's records in stored order, each with its storage key (the group's first sequence plus its position),
    // decoded one at a time: a record that does not decode throws only after every record before it was yielded.
    // With a filter, a record whose bytes show it cannot match is skipped undecoded (a query by session decodes the
    // session's records, not the whole commit groups they share with other sessions).
    private static IEnumerable<(long Key, LineageRecord Record)> DecodeGroup(string tenantId, StoredGroup group, StoredRecordFilter? filter = null)
    {
        var key = group.FirstSequence;
        var blob = LineageGroupCodec.ToPlain(group.Records, out var problem) ?? throw Undecodable(tenantId, key, problem!, null);
        var offset = 0;
        while (offset < blob.Length)
        {
            if (blob.Length - offset < LineageGroupBuilder.PrefixLength)
            {
                throw Undecodable(tenantId, key, "the group's blob ends inside a length prefix.", null);
            }

            var length = BinaryPrimitives.ReadInt32LittleEndian(blob.AsSpan(offset));
            offset += LineageGroupBuilder.PrefixLength;
            if (length < 0 || length > blob.Length - offset)
            {
                throw Undecodable(tenantId, key, $"its length {length} runs past the group's blob.", null);
            }

            if (filter is not null && !filter.MayMatch(blob.AsMemory(offset, length)))
            {
                offset += length;
                key++;
                continue;
            }

            LineageRecord record;
            try
            {
                record = LineageRecordSerializer.Deserialize(blob.AsMemory(offset, length));
            }
            catch (LineageFormatException ex)
            {
                throw Undecodable(tenantId, key, ex.Message, ex);
            }

            yield return (key, record);
            offset += length;
            key++;
        }
    }

    private static LineageFormatException Undecodable(string tenantId, long storedSequence, string message, Exception? inner) =>
        new($"Record {storedSequence} of tenant '{tenantId}' does not decode: {message}", inner!)
        {
            TenantId = tenantId,
            StoredSequence = storedSequence,
        };

    internal static string BuildQuerySql(LineageQuery query)
    {
        // The key a query by session, agent or resource is driven by (the first of those it filters on).
        var (field, key) = query.SessionId is not null ? (KeySession, "$session")
            : query.AgentId is not null ? (KeyAgent, "$agent")
            : query.Resource is not null ? (KeyResource, "$resource")
            : (0, null);
        if (key is null)
        {
            var sql = new StringBuilder("SELECT first_seq, records FROM lineage_groups WHERE tenant = $tenant AND first_seq >= $start");
            AppendConditions(sql, query, string.Empty);
            return sql.Append(" ORDER BY first_seq LIMIT $limit;").ToString();
        }

        // The keyed groups (up to the tenant's key mark) through lineage_group_keys, then the groups above the mark (at
        // most about KeyFlushRecords records) by sequence: disjoint by construction, even if the key tables were altered,
        // and read in one statement, so in one snapshot (a flush between two reads could not hide or repeat a group).
        // A key entry covers the groups from its first_seq to its upto (version 6: one flush's span; NULL: its group
        // alone); a value's entries cover disjoint spans, so the groups come in sequence order entry by entry, and the
        // first entry to read is the last one starting at or before $start (its span may reach past it).
        const string Mark = "coalesce((SELECT m.first_seq FROM lineage_group_marks m WHERE m.tenant = $tenant), 0)";
        var fieldValue = new StringBuilder(" AND k.field = ").Append(field.ToString(CultureInfo.InvariantCulture)).Append(" AND k.value = ").Append(key).ToString();
        var keyed = new StringBuilder("SELECT g.first_seq AS first_seq, g.records AS records FROM lineage_group_keys k ")
            .Append("JOIN lineage_groups g ON g.tenant = k.tenant AND g.first_seq >= k.first_seq AND g.first_seq <= coalesce(k.upto, k.first_seq)")
            .Append(" WHERE k.tenant = $tenant").Append(fieldValue)
            .Append(" AND k.first_seq >= coalesce((SELECT max(k.first_seq) FROM lineage_group_keys k WHERE k.tenant = $tenant")
            .Append(fieldValue).Append(" AND k.first_seq <= $start), $start)")
            .Append(" AND k.first_seq <= ").Append(Mark)
            .Append(" AND g.first_seq >= $start AND g.first_seq <= ").Append(Mark);
        AppendConditions(keyed, query, "g.");
        keyed.Append(" ORDER BY k.first_seq, g.first_seq LIMIT $limit");

        var tail = new StringBuilder("SELECT first_seq, records FROM lineage_groups WHERE tenant = $tenant AND first_seq >= max($start, ")
            .Append(Mark).Append(" + 1)");
        AppendConditions(tail, query, string.Empty);
        tail.Append(" ORDER BY first_seq LIMIT $limit");

        return $"SELECT first_seq, records FROM (SELECT * FROM ({keyed}) UNION ALL SELECT * FROM ({tail})) ORDER BY first_seq LIMIT $limit;";
    }

    // The query's filters on lineage_groups' columns (prefix: the table's alias and a dot, or empty). They only narrow
    // the groups read; each record is then checked against the whole query.
    private static void AppendConditions(StringBuilder sql, LineageQuery query, string prefix)
    {
        if (query.UpToSequence is not null)
        {
            sql.Append(" AND ").Append(prefix).Append("first_seq <= $upTo");
        }

        if (query.Decision is >= LineageDecision.Deny)
        {
            sql.Append(" AND ").Append(prefix).Append(FlaggedGroups);
        }

        if (query.From is not null)
        {
            sql.Append(" AND ").Append(prefix).Append("max_ts >= $from");
        }

        if (query.To is not null)
        {
            sql.Append(" AND ").Append(prefix).Append("min_ts < $to");
        }
    }

    private static void BindQuery(SqliteCommand command, LineageQuery query, long start)
    {
        var p = command.Parameters;
        p.AddWithValue("$start", start);
        if (query.UpToSequence is { } upTo)
        {
            p.AddWithValue("$upTo", upTo);
        }

        if (query.SessionId is not null)
        {
            p.AddWithValue("$session", query.SessionId);
        }
        else if (query.AgentId is not null)
        {
            p.AddWithValue("$agent", query.AgentId);
        }
        else if (query.Resource is not null)
        {
            p.AddWithValue("$resource", query.Resource);
        }

        if (query.From is { } from)
        {
            p.AddWithValue("$from", from.UtcTicks);
        }

        if (query.To is { } to)
        {
            p.AddWithValue("$to", to.UtcTicks);
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    // One stored group as read: its first sequence (the storage key of its first record) and its blob.
    private readonly record struct StoredGroup(long FirstSequence, byte[] Records);

    private sealed class PendingAppend(IReadOnlyList<LineageRecord> records)
    {
        public IReadOnlyList<LineageRecord> Records { get; } = records;

        // INVARIANT: continuations run inline on the writer thread. The log's appender (the LineageWriter's commit loop)
        // resumes there, hands its records to their appenders and chains the next batch, which saves a thread hop per
        // commit; it never blocks on this log (it awaits it), so the writer thread cannot wait for itself.
        public TaskCompletionSource Completion { get; } = new();
    }
}
