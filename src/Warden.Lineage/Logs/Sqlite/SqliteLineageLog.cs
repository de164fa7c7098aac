using System.Collections.Concurrent;
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
/// Schema (version 3): <c>lineage_records(tenant, seq, ts, kind, decision, agent, session, resource, record)</c>
/// with primary key <c>(tenant, seq)</c>, where <c>record</c> holds the canonical MessagePack bytes and the other
/// columns are copies for querying, indexed in the table by time and by decisions other than allow;
/// <c>lineage_heads(tenant, seq, hash)</c> holds each chain's head marker, written in the same transaction as the records.
/// </para>
/// <para>
/// Session, agent and resource are found through <c>lineage_keys(tenant, field, value, seq)</c>, one entry per record
/// and key, written in bulk: a commit that brings a tenant <see cref="SqliteLineageLogOptions.KeyFlushRecords"/>
/// records past its key mark (<c>lineage_key_marks</c>) writes the entries of all of them and moves the mark, in that
/// same transaction. A query by session, agent or resource reads the keyed records through <c>lineage_keys</c> and the
/// few records above the mark by sequence. Version 2 indexed those columns in the table itself: every commit then
/// changed a leaf page of each of those three indexes per session, agent and resource in the batch, which was most of
/// the pages the commit wrote to the WAL and fsynced. A version-2 file is migrated when it is opened (entries for every
/// stored record, marks at each tenant's last record, the three indexes dropped, in one transaction).
/// </para>
/// <para>
/// Version 2 differed from version 1 only by its decision index: version 1 indexed every record by decision, version 2
/// only denials and approval requests (<c>decision &gt;= 2</c>). Allows are most records, so a query for allows finds
/// them by scanning the tenant's records in order, and every allowed decision saves one index insert. A version-1 file
/// is migrated when it is opened (the old index dropped, the partial one built, in one transaction); its records and
/// chains are not touched.
/// </para>
/// <para>
/// Durability: each <see cref="AppendAsync"/> is one transaction; with the default
/// <see cref="SqliteSynchronousMode.Full"/> the commit returns after the WAL is fsynced, so an appended batch
/// survives <c>kill -9</c> and power loss. A duplicate (tenant, sequence) aborts the whole transaction with
/// <see cref="LineageConflictException"/>.
/// </para>
/// <para>
/// Threads: every transaction runs on the log's own writer thread (like the state store's), never on a thread-pool
/// thread. A commit blocks for the fsync; on a thread-pool thread that wait would take a worker from the grains that
/// are deciding meanwhile (on a 2-core host, one of two).
/// </para>
/// </remarks>
public sealed class SqliteLineageLog : ILineageLog
{
    private const int PageSize = 512;
    private const int SqliteConstraint = 19;
    private const int InsertColumns = 9;

    // Rows per insert statement, largest first: a batch is cut into these (9 × 64 = 576 parameters, far below SQLite's limit).
    private static readonly int[] RowsPerInsert = [64, 16, 4, 1];

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

    // Prepared statements of the writer thread, kept across transactions. INVARIANT: touched only on the writer thread.
    private readonly Dictionary<int, sqlite3_stmt> _inserts = [];
    private sqlite3_stmt? _headUpsert;

    // Tenants' key marks as stored (the last sequence whose key entries are written). INVARIANT: writer thread only;
    // updated only after the transaction that moved them commits, cleared when a transaction fails.
    private readonly Dictionary<string, long> _keyMarks = new(StringComparer.Ordinal);
    private readonly int _keyFlushRecords;
    private sqlite3_stmt? _keyFlush;
    private sqlite3_stmt? _keyMarkUpsert;
    private sqlite3_stmt? _keyMarkRead;

