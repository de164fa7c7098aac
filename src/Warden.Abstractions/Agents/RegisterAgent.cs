using System.Collections.Immutable;
using Warden.Scopes;

namespace Warden.Agents;

/// <summary>A request to register an agent in a tenant.</summary>
/// <param name="AgentId">The agent id (see <see cref="WardenIds.IsValidName"/>); unique in the tenant, never reused.</param>
/// <param name="Owner">The accountable human (a user id or e-mail); required.</param>
/// <param name="DisplayName">A readable name; required.</param>
/// <param name="ActionSurface">Everything the agent may ever ask for; at least one entry, at most <see cref="WardenLimits.MaxScopeEntries"/>.</param>
/// <param name="RiskTier">A tenant-defined risk tier reaching Cedar as <c>principal.riskTier</c> (e.g. <c>low</c>, <c>high</c>); empty means <c>standard</c>.</param>
/// <param name="Labels">Labels reaching Cedar as <c>principal.labels</c>.</param>
/// <param name="Groups">Agent groups; in Cedar the agent is <c>in Warden::AgentGroup::"g"</c> for each.</param>
/// <param name="Actor">Who registers it.</param>
[GenerateSerializer, Immutable, Alias("warden.RegisterAgent")]
public sealed record RegisterAgent(
    [property: Id(0)] string AgentId,
    [property: Id(1)] string Owner,
    [property: Id(2)] string DisplayName,
    [property: Id(3)] ImmutableArray<ScopeEntry> ActionSurface,
    [property: Id(4)] string RiskTier,
    [property: Id(5)] ImmutableArray<string> Labels,
    [property: Id(6)] ImmutableArray<string> Groups,
    [property: Id(7)] Caller Actor);

/// <summary>What an operator sees of an agent (never its credential or credential hash).</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="AgentId">The agent id.</param>
/// <param name="Owner">The accountable human.</param>
/// <param name="DisplayName">A readable name.</param>
/// <param name="ActionSurface">The declared action surface.</param>
/// <param name="RiskTier">The risk tier.</param>
/// <param name="Labels">The labels.</param>
/// <param name="Groups">The agent groups.</param>
/// <param name="Status">Active, suspended or retired.</param>
/// <param name="StatusReason">The reason given with the last status change.</param>
/// <param name="RegisteredAt">When it was registered.</param>
/// <param name="StatusChangedAt">When the status last changed.</param>
/// <param name="LiveSessions">How many of its sessions are not yet known to have ended.</param>
[GenerateSerializer, Immutable, Alias("warden.AgentInfo")]
public sealed record AgentInfo(
    [property: Id(0)] string TenantId,
    [property: Id(1)] string AgentId,
    [property: Id(2)] string Owner,
    [property: Id(3)] string DisplayName,
    [property: Id(4)] ImmutableArray<ScopeEntry> ActionSurface,
    [property: Id(5)] string RiskTier,
    [property: Id(6)] ImmutableArray<string> Labels,
    [property: Id(7)] ImmutableArray<string> Groups,
    [property: Id(8)] AgentStatus Status,
    [property: Id(9)] string? StatusReason,
    [property: Id(10)] DateTimeOffset RegisteredAt,
    [property: Id(11)] DateTimeOffset StatusChangedAt,
    [property: Id(12)] int LiveSessions);

/// <summary>A newly registered agent and its credential (the only time the token is visible).</summary>
/// <param name="Agent">The agent.</param>
/// <param name="Credential">The credential; Warden keeps only its hash.</param>
[GenerateSerializer, Immutable, Alias("warden.AgentRegistered")]
public sealed record AgentRegistered([property: Id(0)] AgentInfo Agent, [property: Id(1)] IssuedCredential Credential);
