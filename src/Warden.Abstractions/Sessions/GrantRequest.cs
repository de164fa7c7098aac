using System.Collections.Immutable;
using Warden.Scopes;

namespace Warden.Sessions;

/// <summary>A just-in-time request for more access during a session.</summary>
/// <param name="Scope">What is needed (1 to <see cref="WardenLimits.MaxScopeEntries"/> entries).</param>
/// <param name="Justification">Why, shown to an approving operator (required).</param>
/// <param name="Ttl">How long the grants should live; null for the rest of the session. Never beyond the session's expiry.</param>
[GenerateSerializer, Immutable, Alias("warden.GrantRequest")]
public sealed record GrantRequest(
    [property: Id(0)] ImmutableArray<ScopeRequest> Scope,
    [property: Id(1)] string Justification,
    [property: Id(2)] TimeSpan? Ttl);

/// <summary>What came of a grant request, entry by entry.</summary>
/// <param name="Issued">Grants issued at once.</param>
/// <param name="Pending">Entries that wait for an operator; poll <see cref="ISessionGrain.GetApprovalAsync"/> or watch the session stream.</param>
/// <param name="Refused">Entries refused, with reasons.</param>
[GenerateSerializer, Immutable, Alias("warden.GrantRequestResult")]
public sealed record GrantRequestResult(
    [property: Id(0)] ImmutableArray<Grant> Issued,
    [property: Id(1)] ImmutableArray<ApprovalInfo> Pending,
    [property: Id(2)] ImmutableArray<ScopeRefusal> Refused);
