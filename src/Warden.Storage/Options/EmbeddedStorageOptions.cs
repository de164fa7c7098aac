using Orleans.Storage;

namespace Warden.Storage.Options;

/// <summary>
/// Options of the embedded single-node store: grain state and reminders in one SQLite database
/// (<see cref="DatabaseFileName"/>) inside <see cref="DataDirectory"/>.
/// </summary>
public sealed class EmbeddedStorageOptions : IStorageProviderSerializerOptions
{
    /// <summary>The database file name inside <see cref="DataDirectory"/>.</summary>
    public const string DatabaseFileName = "warden.db";

    /// <summary>The lock file that keeps a second node off the same <see cref="DataDirectory"/>.</summary>
    public const string LockFileName = "warden.lock";

    /// <summary>
    /// The folder that holds the database; created if missing. Relative paths resolve against the current
    /// directory. Required: there is no default, so a node never writes its state somewhere nobody chose.
    /// </summary>
    public string DataDirectory { get; set; } = string.Empty;

    /// <summary>What an acknowledged write survives. Default <see cref="SqliteDurability.Full"/>.</summary>
    public SqliteDurability Durability { get; set; } = SqliteDurability.Full;

    /// <summary>
    /// How long a statement waits for a lock held by another connection before it fails with a clear error.
    /// Whole seconds, 1 s to 5 min. Default 5 s.
    /// </summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Run SQLite's <c>PRAGMA quick_check</c> when the database is opened and refuse to start on any finding.
    /// Default <see langword="true"/>; costs one pass over the file at start.
    /// </summary>
    public bool VerifyIntegrityOnOpen { get; set; } = true;

    /// <summary>
    /// The most writes committed together in one transaction (group commit: one flush for the lot).
    /// 1 to 10,000. Default 256.
    /// </summary>
    public int MaxWriteBatchSize { get; set; } = 256;

    /// <summary>
    /// The serializer for grain state. Left <see langword="null"/>, it is Orleans' configured
    /// <see cref="IGrainStorageSerializer"/> from the service provider (in Orleans 10 the
    /// <see cref="JsonGrainStorageSerializer"/>), the same one the Azure providers use.
    /// </summary>
    public IGrainStorageSerializer GrainStorageSerializer { get; set; } = null!;

    /// <summary>The absolute path of the database file.</summary>
    public string DatabasePath => Path.Combine(Path.GetFullPath(DataDirectory), DatabaseFileName);
}
