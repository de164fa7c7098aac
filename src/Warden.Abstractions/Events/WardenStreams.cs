namespace Warden.Events;

/// <summary>
/// Where Warden publishes events. Stream provider <see cref="ProviderName"/>; per tenant stream
/// (<see cref="TenantNamespace"/>, key = tenant id) carrying every <see cref="WardenEvent"/> of the tenant including
/// every session event and every <see cref="DecisionEvent"/>; per session stream (<see cref="SessionNamespace"/>,
/// key = <c>{tenant}/{sessionId}</c>) carrying that session's lifecycle events: every <see cref="SessionEvent"/> except
/// <see cref="DecisionEvent"/> (<see cref="SessionOpenedEvent"/>, <see cref="GrantIssuedEvent"/>,
/// <see cref="ApprovalRequestedEvent"/>, <see cref="ApprovalDecidedEvent"/>, <see cref="PolicyAdoptedEvent"/>,
/// <see cref="SessionEndedEvent"/>). Delivery is best effort: observers only.
/// </summary>
/// <remarks>
/// <para>
/// Each stream delivers a session's events in the session's order (<see cref="SessionEvent.Sequence"/> increasing);
/// there is no order between the two streams. A session's decisions are on its tenant stream: filter it by
/// <see cref="SessionEvent.SessionId"/>, or use the lineage session feed (gRPC <c>Watch</c>, SSE), which carries
/// committed decision records with resumable cursors.
/// </para>
/// <para>
/// Until 2026-12 session streams carried decisions too. Every published event is encoded, queued, copied and cached
/// once per stream whether or not anyone subscribes, and decisions are nearly all of a session's events: publishing
/// them once instead of twice took the streams' share of the host's CPU samples at 32 agents from 11 % to 5 %, about
/// 5–10 µs of host CPU per unary decision (<c>docs/benchmarks.md</c>). A silo configured with
/// <c>WardenEventOptions.SessionStreamDecisions</c> (configuration <c>Warden:Events:SessionStreamDecisions=true</c>)
/// publishes them on session streams as well, for in-cluster subscribers that rely on it.
/// </para>
/// </remarks>
public static class WardenStreams
{
    /// <summary>The stream provider name (also the grain storage name Warden uses).</summary>
    public const string ProviderName = "warden";

    /// <summary>The namespace of per-tenant streams.</summary>
    public const string TenantNamespace = "warden.tenant";

    /// <summary>The namespace of per-session streams.</summary>
    public const string SessionNamespace = "warden.session";

    /// <summary>The key of a tenant's stream: use <c>StreamId.Create(TenantNamespace, TenantStreamKey(tenantId))</c>.</summary>
    /// <param name="tenantId">The tenant.</param>
    public static string TenantStreamKey(string tenantId) => tenantId;

    /// <summary>The key of a session's stream: use <c>StreamId.Create(SessionNamespace, SessionStreamKey(tenantId, sessionId))</c>.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="sessionId">The session.</param>
    public static string SessionStreamKey(string tenantId, string sessionId) => WardenIds.SessionKey(tenantId, sessionId);
}
