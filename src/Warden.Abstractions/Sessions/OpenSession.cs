using System.Collections.Immutable;
using Warden.Scopes;

namespace Warden.Sessions;

/// <summary>A request to open a session.</summary>
/// <param name="Intent">The declared task.</param>
/// <param name="RequestedScope">What the task needs (at most <see cref="WardenLimits.MaxScopeEntries"/> entries; may be empty and filled later with grant requests).</param>
/// <param name="Ttl">How long the session may live; null for the configured default. Capped by configuration; must be positive.</param>
[GenerateSerializer, Immutable, Alias("warden.OpenSession")]
public sealed record OpenSession(
    [property: Id(0)] Intent Intent,
    [property: Id(1)] ImmutableArray<ScopeRequest> RequestedScope,
    [property: Id(2)] TimeSpan? Ttl);

/// <summary>A newly opened session.</summary>
/// <param name="SessionId">The session id; the agent presents it on every later call.</param>
/// <param name="OpenedAt">When the session opened.</param>
/// <param name="ExpiresAt">When the session and every grant in it end at the latest.</param>
/// <param name="Grants">The grants issued: requested ∩ declared action surface ∩ what policy lets the agent hold.</param>
/// <param name="Refused">Requested entries not issued, with the reason for each.</param>
/// <param name="PendingApprovals">Requested entries that policy lets the agent hold only with an operator's approval.</param>
/// <param name="PolicyVersion">The tenant policy version the session started with.</param>
[GenerateSerializer, Immutable, Alias("warden.SessionOpened")]
public sealed record SessionOpened(
    [property: Id(0)] string SessionId,
    [property: Id(1)] DateTimeOffset OpenedAt,
    [property: Id(2)] DateTimeOffset ExpiresAt,
    [property: Id(3)] ImmutableArray<Grant> Grants,
    [property: Id(4)] ImmutableArray<ScopeRefusal> Refused,
    [property: Id(5)] ImmutableArray<ApprovalInfo> PendingApprovals,
    [property: Id(6)] long PolicyVersion);
