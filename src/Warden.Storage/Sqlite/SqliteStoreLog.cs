using Microsoft.Extensions.Logging;
using Warden.Storage.Options;

namespace Warden.Storage.Sqlite;

/// <summary>The embedded store's log events (6100–6199). Never logs state payloads.</summary>
internal static partial class SqliteStoreLog
{
    [LoggerMessage(EventId = 6100, EventName = "EmbeddedStoreOpened", Level = LogLevel.Information,
        Message = "Embedded store opened at {DatabasePath} (WAL, durability {Durability}, integrity check {IntegrityChecked})")]
    public static partial void Opened(ILogger logger, string databasePath, SqliteDurability durability, bool integrityChecked);

    [LoggerMessage(EventId = 6101, EventName = "EmbeddedStoreOpenFailed", Level = LogLevel.Critical,
        Message = "Embedded store at {DatabasePath} could not be opened; the node will not start")]
    public static partial void OpenFailed(ILogger logger, string databasePath, Exception exception);

    [LoggerMessage(EventId = 6102, EventName = "EmbeddedStoreBatchFailed", Level = LogLevel.Error,
        Message = "Embedded store failed a batch of {Count} writes; none of them was acknowledged")]
    public static partial void BatchFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(EventId = 6103, EventName = "EmbeddedStoreWriteFailed", Level = LogLevel.Error,
        Message = "Embedded store failed one write ({Operation}); the rest of its batch is retried")]
    public static partial void WriteFailed(ILogger logger, string operation, Exception exception);

    [LoggerMessage(EventId = 6104, EventName = "EmbeddedStoreClosed", Level = LogLevel.Information,
        Message = "Embedded store at {DatabasePath} closed")]
    public static partial void Closed(ILogger logger, string databasePath);

    [LoggerMessage(EventId = 6105, EventName = "GrainStateConflict", Level = LogLevel.Debug,
        Message = "Grain state {Provider}/{StateName} of {GrainId}: ETag {ExpectedETag} is stale, stored {StoredETag}")]
    public static partial void Conflict(ILogger logger, string provider, string stateName, string grainId, string? expectedETag, string? storedETag);
}
