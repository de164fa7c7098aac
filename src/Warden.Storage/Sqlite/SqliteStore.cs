using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Warden.Storage.Options;

namespace Warden.Storage.Sqlite;

/// <summary>
/// One node's embedded SQLite database: grain state and reminders. Writes go through a single writer thread
/// that commits them in batches (group commit: one flush acknowledges many writes); reads use pooled
/// connections that WAL lets run beside the writer.
/// </summary>
/// <remarks>
/// Durability: WAL mode; <see cref="SqliteDurability.Full"/> flushes the WAL on every commit,
/// <see cref="SqliteDurability.Normal"/> at checkpoints. A write is acknowledged only after its transaction
/// committed, so a <c>kill -9</c> never loses an acknowledged write in either mode (the WAL frames were handed
/// to the operating system before the commit returned).
/// </remarks>
internal sealed class SqliteStore : IDisposable
{
    private const int CodeBusy = 5;
    private const int CodeLocked = 6;
    private const int CodeReadOnly = 8;
    private const int CodeIoError = 10;
    private const int CodeCorrupt = 11;
    private const int CodeFull = 13;
    private const int CodeCantOpen = 14;
    private const int CodeNotADatabase = 26;

    private readonly EmbeddedStorageOptions _options;
    private readonly ILogger<SqliteStore> _logger;
    private readonly Lock _gate = new();
    private readonly BlockingCollection<WriteOperation> _queue = [];
    private Task? _opening;
    private DataDirectoryLock? _directoryLock;
    private SqliteWriter? _writer;
    private Thread? _writerThread;
    private string _readConnectionString = string.Empty;
    private bool _closed;
    private long _committedBatches;

    public SqliteStore(IOptions<EmbeddedStorageOptions> options, ILogger<SqliteStore> logger)
    {
        _options = options.Value;
        _logger = logger;
        DatabasePath = _options.DatabasePath;
    }

    /// <summary>The absolute path of the database file.</summary>
    public string DatabasePath { get; }

    /// <summary>How many write transactions committed so far (each acknowledges a whole batch).</summary>
    internal long CommittedBatches => Interlocked.Read(ref _committedBatches);

    /// <summary>The options the store was created with.</summary>
    public EmbeddedStorageOptions Options => _options;

    /// <summary>
    /// Opens the database once: locks the data directory, checks the file, creates the schema and starts the
    /// writer. A failure is permanent for this instance: every later call fails with the same error.
    /// </summary>
    public Task OpenAsync()
    {
        lock (_gate)
        {
            if (_closed)
            {
                return Task.FromException(ClosedError());
            }

            return _opening ??= Task.Run(Open);
        }
    }

    /// <summary>Queues a write and completes once it committed (or failed; then nothing of it was written).</summary>
    public Task<TResult> WriteAsync<TResult>(WriteOperation<TResult> operation)
    {
        var opening = OpenAsync();
        return opening.IsCompletedSuccessfully ? Enqueue(operation) : WriteAfterOpenAsync(opening, operation);
    }

    /// <summary>Runs a read on a pooled connection; it sees every acknowledged write.</summary>
    public Task<TResult> ReadAsync<TResult>(Func<SqliteConnection, TResult> query)
    {
        var opening = OpenAsync();
        return opening.IsCompletedSuccessfully ? Read(query) : ReadAfterOpenAsync(opening, query);
    }

    /// <summary>
    /// Stops accepting writes, commits what is queued, closes every connection and releases the data directory.
    /// </summary>
    public void Close()
    {
        Task? opening;
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            _queue.CompleteAdding();
            opening = _opening;
        }

        try
        {
            opening?.GetAwaiter().GetResult();
        }
        catch (EmbeddedStorageException)
        {
            // Opening failed and was reported to whoever awaited it; there is less to close.
        }

        // The writer drains what was queued before the close, then exits.
        _writerThread?.Join();
        if (_readConnectionString.Length > 0)
        {
            using var pooled = new SqliteConnection(_readConnectionString);
            SqliteConnection.ClearPool(pooled);
        }

