using Microsoft.Extensions.Logging;

namespace Warden.Grains.Events;

/// <summary>Log messages of the event publishers (ids 3050–3059).</summary>
internal static partial class EventsLog
{
    [LoggerMessage(EventId = 3050, EventName = "TenantEventsDropped", Level = LogLevel.Warning, Message = "Tenant stream of {TenantId}: {Count} events dropped, the publish queue is full ({Total} dropped so far; observers only, decisions and lineage are unaffected)")]
    public static partial void TenantEventsDropped(ILogger logger, string tenantId, int count, long total);
}
