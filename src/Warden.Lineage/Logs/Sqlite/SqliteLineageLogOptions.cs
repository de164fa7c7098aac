namespace Warden.Lineage.Logs.Sqlite;

/// <summary>Settings of the embedded lineage log.</summary>
public sealed class SqliteLineageLogOptions
{
    /// <summary>The default file name inside the data folder.</summary>
    public const string DefaultFileName = "lineage.db";

    /// <summary>
    /// The data folder (created if missing). The log lives in its own file, <see cref="DefaultFileName"/>, next to
    /// whatever else the node keeps there. Required unless <see cref="FilePath"/> is set.
    /// </summary>
    public string? DataDirectory { get; set; }

    /// <summary>An explicit path of the database file; overrides <see cref="DataDirectory"/>.</summary>
    public string? FilePath { get; set; }

    /// <summary>
    /// How hard each commit pushes to the disk. <see cref="SqliteSynchronousMode.Full"/> (default) fsyncs the
    /// write-ahead log on every commit: a committed record survives a killed process and a power cut.
    /// <see cref="SqliteSynchronousMode.Normal"/> survives a killed process but may lose the last commits on a
    /// power cut or OS crash.
    /// </summary>
    public SqliteSynchronousMode Synchronous { get; set; } = SqliteSynchronousMode.Full;

    /// <summary>How long a statement waits for a lock held by another connection. Default 5 s.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How many records of a tenant may wait for their groups' session, agent and resource key entries: the commit that
    /// reaches this many writes the entries of all of those groups at once (schema version 6: one per distinct value,
    /// covering the span of those groups that hold it). Queries by key scan the
    /// groups above the mark (about this many records, plus one batch) by sequence. Default 1,024; internal so tests can
    /// make it small.
    /// </summary>
    internal int KeyFlushRecords { get; set; } = 1024;

    /// <summary>
    /// Groups whose records take at least this many bytes are stored LZ4-compressed (schema version 5; see
    /// <c>LineageGroupCodec</c>); smaller ones (a lone decision's commit) are stored plain, where compression would
    /// cost more than the few bytes it saves. Default 4,096 (one SQLite page); <see cref="int.MaxValue"/> stores every
    /// group plain. Internal so tests and benchmarks can choose.
    /// </summary>
    internal int CompressGroupsFromBytes { get; set; } = 4096;

    /// <summary>The database file this configuration names.</summary>
    /// <exception cref="ArgumentException">Neither a data folder nor a file path is set.</exception>
    public string ResolveFilePath()
    {
        if (!string.IsNullOrWhiteSpace(FilePath))
        {
            return Path.GetFullPath(FilePath);
        }

        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            throw new ArgumentException("Set the data folder (DataDirectory) or the database file (FilePath).", nameof(DataDirectory));
        }

        return Path.GetFullPath(Path.Combine(DataDirectory, DefaultFileName));
    }
}

/// <summary>SQLite's <c>synchronous</c> setting for the lineage log (always in WAL mode).</summary>
public enum SqliteSynchronousMode
{
    /// <summary>fsync the WAL on every commit: durable across process kills and power loss.</summary>
    Full = 0,

    /// <summary>fsync only at checkpoints: durable across process kills, not power loss.</summary>
    Normal = 1,
}
