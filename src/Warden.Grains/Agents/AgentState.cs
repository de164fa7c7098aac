using System.Collections.Immutable;
using Warden.Agents;
using Warden.Scopes;

namespace Warden.Grains.Agents;

/// <summary>The persisted state of an agent grain.</summary>
[GenerateSerializer, Immutable, Alias("warden.state.AgentState")]
public sealed record AgentState
{
    /// <summary>None until registered.</summary>
    [Id(0)]
    public AgentStatus Status { get; init; }

    /// <summary>The accountable human.</summary>
    [Id(1)]
    public string Owner { get; init; } = string.Empty;

    /// <summary>Readable name.</summary>
    [Id(2)]
    public string DisplayName { get; init; } = string.Empty;

    /// <summary>The declared action surface.</summary>
    [Id(3)]
    public ImmutableArray<ScopeEntry> ActionSurface { get; init; } = [];

    /// <summary>Risk tier for Cedar.</summary>
    [Id(4)]
    public string RiskTier { get; init; } = string.Empty;

    /// <summary>Labels for Cedar.</summary>
    [Id(5)]
    public ImmutableArray<string> Labels { get; init; } = [];

    /// <summary>Agent groups for Cedar.</summary>
    [Id(6)]
    public ImmutableArray<string> Groups { get; init; } = [];

    /// <summary>Reason of the last status change.</summary>
    [Id(7)]
    public string? StatusReason { get; init; }

    /// <summary>Registration time.</summary>
    [Id(8)]
    public DateTimeOffset RegisteredAt { get; init; }

    /// <summary>Time of the last status change.</summary>
    [Id(9)]
    public DateTimeOffset StatusChangedAt { get; init; }

    /// <summary>SHA-256 of the credential secret; never the secret.</summary>
    [Id(10)]
    public byte[] CredentialHash { get; init; } = [];

    /// <summary>When the current credential was issued.</summary>
    [Id(11)]
    public DateTimeOffset CredentialIssuedAt { get; init; }

    /// <summary>
    /// The former single live-session list, read only to move it into the registry's buckets on activation (the
    /// registry now lives in <see cref="LiveSessionRegistry"/>); empty once moved.
    /// </summary>
    [Id(12)]
    public ImmutableArray<LiveSession> LiveSessions { get; init; } = [];

    /// <summary>
    /// The buckets of <see cref="LiveSessionRegistry"/> that may hold sessions, one bit each. INVARIANT: a bit is
    /// persisted before its bucket's first session, so an activation that reads the set buckets finds every session.
    /// </summary>
    [Id(13)]
    public ulong RegistryBuckets { get; init; }
}

/// <summary>An entry of an agent's live-session registry.</summary>
/// <param name="SessionId">The session id.</param>
/// <param name="Task">Its task text (for lists).</param>
/// <param name="OpenedAt">When it opened.</param>
/// <param name="ExpiresAt">When it expires.</param>
[GenerateSerializer, Immutable, Alias("warden.state.LiveSession")]
public sealed record LiveSession(
    [property: Id(0)] string SessionId,
    [property: Id(1)] string Task,
    [property: Id(2)] DateTimeOffset OpenedAt,
    [property: Id(3)] DateTimeOffset ExpiresAt);
