using Microsoft.Extensions.Logging;

namespace Warden.Lineage.Chain;

// Tenant ids are identifiers, not secrets; records and contexts are never logged.
internal static partial class LineageWriterLog
{
    [LoggerMessage(EventId = 4001, EventName = "LineageBatchFailed", Level = LogLevel.Error,
        Message = "Lineage batch of {Count} records was not committed; its appenders are failed and the affected chains reload from the log")]
    public static partial void BatchFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(EventId = 4002, EventName = "LineageAsyncRecordsLost", Level = LogLevel.Error,
        Message = "Asynchronous lineage: {Count} records accepted earlier were not committed and are lost")]
    public static partial void AsyncRecordsLost(ILogger logger, int count);

    [LoggerMessage(EventId = 4003, EventName = "LineageChainLoadFailed", Level = LogLevel.Error,
        Message = "Lineage chain of tenant {TenantId} could not be opened; appends to it fail until it can")]
    public static partial void ChainLoadFailed(ILogger logger, string tenantId, Exception exception);

    [LoggerMessage(EventId = 4004, EventName = "LineageObserverFailed", Level = LogLevel.Warning,
        Message = "A lineage commit observer failed after a commit; the records are durable, live subscribers may back-fill")]
    public static partial void ObserverFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4005, EventName = "LineageRecordRefused", Level = LogLevel.Warning,
        Message = "Lineage record for tenant {TenantId} refused: {Reason}")]
    public static partial void RecordRefused(ILogger logger, string tenantId, string reason);
}
