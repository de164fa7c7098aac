using Warden.Sessions;

namespace Warden.Grains.Revocation;

/// <summary>A revoked tenant or agent as the silo-local revocation table holds it.</summary>
/// <param name="Scope">Tenant or agent.</param>
/// <param name="TenantId">The tenant.</param>
/// <param name="SubjectId">The agent id for an agent, the tenant id for a tenant.</param>
/// <param name="Reason">The operator's reason.</param>
/// <param name="Actor">Who revoked it (null when not recorded, e.g. a clearing).</param>
/// <param name="EffectiveAt">When the agent's or tenant's status changed (null when not recorded).</param>
[GenerateSerializer, Immutable, Alias("warden.internal.RevokedScope")]
public sealed record RevokedScope(
    [property: Id(0)] RevocationScope Scope,
    [property: Id(1)] string TenantId,
    [property: Id(2)] string SubjectId,
    [property: Id(3)] string Reason,
    [property: Id(4)] string? Actor = null,
    [property: Id(5)] DateTimeOffset? EffectiveAt = null)
{
    /// <summary>An agent's sessions (and any new ones) are revoked.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="agentId">The agent.</param>
    /// <param name="reason">The operator's reason.</param>
    /// <param name="actor">Who suspended or retired it.</param>
    /// <param name="effectiveAt">When its status changed.</param>
    public static RevokedScope Agent(string tenantId, string agentId, string reason, string? actor = null, DateTimeOffset? effectiveAt = null) =>
        new(RevocationScope.Agent, tenantId, agentId, reason, actor, effectiveAt);

    /// <summary>A whole tenant is frozen.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="reason">The operator's reason.</param>
    /// <param name="actor">Who froze it.</param>
    /// <param name="effectiveAt">When its status changed.</param>
    public static RevokedScope Tenant(string tenantId, string reason, string? actor = null, DateTimeOffset? effectiveAt = null) =>
        new(RevocationScope.Tenant, tenantId, tenantId, reason, actor, effectiveAt);

    /// <summary>The table key: scope, tenant, subject (allocation-free to build at lookup).</summary>
    internal (RevocationScope Scope, string TenantId, string SubjectId) Key => (Scope, TenantId, SubjectId);

    /// <summary>The end reason the session's durable end will record (the same text as <c>SessionGrain.Describe</c>).</summary>
    internal string EndReason => Scope == RevocationScope.Tenant ? $"tenant frozen: {Reason}" : $"agent suspended: {Reason}";

    /// <summary>The deny reason a decision in this scope gets (the same codes a durably revoked session answers with).</summary>
    internal DecisionReason ToDenyReason() => Scope == RevocationScope.Tenant
        ? new DecisionReason(ReasonCodes.TenantFrozen, $"the tenant was frozen: {Reason}")
        : new DecisionReason(ReasonCodes.AgentSuspended, $"the agent was suspended: {Reason}");
}
