namespace Warden.Storage.Options;

/// <summary>
/// How hard the embedded SQLite store pushes a commit towards the disk before it acknowledges a write.
/// Both settings run SQLite in WAL mode and both survive the process being killed (<c>kill -9</c>):
/// a commit has been written to the write-ahead log through the operating system before it is acknowledged.
/// </summary>
public enum SqliteDurability
{
    /// <summary>
    /// <c>PRAGMA synchronous=FULL</c>: every commit is flushed to stable storage (fsync of the WAL) before it is
    /// acknowledged, so an acknowledged write also survives an operating-system crash or a power cut.
    /// The default: Warden's state is evidence and revocations.
    /// </summary>
    Full = 0,

    /// <summary>
    /// <c>PRAGMA synchronous=NORMAL</c>: commits reach the operating system but the WAL is flushed only at
    /// checkpoints. Survives a process crash; an OS crash or power cut may lose the most recent acknowledged
    /// writes (the database stays consistent). Faster; for those who accept that trade.
    /// </summary>
    Normal = 1,
}
