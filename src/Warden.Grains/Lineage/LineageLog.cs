using Microsoft.Extensions.Logging;

namespace Warden.Grains.Lineage;

/// <summary>Lineage log messages of the grains (event ids 4201–4209). Never with record contents or tool arguments.</summary>
internal static partial class LineageLog
{
    [LoggerMessage(EventId = 4201, EventName = "LineageAppendFailed", Level = LogLevel.Error, Message = "Lineage append of {What} records for tenant {TenantId} failed (decisions in it are answered deny)")]
    public static partial void LineageAppendFailed(ILogger logger, Exception exception, string tenantId, string what);

    [LoggerMessage(EventId = 4202, EventName = "LineagePublishFailed", Level = LogLevel.Warning, Message = "Live publication of lineage record {Sequence} of tenant {TenantId} failed (feeds back-fill from the log)")]
    public static partial void LineagePublishFailed(ILogger logger, Exception exception, string tenantId, long sequence);
}
