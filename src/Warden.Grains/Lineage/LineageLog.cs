using Microsoft.Extensions.Logging;

namespace Warden.Grains.Lineage;

/// <summary>Lineage log messages of the grains (event ids 4201–4209). Never with record contents or tool arguments.</summary>
internal static partial class LineageLog
{
    [LoggerMessage(EventId = 4201, EventName = "LineageAppendFailed", Level = LogLevel.Error, Message = "Lineage append of {What} records for tenant {TenantId} failed (decisions in it are answered deny)")]
    public static partial void LineageAppendFailed(ILogger logger, Exception exception, string tenantId, string what);

    [LoggerMessage(EventId = 4202, EventName = "LineagePublishFailed", Level = LogLevel.Warning, Message = "Live publication of lineage record {Sequence} of tenant {TenantId} failed (feeds back-fill from the log)")]
    public static partial void LineagePublishFailed(ILogger logger, Exception exception, string tenantId, long sequence);

    [LoggerMessage(EventId = 4203, EventName = "SessionJournalReplayed", Level = LogLevel.Information, Message = "Session {SessionKey} replayed {Count} decisions from lineage that its stored state did not hold yet")]
    public static partial void SessionJournalReplayed(ILogger logger, string sessionKey, int count);

    [LoggerMessage(EventId = 4204, EventName = "SessionJournalReplayFailed", Level = LogLevel.Error, Message = "Session {SessionKey} could not replay its history from lineage; every evaluation is denied until it can")]
    public static partial void SessionJournalReplayFailed(ILogger logger, Exception exception, string sessionKey);

    [LoggerMessage(EventId = 4205, EventName = "SessionStateWriteBehindFailed", Level = LogLevel.Warning, Message = "Session {SessionKey}: deferred state write failed; the activation reloads and replays from lineage")]
    public static partial void SessionStateWriteBehindFailed(ILogger logger, Exception exception, string sessionKey);

    [LoggerMessage(EventId = 4206, EventName = "DecisionsDeniedUnreplayed", Level = LogLevel.Warning, Message = "Session {SessionKey}: {Count} decisions denied because the session history is not replayed from lineage")]
    public static partial void DecisionsDeniedUnreplayed(ILogger logger, string sessionKey, int count);
}
