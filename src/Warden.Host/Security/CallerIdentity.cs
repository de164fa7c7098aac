namespace Warden.Host.Security;

/// <summary>Who made a call, as the call interceptor established it.</summary>
public abstract record CallerIdentity;

/// <summary>An agent, authenticated by its credential.</summary>
/// <param name="TenantId">The agent's tenant.</param>
/// <param name="AgentId">The agent.</param>
public sealed record AgentIdentity(string TenantId, string AgentId) : CallerIdentity
{
    /// <summary>The caller as the grains know it.</summary>
    public Warden.Caller ForGrains { get; } = Warden.Caller.Agent(TenantId, AgentId);
}

/// <summary>An operator. <paramref name="TenantId"/> is null for the root operator, who may act on every tenant.</summary>
/// <param name="TenantId">The tenant of a tenant operator credential; null for the root operator.</param>
/// <param name="OperatorId">A stable name for audit: <c>root</c> or the credential id.</param>
public sealed record OperatorIdentity(string? TenantId, string OperatorId) : CallerIdentity
{
    /// <summary>The caller as the grains know it.</summary>
    public Warden.Caller ForGrains { get; } = TenantId is null ? Warden.Caller.Operator(OperatorId) : Warden.Caller.Operator(TenantId, OperatorId);

    /// <summary>True for the root operator key.</summary>
    public bool IsRoot => TenantId is null;

    /// <summary>True when the operator may act on <paramref name="tenantId"/>.</summary>
    public bool MayActOn(string tenantId) => TenantId is null || string.Equals(TenantId, tenantId, StringComparison.Ordinal);
}

/// <summary>A call that needs no credential (health).</summary>
public sealed record AnonymousIdentity : CallerIdentity
{
    /// <summary>The one instance.</summary>
    public static AnonymousIdentity Instance { get; } = new();
}
