using System.Collections.Immutable;
using Warden.Scopes;
using Warden.Sessions;

namespace Warden.Events;

/// <summary>
/// An event of one session. Sequence numbers start at 1 and increase by one per event of the session, so a
/// session's history is the fold of its events in sequence order (the grain's <c>SessionHistory.Apply</c>).
/// </summary>
[GenerateSerializer, Alias("warden.SessionEvent")]
public abstract record SessionEvent : WardenEvent
{
    /// <summary>The session.</summary>
    [Id(0)]
    public required string SessionId { get; init; }

    /// <summary>The session's agent.</summary>
    [Id(1)]
    public required string AgentId { get; init; }

    /// <summary>The event's position in the session (1, 2, …).</summary>
    [Id(2)]
    public required long Sequence { get; init; }
}

/// <summary>A session opened.</summary>
[GenerateSerializer, Immutable, Alias("warden.SessionOpenedEvent")]
public sealed record SessionOpenedEvent : SessionEvent
{
    /// <summary>The declared task.</summary>
    [Id(0)]
    public required Intent Intent { get; init; }

    /// <summary>What the agent asked for.</summary>
    [Id(1)]
    public required ImmutableArray<ScopeRequest> RequestedScope { get; init; }

    /// <summary>When the session expires.</summary>
    [Id(2)]
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>The policy version at opening.</summary>
    [Id(3)]
    public required long PolicyVersion { get; init; }
}

/// <summary>A grant was issued (at open, on request, or on approval).</summary>
[GenerateSerializer, Immutable, Alias("warden.GrantIssuedEvent")]
public sealed record GrantIssuedEvent : SessionEvent
{
    /// <summary>The grant.</summary>
    [Id(0)]
    public required Grant Grant { get; init; }
}

/// <summary>A decision was made.</summary>
/// <remarks>
/// Orleans encodes it with <see cref="DecisionEventCodec"/> (one per decision on the tenant stream), which writes what
/// the generated codec writes: a field added here (or to <see cref="Decision"/>) goes into that codec too, or
/// <c>EventCodecTests</c>, which compare its bytes with the generated codec's, fail.
/// </remarks>
[GenerateSerializer, Immutable, Alias("warden.DecisionEvent")]
public sealed record DecisionEvent : SessionEvent
{
    /// <summary>The action.</summary>
    [Id(0)]
    public required string Action { get; init; }

    /// <summary>The resource type.</summary>
    [Id(1)]
    public required string ResourceType { get; init; }

    /// <summary>The resource id.</summary>
    [Id(2)]
    public required string ResourceId { get; init; }

    /// <summary>The resource's data labels (reported and published, merged).</summary>
    [Id(3)]
    public required ImmutableArray<string> Labels { get; init; }

    /// <summary>Lowercase hex SHA-256 of the tool-argument JSON as received (empty string when there were none). Arguments themselves are never in events.</summary>
    [Id(4)]
    public required string InputDigest { get; init; }

    /// <summary>The decision.</summary>
    [Id(5)]
    public required Decision Decision { get; init; }
}

/// <summary>An approval was requested.</summary>
[GenerateSerializer, Immutable, Alias("warden.ApprovalRequestedEvent")]
public sealed record ApprovalRequestedEvent : SessionEvent
{
    /// <summary>The approval, pending.</summary>
    [Id(0)]
    public required ApprovalInfo Approval { get; init; }
}

/// <summary>An approval was decided, expired or consumed.</summary>
[GenerateSerializer, Immutable, Alias("warden.ApprovalDecidedEvent")]
public sealed record ApprovalDecidedEvent : SessionEvent
{
    /// <summary>The approval in its new status.</summary>
    [Id(0)]
    public required ApprovalInfo Approval { get; init; }
}

/// <summary>The session ended: closed, expired or revoked. Every grant ended with it.</summary>
[GenerateSerializer, Immutable, Alias("warden.SessionEndedEvent")]
public sealed record SessionEndedEvent : SessionEvent
{
    /// <summary>How it ended.</summary>
    [Id(0)]
    public required SessionStatus Status { get; init; }

    /// <summary>Why.</summary>
    [Id(1)]
    public required string Reason { get; init; }

    /// <summary>For a revocation, its scope: the session itself, its agent's suspension or its tenant's freeze; otherwise null.</summary>
    [Id(2)]
    public RevocationScope? RevocationScope { get; init; }
}

/// <summary>The session adopted a newly published policy version.</summary>
[GenerateSerializer, Immutable, Alias("warden.PolicyAdoptedEvent")]
public sealed record PolicyAdoptedEvent : SessionEvent
{
    /// <summary>The version now in force for the session.</summary>
    [Id(0)]
    public required long PolicyVersion { get; init; }
}
