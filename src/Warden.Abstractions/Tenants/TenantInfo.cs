namespace Warden.Tenants;

/// <summary>What an operator sees of a tenant.</summary>
/// <param name="TenantId">The tenant id.</param>
/// <param name="DisplayName">A readable name.</param>
/// <param name="Status">Active or frozen.</param>
/// <param name="StatusReason">The reason given with the last status change; null while never changed.</param>
/// <param name="CreatedAt">When the tenant was created.</param>
/// <param name="StatusChangedAt">When the status last changed.</param>
/// <param name="PolicyVersion">The published policy set's version; 0 when none is published (everything is denied).</param>
/// <param name="AgentCount">How many agents are registered (any status).</param>
[GenerateSerializer, Immutable, Alias("warden.TenantInfo")]
public sealed record TenantInfo(
    [property: Id(0)] string TenantId,
    [property: Id(1)] string DisplayName,
    [property: Id(2)] TenantStatus Status,
    [property: Id(3)] string? StatusReason,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] DateTimeOffset StatusChangedAt,
    [property: Id(6)] long PolicyVersion,
    [property: Id(7)] int AgentCount);

/// <summary>A request to create a tenant.</summary>
/// <param name="DisplayName">A readable name (required, at most <see cref="WardenLimits.MaxShortTextLength"/> characters).</param>
/// <param name="Actor">Who creates it (the cluster administrator).</param>
[GenerateSerializer, Immutable, Alias("warden.CreateTenant")]
public sealed record CreateTenant([property: Id(0)] string DisplayName, [property: Id(1)] Caller Actor);