    private SqliteLineageLog(string filePath, SqliteConnection writeConnection, string readConnectionString, int keyFlushRecords)
    {
        FilePath = filePath;
        _keyFlushRecords = keyFlushRecords;
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
            var synchronous = options.Synchronous == SqliteSynchronousMode.Full ? "FULL" : "NORMAL";
            Execute(connection, $"PRAGMA busy_timeout = {busyMs.ToString(CultureInfo.InvariantCulture)};");
            Execute(connection, "PRAGMA journal_mode = WAL;");
            Execute(connection, $"PRAGMA synchronous = {synchronous};");
            EnsureSchema(connection, path);
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        builder.Mode = SqliteOpenMode.ReadWrite;
        builder.Pooling = true;
        return new SqliteLineageLog(path, connection, builder.ConnectionString, Math.Max(1, options.KeyFlushRecords));
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
        await using var connection = await OpenReadAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, record FROM lineage_records WHERE tenant = $tenant ORDER BY seq DESC LIMIT 1;";
        command.Parameters.AddWithValue("$tenant", tenantId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return Decode(tenantId, reader);
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
        var next = fromSequence;
        while (true)
        {
            // Page by the stored key (not the decoded sequence): verification must see the rows as stored.
            var page = await ReadPageAsync(
                "SELECT seq, record FROM lineage_records WHERE tenant = $tenant AND seq >= $from ORDER BY seq LIMIT $limit;",
                tenantId,
                command => command.Parameters.AddWithValue("$from", next),
                PageSize,
                cancellationToken).ConfigureAwait(false);
            foreach (var (_, record) in page)
            {
                yield return record;
            }

            if (page.Count < PageSize)
            {
                yield break;
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
        var sql = BuildQuerySql(query);
        var after = query.AfterSequence;
        var yielded = 0;
        while (yielded < query.Limit)
        {
            var want = query.Limit - yielded;
            var page = await ReadPageAsync(sql, query.TenantId, command => BindQuery(command, query, after), want, cancellationToken)
                .ConfigureAwait(false);
            foreach (var (_, record) in page)
            {
                // The index columns are copies; the decoded record decides (a tampered column cannot add a match).
                if (query.Matches(record))
                {
                    yield return record;
                    yielded++;
                }
            }

            if (page.Count < want)
            {
                yield break;
            }

            after = page[^1].Key;
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
    internal const int SchemaVersion = 3;

    // lineage_keys.field: which column a key entry copies.
    private const int KeySession = 1;
    private const int KeyAgent = 2;
    private const int KeyResource = 3;

    // Decisions at or above this value (deny, approval required) are in the decision index; allow and none are not.
    // INVARIANT: the literal appears verbatim in the index's WHERE and in every query that filters by such a decision,
    // so SQLite's planner can prove the partial index usable.
    private const string IndexedDecisions = "decision >= 2";

    private const string Schema = $"""
        CREATE TABLE IF NOT EXISTS lineage_records (
            tenant   TEXT    NOT NULL,
            seq      INTEGER NOT NULL,
            ts       INTEGER NOT NULL,
            kind     INTEGER NOT NULL,
            decision INTEGER NOT NULL,
            agent    TEXT,
            session  TEXT,
            resource TEXT,
            record   BLOB    NOT NULL,
            PRIMARY KEY (tenant, seq)
        );
        CREATE INDEX IF NOT EXISTS lineage_by_time     ON lineage_records (tenant, ts);
        CREATE TABLE IF NOT EXISTS lineage_keys (
            tenant TEXT    NOT NULL,
            field  INTEGER NOT NULL,
            value  TEXT    NOT NULL,
            seq    INTEGER NOT NULL,
            PRIMARY KEY (tenant, field, value, seq)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS lineage_key_marks (
            tenant TEXT    NOT NULL PRIMARY KEY,
            seq    INTEGER NOT NULL
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
        INSERT OR IGNORE INTO lineage_meta (key, value) VALUES ('schema', '3');
        """;

    // The decision index of version 2 and later (a new file gets it here too). Idempotent.
    private const string DenialIndex = $"""
        DROP INDEX IF EXISTS lineage_by_decision;
        CREATE INDEX IF NOT EXISTS lineage_by_denial ON lineage_records (tenant, decision, seq) WHERE {IndexedDecisions};
        """;

    // The key entries of records (mark, upTo] of one tenant, sorted so they go into lineage_keys in key order.
    // OR IGNORE: entries are derived data, so writing one twice (a mark behind what is stored) is harmless.
    private const string KeyEntriesSelect = """
        SELECT tenant, 1, session, seq FROM lineage_records WHERE tenant = ?1 AND seq > ?2 AND seq <= ?3 AND session IS NOT NULL
        UNION ALL SELECT tenant, 2, agent, seq FROM lineage_records WHERE tenant = ?1 AND seq > ?2 AND seq <= ?3 AND agent IS NOT NULL
        UNION ALL SELECT tenant, 3, resource, seq FROM lineage_records WHERE tenant = ?1 AND seq > ?2 AND seq <= ?3 AND resource IS NOT NULL
        ORDER BY 1, 2, 3, 4
        """;

    // Version 2 → 3: the session, agent and resource indexes become key entries written in bulk.
    private const string MigrateToVersion3 = """
        INSERT OR IGNORE INTO lineage_keys (tenant, field, value, seq)
            SELECT tenant, 1, session, seq FROM lineage_records WHERE session IS NOT NULL
            UNION ALL SELECT tenant, 2, agent, seq FROM lineage_records WHERE agent IS NOT NULL
            UNION ALL SELECT tenant, 3, resource, seq FROM lineage_records WHERE resource IS NOT NULL
            ORDER BY 1, 2, 3, 4;
        INSERT OR REPLACE INTO lineage_key_marks (tenant, seq) SELECT tenant, MAX(seq) FROM lineage_records GROUP BY tenant;
        DROP INDEX IF EXISTS lineage_by_session;
        DROP INDEX IF EXISTS lineage_by_agent;
        DROP INDEX IF EXISTS lineage_by_resource;
        UPDATE lineage_meta SET value = '3' WHERE key = 'schema';
        """;

    // Creates the schema of a new file, or brings an older file to this version, in one transaction.
    private static void EnsureSchema(SqliteConnection connection, string path)
    {
        using var transaction = connection.BeginTransaction();
        using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = Schema;
            command.ExecuteNonQuery();
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

            // INVARIANT: every version leaves the version-2 decision index in place (a new file gets it here too).
            command.CommandText = DenialIndex;
            command.ExecuteNonQuery();
            if (version < 3)
            {
                command.CommandText = MigrateToVersion3;
                command.ExecuteNonQuery();
            }
        }

        transaction.Commit();
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
        using var transaction = _writeConnection.BeginTransaction();
        try
        {
            var heads = new Dictionary<string, ChainHead>(StringComparer.Ordinal);
            var next = 0;
            while (next < records.Count)
            {
                // Several rows per statement: one execution per chunk, not per row.
                var rows = RowsPerInsert[^1];
                foreach (var size in RowsPerInsert)
                {
                    if (records.Count - next >= size)
                    {
                        rows = size;
                        break;
                    }
                }

                var insert = InsertStatement(rows);
                for (var row = 0; row < rows; row++)
                {
                    var record = records[next + row];
                    var e = record.Event;

                    // Bound by position (1-based): the parameter at column c of row r is r * InsertColumns + c + 1.
                    var at = (row * InsertColumns) + 1;
                    BindText(insert, at, e.TenantId);
                    Check(raw.sqlite3_bind_int64(insert, at + 1, record.Sequence));
                    Check(raw.sqlite3_bind_int64(insert, at + 2, e.OccurredAt.UtcTicks));
                    Check(raw.sqlite3_bind_int(insert, at + 3, (int)e.Kind));
                    Check(raw.sqlite3_bind_int(insert, at + 4, (int)e.Decision));
                    BindText(insert, at + 5, e.AgentId);
                    BindText(insert, at + 6, e.SessionId);
                    BindText(insert, at + 7, e.Resource);
                    Check(raw.sqlite3_bind_blob(insert, at + 8, LineageRecordSerializer.GetStoredBytes(record)));
                    heads[e.TenantId] = ChainHead.Of(record);
                }

                Execute(insert);
                next += rows;
            }

            var head = HeadStatement();
            Span<byte> hash = stackalloc byte[LineageHash.Length];
            Dictionary<string, long>? movedMarks = null;
            foreach (var (tenantId, chainHead) in heads)
            {
                chainHead.Hash.CopyTo(hash);
                BindText(head, 1, tenantId);
                Check(raw.sqlite3_bind_int64(head, 2, chainHead.Sequence));
                Check(raw.sqlite3_bind_blob(head, 3, hash));
                Execute(head);

                var mark = KeyMark(tenantId);
                if (chainHead.Sequence - mark >= _keyFlushRecords)
                {
                    WriteKeyEntries(tenantId, mark, chainHead.Sequence);
                    (movedMarks ??= new(StringComparer.Ordinal))[tenantId] = chainHead.Sequence;
                }
            }

            transaction.Commit();
            foreach (var (tenantId, mark) in movedMarks ?? [])
            {
                _keyMarks[tenantId] = mark;
            }
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteConstraint)
        {
            // OR ROLLBACK: SQLite has already rolled the whole transaction back; this only closes the ADO.NET side.
            RollbackQuietly(transaction);
            throw new LineageConflictException("A record with the same tenant and sequence is already stored; the batch was not written.", ex);
        }
        catch
        {
            // A statement that failed midway is not reused: the next batch prepares fresh ones.
            DropCommands();
            throw;
        }
    }

    // The stored key mark of a tenant (0: none), read once and then kept. INVARIANT: writer thread, inside a transaction.
    private long KeyMark(string tenantId)
    {
        if (_keyMarks.TryGetValue(tenantId, out var cached))
        {
            return cached;
        }

        var read = _keyMarkRead ??= Prepare("SELECT seq FROM lineage_key_marks WHERE tenant = ?1;");
        BindText(read, 1, tenantId);
        var rc = raw.sqlite3_step(read);
        var mark = rc == raw.SQLITE_ROW ? raw.sqlite3_column_int64(read, 0) : 0;
        raw.sqlite3_reset(read);
        if (rc is not (raw.SQLITE_ROW or raw.SQLITE_DONE))
        {
            SqliteException.ThrowExceptionForRC(rc, _writeConnection.Handle);
        }

        _keyMarks[tenantId] = mark;
        return mark;
    }

    // Writes the key entries of a tenant's records (mark, upTo] and moves its stored mark to upTo, in the caller's
    // transaction: one sorted bulk insert, so each leaf page of lineage_keys is written once per flush, not per commit.
    private void WriteKeyEntries(string tenantId, long mark, long upTo)
    {
        var flush = _keyFlush ??= Prepare("INSERT OR IGNORE INTO lineage_keys (tenant, field, value, seq) " + KeyEntriesSelect + ";");
        BindText(flush, 1, tenantId);
        Check(raw.sqlite3_bind_int64(flush, 2, mark));
        Check(raw.sqlite3_bind_int64(flush, 3, upTo));
        Execute(flush);

        var upsert = _keyMarkUpsert ??= Prepare("""
            INSERT INTO lineage_key_marks (tenant, seq) VALUES (?1, ?2)
            ON CONFLICT (tenant) DO UPDATE SET seq = excluded.seq;
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

    // The prepared insert for a number of rows, made once per size. INVARIANT: writer thread only.
    // The statements are driven through SQLitePCL directly and bound by position: Microsoft.Data.Sqlite binds each
    // parameter by name, and SQLite finds a name by a linear scan of the statement's names (sqlite3VListNameToNum), so a
    // 64-row insert (576 parameters) made ~166,000 string compares per execution: 9 % of the host's CPU in a profile of
    // the durable stream benchmark.
    private sqlite3_stmt InsertStatement(int rows)
    {
        if (_inserts.TryGetValue(rows, out var cached))
        {
            return cached;
        }

        // OR ROLLBACK, not the default ABORT: a conflict fails the whole transaction anyway (a batch is stored whole or
        // not at all), and a multi-row statement that can only abort needs a statement journal, which copies every page
        // it touches (a third of the insert's CPU at 64 rows). With ROLLBACK SQLite keeps no statement journal.
        var sql = new StringBuilder("INSERT OR ROLLBACK INTO lineage_records (tenant, seq, ts, kind, decision, agent, session, resource, record) VALUES ");
        for (var row = 0; row < rows; row++)
        {
            sql.Append(row == 0 ? "(?, ?, ?, ?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        }

        var statement = Prepare(sql.Append(';').ToString());
        _inserts[rows] = statement;
        return statement;
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
        foreach (var statement in _inserts.Values)
        {
            statement.Dispose();
        }

        _inserts.Clear();
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

    // Reads one page fully before yielding, so no read transaction stays open while the consumer works.
    private async Task<List<KeyValuePair<long, LineageRecord>>> ReadPageAsync(
        string sql,
        string tenantId,
        Action<SqliteCommand> bind,
        int limit,
        CancellationToken cancellationToken)
    {
        var page = new List<KeyValuePair<long, LineageRecord>>(Math.Min(limit, PageSize));
        await using var connection = await OpenReadAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$tenant", tenantId);
        command.Parameters.AddWithValue("$limit", limit);
        bind(command);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            page.Add(new(reader.GetInt64(0), Decode(tenantId, reader)));
        }

        return page;
    }

    private static LineageRecord Decode(string tenantId, SqliteDataReader reader)
    {
        var storedSequence = reader.GetInt64(0);
        try
        {
            var bytes = reader.IsDBNull(1) ? [] : (byte[])reader.GetValue(1);
            return LineageRecordSerializer.Deserialize(bytes);
        }
        catch (Exception ex) when (ex is LineageFormatException or InvalidCastException)
        {
            throw new LineageFormatException($"Record {storedSequence} of tenant '{tenantId}' does not decode: {ex.Message}", ex)
            {
                TenantId = tenantId,
                StoredSequence = storedSequence,
            };
        }
    }

    internal static string BuildQuerySql(LineageQuery query)
    {
        // The key a query by session, agent or resource is driven by (the first of those it filters on).
        var (field, key) = query.SessionId is not null ? (KeySession, "$session")
            : query.AgentId is not null ? (KeyAgent, "$agent")
            : query.Resource is not null ? (KeyResource, "$resource")
            : (0, null);
        if (key is null)
        {
            var sql = new StringBuilder("SELECT seq, record FROM lineage_records WHERE tenant = $tenant AND seq > $after");
            AppendConditions(sql, query, string.Empty);
            return sql.Append(" ORDER BY seq LIMIT $limit;").ToString();
        }

        // The keyed records (up to the tenant's key mark) through lineage_keys, then the records above the mark (at most
        // about KeyFlushRecords) by sequence: disjoint by construction, even if the key tables were altered, and read in
        // one statement, so in one snapshot (a flush between two reads could not hide or repeat a record).
        const string Mark = "coalesce((SELECT m.seq FROM lineage_key_marks m WHERE m.tenant = $tenant), 0)";
        var keyed = new StringBuilder("SELECT r.seq AS seq, r.record AS record FROM lineage_keys k ")
            .Append("JOIN lineage_records r ON r.tenant = k.tenant AND r.seq = k.seq WHERE k.tenant = $tenant AND k.field = ")
            .Append(field.ToString(CultureInfo.InvariantCulture)).Append(" AND k.value = ").Append(key)
            .Append(" AND k.seq > $after AND k.seq <= ").Append(Mark);
        AppendConditions(keyed, query, "r.");
        keyed.Append(" ORDER BY k.seq LIMIT $limit");

        var tail = new StringBuilder("SELECT seq, record FROM lineage_records WHERE tenant = $tenant AND seq > max($after, ")
            .Append(Mark).Append(')');
        AppendConditions(tail, query, string.Empty);
        tail.Append(" ORDER BY seq LIMIT $limit");

        return $"SELECT seq, record FROM (SELECT * FROM ({keyed}) UNION ALL SELECT * FROM ({tail})) ORDER BY seq LIMIT $limit;";
    }

    // The query's filters on lineage_records' columns (prefix: the table's alias and a dot, or empty).
    private static void AppendConditions(StringBuilder sql, LineageQuery query, string prefix)
    {
        if (query.UpToSequence is not null)
        {
            sql.Append(" AND ").Append(prefix).Append("seq <= $upTo");
        }

        if (query.SessionId is not null)
        {
            sql.Append(" AND ").Append(prefix).Append("session = $session");
        }

        if (query.AgentId is not null)
        {
            sql.Append(" AND ").Append(prefix).Append("agent = $agent");
        }

        if (query.Resource is not null)
        {
            sql.Append(" AND ").Append(prefix).Append("resource = $resource");
        }

        if (query.Decision is { } decision)
        {
            sql.Append(" AND ").Append(prefix).Append("decision = $decision");
            if (decision >= LineageDecision.Deny)
            {
                sql.Append(" AND ").Append(prefix).Append(IndexedDecisions);
            }
        }

        if (query.Kind is not null)
        {
            sql.Append(" AND ").Append(prefix).Append("kind = $kind");
        }

        if (query.From is not null)
        {
            sql.Append(" AND ").Append(prefix).Append("ts >= $from");
        }

        if (query.To is not null)
        {
            sql.Append(" AND ").Append(prefix).Append("ts < $to");
        }
    }

    private static void BindQuery(SqliteCommand command, LineageQuery query, long after)
    {
        var p = command.Parameters;
        p.AddWithValue("$after", after);
        if (query.UpToSequence is { } upTo)
        {
            p.AddWithValue("$upTo", upTo);
        }

        if (query.SessionId is not null)
        {
            p.AddWithValue("$session", query.SessionId);
        }

        if (query.AgentId is not null)
        {
            p.AddWithValue("$agent", query.AgentId);
        }

        if (query.Resource is not null)
        {
            p.AddWithValue("$resource", query.Resource);
        }

        if (query.Decision is { } decision)
        {
            p.AddWithValue("$decision", (int)decision);
        }

        if (query.Kind is { } kind)
        {
            p.AddWithValue("$kind", (int)kind);
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

    private sealed class PendingAppend(IReadOnlyList<LineageRecord> records)
    {
        public IReadOnlyList<LineageRecord> Records { get; } = records;

        // INVARIANT: continuations run inline on the writer thread. The log's appender (the LineageWriter's commit loop)
        // resumes there, hands its records to their appenders and chains the next batch, which saves a thread hop per
        // commit; it never blocks on this log (it awaits it), so the writer thread cannot wait for itself.
        public TaskCompletionSource Completion { get; } = new();
    }
}