        var wasOpen = _writer is not null;
        _writer?.Dispose();
        _writer = null;
        _directoryLock?.Dispose();
        _directoryLock = null;
        _queue.Dispose();
        if (wasOpen)
        {
            SqliteStoreLog.Closed(_logger, DatabasePath);
        }
    }

    public void Dispose() => Close();

    internal static Exception Wrap(Exception error, string databasePath) => error switch
    {
        EmbeddedStorageException => error,
        SqliteException { SqliteErrorCode: CodeBusy or CodeLocked } e => new EmbeddedStorageException(
            $"The database '{databasePath}' is locked by another connection or process and stayed locked past the busy timeout. " +
            "Nothing was written. Find what holds it (another Warden node, a backup tool, a sqlite3 shell) and stop it.", e),
        SqliteException { SqliteErrorCode: CodeNotADatabase } e => new EmbeddedStorageException(
            $"'{databasePath}' is not a SQLite database, or its header is damaged. Nothing was changed. " +
            "Restore it from a backup or move it away to start empty.", e),
        SqliteException { SqliteErrorCode: CodeCorrupt } e => new EmbeddedStorageException(
            $"The database '{databasePath}' is corrupt. Nothing was written. Restore it from a backup.", e),
        SqliteException { SqliteErrorCode: CodeFull } e => new EmbeddedStorageException(
            $"The disk holding '{databasePath}' is full. Nothing was written.", e),
        SqliteException { SqliteErrorCode: CodeReadOnly or CodeCantOpen } e => new EmbeddedStorageException(
            $"The database '{databasePath}' cannot be opened for writing (permissions, read-only disk, or a missing folder).", e),
        SqliteException { SqliteErrorCode: CodeIoError } e => new EmbeddedStorageException(
            $"The disk reported an I/O error on '{databasePath}'. Nothing was written.", e),
        SqliteException e => new EmbeddedStorageException(
            $"SQLite error {e.SqliteErrorCode} on '{databasePath}': {e.Message}", e),
        _ => new EmbeddedStorageException($"The embedded store '{databasePath}' failed: {error.Message}", error),
    };

    private EmbeddedStorageException ClosedError(Exception? cause = null) => new(
        $"The embedded store '{DatabasePath}' is closed (the node is stopping); nothing was read or written.", cause!);

    private static bool IsEnvironmental(Exception error) =>
        error is SqliteException
        {
            SqliteErrorCode: CodeBusy or CodeLocked or CodeReadOnly or CodeIoError or CodeCorrupt or CodeFull or CodeCantOpen or CodeNotADatabase,
        };

    private async Task<TResult> WriteAfterOpenAsync<TResult>(Task opening, WriteOperation<TResult> operation)
    {
        await opening.ConfigureAwait(false);
        return await Enqueue(operation).ConfigureAwait(false);
    }

    private async Task<TResult> ReadAfterOpenAsync<TResult>(Task opening, Func<SqliteConnection, TResult> query)
    {
        await opening.ConfigureAwait(false);
        return await Read(query).ConfigureAwait(false);
    }

    private Task<TResult> Enqueue<TResult>(WriteOperation<TResult> operation)
    {
        try
        {
            _queue.Add(operation);
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
        {
            return Task.FromException<TResult>(ClosedError(e));
        }

        return operation.Completion;
    }

    private Task<TResult> Read<TResult>(Func<SqliteConnection, TResult> query)
    {
        // Reads are short, indexed point or range lookups, so they run on the caller's thread.
        try
        {
            using var connection = new SqliteConnection(_readConnectionString);
            connection.Open();
            return Task.FromResult(query(connection));
        }
        catch (Exception e)
        {
            return Task.FromException<TResult>(Wrap(e, DatabasePath));
        }
    }

    private void Open()
    {
        try
        {
            var directory = Path.GetDirectoryName(DatabasePath)!;
            Directory.CreateDirectory(directory);
            _directoryLock = DataDirectoryLock.Acquire(directory);

            var timeoutSeconds = (int)Math.Ceiling(_options.BusyTimeout.TotalSeconds);
            var builder = new SqliteConnectionStringBuilder
            {
                DataSource = DatabasePath,
                Mode = SqliteOpenMode.ReadWriteCreate,
                Cache = SqliteCacheMode.Private,
                Pooling = false,
                DefaultTimeout = timeoutSeconds,
            };
            var writeConnectionString = builder.ToString();
            builder.Pooling = true;
            _readConnectionString = builder.ToString();

            var connection = new SqliteConnection(writeConnectionString);
            _writer = new SqliteWriter(connection);
            connection.Open();
            Pragma(connection, string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {(long)_options.BusyTimeout.TotalMilliseconds};"));

            // INVARIANT: nothing is written to the file until it has proven to be an intact Warden database (or a new
            // one): the header is read first, then the integrity check, and only then WAL mode and the schema.
            var needsSchema = SqliteSchema.Inspect(connection, DatabasePath);
            if (_options.VerifyIntegrityOnOpen)
            {
                VerifyIntegrity(connection);
            }

            var journalMode = Pragma(connection, "PRAGMA journal_mode = WAL;");
            if (!string.Equals(journalMode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new EmbeddedStorageException(
                    $"'{DatabasePath}' could not be switched to WAL mode (SQLite answered '{journalMode}'); the file system may not support it.");
            }

            Pragma(connection, _options.Durability == SqliteDurability.Full ? "PRAGMA synchronous = FULL;" : "PRAGMA synchronous = NORMAL;");
            if (needsSchema)
            {
                SqliteSchema.Create(connection);
            }

            _writerThread = new Thread(WriterLoop) { IsBackground = true, Name = "warden-sqlite-writer" };
            _writerThread.Start();
            SqliteStoreLog.Opened(_logger, DatabasePath, _options.Durability, _options.VerifyIntegrityOnOpen);
        }
        catch (Exception e)
        {
            _writer?.Dispose();
            _writer = null;
            _directoryLock?.Dispose();
            _directoryLock = null;
            var wrapped = Wrap(e, DatabasePath);
            SqliteStoreLog.OpenFailed(_logger, DatabasePath, wrapped);
            throw wrapped;
        }
    }

    private void VerifyIntegrity(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA quick_check(20);";
        var findings = new List<string>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                findings.Add(reader.GetString(0));
            }
        }

        if (findings is not ["ok"])
        {
            throw new EmbeddedStorageException(
                $"The database '{DatabasePath}' failed its integrity check and was not opened: {string.Join("; ", findings)}. " +
                "Restore it from a backup; the file was not changed.");
        }
    }

    private static string Pragma(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture) ?? string.Empty;
    }

    private void WriterLoop()
    {
        var batch = new List<WriteOperation>(_options.MaxWriteBatchSize);
        while (_queue.TryTake(out var first, Timeout.Infinite))
        {
            batch.Add(first);
            while (batch.Count < _options.MaxWriteBatchSize && _queue.TryTake(out var next))
            {
                batch.Add(next);
            }

            ExecuteBatch(batch);
            batch.Clear();
        }
    }

    /// <summary>
    /// Commits a batch in one transaction. If one operation fails on its own (not the disk, not a lock), it alone
    /// fails and the rest is retried; an environmental failure fails the whole batch. Either way an operation is
    /// completed only after a commit that contains it.
    /// </summary>
    private void ExecuteBatch(List<WriteOperation> batch)
    {
        var writer = _writer!;
        while (batch.Count > 0)
        {
            var failedAt = -1;
            try
            {
                writer.Begin();
                for (var i = 0; i < batch.Count; i++)
                {
                    failedAt = i;
                    batch[i].Execute(writer);
                }

                failedAt = -1;
                writer.Commit();
                Interlocked.Increment(ref _committedBatches);
            }
            catch (Exception e)
            {
                writer.Rollback();
                if (failedAt >= 0 && !IsEnvironmental(e) && batch.Count > 1)
                {
                    var culprit = batch[failedAt];
                    SqliteStoreLog.WriteFailed(_logger, culprit.GetType().Name, e);
                    culprit.Fail(Wrap(e, DatabasePath));
                    batch.RemoveAt(failedAt);
                    continue;
                }

                SqliteStoreLog.BatchFailed(_logger, batch.Count, e);
                var wrapped = Wrap(e, DatabasePath);
                foreach (var operation in batch)
                {
                    operation.Fail(wrapped);
                }

                return;
            }

            foreach (var operation in batch)
            {
                operation.Complete();
            }

            return;
        }
    }
}
