namespace Warden;

/// <summary>Who is calling, as the edge authenticated them. Grains check it; they never authenticate.</summary>
/// <param name="Kind">Agent or operator.</param>
/// <param name="Id">
/// For an agent, its agent id. For an operator, a stable name for audit: an operator credential id, or the cluster
/// administrator's name.
/// </param>
/// <param name="TenantId">
/// The tenant the caller's credential belongs to; null only for the cluster administrator. Grains refuse a caller
/// whose tenant differs from the tenant in their key (<see cref="CallStatus.PermissionDenied"/>), a second line of
/// defence behind the edge building keys from the authenticated tenant. Always set it for agents and tenant operators.
/// </param>
[GenerateSerializer, Immutable, Alias("warden.Caller")]
public sealed record Caller([property: Id(0)] CallerKind Kind, [property: Id(1)] string Id, [property: Id(2)] string? TenantId = null)
{
    /// <summary>An authenticated agent (prefer <see cref="Agent(string, string)"/>, which also pins the tenant).</summary>
    /// <param name="agentId">The agent id.</param>
    public static Caller Agent(string agentId) => new(CallerKind.Agent, agentId);

    /// <summary>An authenticated agent of a tenant.</summary>
    /// <param name="tenantId">The tenant of its credential.</param>
    /// <param name="agentId">The agent id.</param>
    public static Caller Agent(string tenantId, string agentId) => new(CallerKind.Agent, agentId, tenantId);

    /// <summary>The cluster administrator (or an operator whose tenant is pinned elsewhere).</summary>
    /// <param name="operatorId">A stable name for audit records.</param>
    public static Caller Operator(string operatorId) => new(CallerKind.Operator, operatorId);

    /// <summary>An authenticated operator of one tenant.</summary>
    /// <param name="tenantId">The tenant of its credential.</param>
    /// <param name="operatorId">Its operator credential id.</param>
    public static Caller Operator(string tenantId, string operatorId) => new(CallerKind.Operator, operatorId, tenantId);

    /// <summary>True when the caller may act in <paramref name="tenantId"/>: its tenant is that one, or it has none (cluster administrator, Warden).</summary>
    /// <param name="tenantId">The tenant in the addressed grain's key.</param>
    public bool IsIn(string tenantId) => TenantId is null || string.Equals(TenantId, tenantId, StringComparison.Ordinal);

    /// <summary>Warden itself (timers, reminders, fan-out).</summary>
    public static Caller System { get; } = new(CallerKind.System, "warden");

    /// <inheritdoc />
    public override string ToString() => TenantId is null
        ? $"{Kind.ToString().ToLowerInvariant()}:{Id}"
        : $"{Kind.ToString().ToLowerInvariant()}:{TenantId}/{Id}";
}

/// <summary>The kinds of caller.</summary>
public enum CallerKind
{
    /// <summary>An agent authenticated by its agent credential.</summary>
    Agent = 0,

    /// <summary>An operator authenticated by a tenant operator credential or the cluster administrator credential.</summary>
    Operator = 1,

    /// <summary>Warden itself.</summary>
    System = 2,
}
