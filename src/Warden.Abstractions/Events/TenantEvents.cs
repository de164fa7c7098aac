using Warden.Agents;
using Warden.Policies;
using Warden.Tenants;

namespace Warden.Events;

/// <summary>An event of the tenant itself (not of one session).</summary>
[GenerateSerializer, Alias("warden.TenantEvent")]
public abstract record TenantEvent : WardenEvent;

/// <summary>The tenant was created.</summary>
[GenerateSerializer, Immutable, Alias("warden.TenantCreatedEvent")]
public sealed record TenantCreatedEvent : TenantEvent
{
    /// <summary>Its display name.</summary>
    [Id(0)]
    public required string DisplayName { get; init; }
}

/// <summary>The tenant was frozen or reactivated.</summary>
[GenerateSerializer, Immutable, Alias("warden.TenantStatusChangedEvent")]
public sealed record TenantStatusChangedEvent : TenantEvent
{
    /// <summary>The new status.</summary>
    [Id(0)]
    public required TenantStatus Status { get; init; }

    /// <summary>The operator's reason.</summary>
    [Id(1)]
    public required string Reason { get; init; }
}

/// <summary>A policy set was published.</summary>
[GenerateSerializer, Immutable, Alias("warden.PolicyPublishedEvent")]
public sealed record PolicyPublishedEvent : TenantEvent
{
    /// <summary>The new set.</summary>
    [Id(0)]
    public required PolicySetInfo Policy { get; init; }
}

/// <summary>An operator credential was issued or revoked.</summary>
[GenerateSerializer, Immutable, Alias("warden.OperatorCredentialChangedEvent")]
public sealed record OperatorCredentialChangedEvent : TenantEvent
{
    /// <summary>The credential (never its secret).</summary>
    [Id(0)]
    public required OperatorCredentialInfo Credential { get; init; }
}

/// <summary>An agent was registered.</summary>
[GenerateSerializer, Immutable, Alias("warden.AgentRegisteredEvent")]
public sealed record AgentRegisteredEvent : TenantEvent
{
    /// <summary>The agent.</summary>
    [Id(0)]
    public required AgentInfo Agent { get; init; }
}

/// <summary>An agent was suspended, reactivated or retired, or its credential rotated.</summary>
[GenerateSerializer, Immutable, Alias("warden.AgentChangedEvent")]
public sealed record AgentChangedEvent : TenantEvent
{
    /// <summary>The agent id.</summary>
    [Id(0)]
    public required string AgentId { get; init; }

    /// <summary>Its status now.</summary>
    [Id(1)]
    public required AgentStatus Status { get; init; }

    /// <summary>What changed and why.</summary>
    [Id(2)]
    public required string Reason { get; init; }

    /// <summary>True when the change is a credential rotation (the status stays as it was).</summary>
    [Id(3)]
    public bool CredentialRotated { get; init; }
}

/// <summary>
/// A revocation (session, agent or tenant scope) completed: every live session in scope acknowledged it. Carries who,
/// which scope, why, and when it took effect.
/// </summary>
[GenerateSerializer, Immutable, Alias("warden.RevocationCompletedEvent")]
public sealed record RevocationCompletedEvent : TenantEvent
{
    /// <summary>The receipt returned to the operator.</summary>
    [Id(0)]
    public required RevocationReceipt Receipt { get; init; }
}
