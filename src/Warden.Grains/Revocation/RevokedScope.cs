using Warden.Sessions;

namespace Warden.Grains.Revocation;

/// <summary>A revoked tenant or agent as the silo-local revocation table holds it.</summary>
/// <param name="Scope">Tenant or agent.</param>
/// <param name="TenantId">The tenant.</param>
/// <param name="SubjectId">The agent id for an agent, the tenant id for a tenant.</param>
/// <param name="Reason">The operator's reason.</param>
[GenerateSerializer, Immutable, Alias("warden.internal.RevokedScope")]
public sealed record RevokedScope(
    [property: Id(0)] RevocationScope Scope,
    [property: Id(1)] string TenantId,
    [property: Id(2)] string SubjectId,
    [property: Id(3)] string Reason)
{
    /// <summary>An agent's sessions (and any new ones) are revoked.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="agentId">The agent.</param>
    /// <param name="reason">The operator's reason.</param>
    public static RevokedScope Agent(string tenantId, string agentId, string reason) => new(RevocationScope.Agent, tenantId, agentId, reason);

    /// <summary>A whole tenant is frozen.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="reason">The operator's reason.</param>
    public static RevokedScope Tenant(string tenantId, string reason) => new(RevocationScope.Tenant, tenantId, tenantId, reason);

    /// <summary>The table key: scope, tenant, subject (allocation-free to build at lookup).</summary>
    internal (RevocationScope Scope, string TenantId, string SubjectId) Key => (Scope, TenantId, SubjectId);

    /// <summary>The deny reason a decision in this scope gets (the same codes a durably revoked session answers with).</summary>
    internal DecisionReason ToDenyReason() => Scope == RevocationScope.Tenant
        ? new DecisionReason(ReasonCodes.TenantFrozen, $"the tenant was frozen: {Reason}")
        : new DecisionReason(ReasonCodes.AgentSuspended, $"the agent was suspended: {Reason}");
}
