namespace Warden.Events;

/// <summary>
/// Where Warden publishes events. Stream provider <see cref="ProviderName"/>; per tenant stream
/// (<see cref="TenantNamespace"/>, key = tenant id) carrying every <see cref="WardenEvent"/> of the tenant including
/// session events; per session stream (<see cref="SessionNamespace"/>, key = <c>{tenant}/{sessionId}</c>) carrying
/// that session's <see cref="SessionEvent"/>s. Delivery is best effort: observers only.
/// </summary>
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
