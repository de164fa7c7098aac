namespace Warden.Storage.Options;

/// <summary>Where a Warden silo keeps its grain state and reminders.</summary>
public enum WardenStorageMode
{
    /// <summary>Embedded SQLite in a local data directory: durable, single node, nothing to install. The default.</summary>
    Embedded = 0,

    /// <summary>Azure Storage tables/blobs (Azurite locally): durable, clustered, with table-based membership.</summary>
    Azure = 1,

    /// <summary>In memory, lost on restart: for unit tests only, refused outside Development unless explicitly allowed.</summary>
    Memory = 2,
}
