using Warden.Sessions;

namespace Warden.Grains.Sessions;

/// <summary>The session grain's face to its agent grain (not to the edge).</summary>
public interface ISessionControl : IGrainWithStringKey
{
    /// <summary>Starts a session the agent has already recorded in its live registry.</summary>
    /// <param name="start">Who opens it and what it asks for.</param>
    Task<Outcome<SessionOpened>> StartAsync(SessionStart start);

    /// <summary>Revokes the session (agent suspension, tenant freeze) and returns once the revocation is persisted.</summary>
    /// <param name="termination">Scope, reason, operator.</param>
    /// <returns>True when the session was open and is now revoked.</returns>
    Task<bool> TerminateAsync(Termination termination);

    /// <summary>Adopts a policy version (or a newer one) and returns once every later decision uses it.</summary>
    /// <param name="version">The version just published.</param>
    Task AdoptPolicyAsync(long version);
}

/// <summary>What an agent grain passes to a session it starts.</summary>
/// <param name="AgentId">The agent.</param>
/// <param name="Agent">The agent's attributes and declared surface at opening.</param>
/// <param name="Request">The agent's request.</param>
/// <param name="OpenedAt">The opening time the agent recorded.</param>
/// <param name="ExpiresAt">The expiry the agent recorded in its registry; the session uses exactly this one.</param>
[GenerateSerializer, Immutable, Alias("warden.internal.SessionStart")]
public sealed record SessionStart(
    [property: Id(0)] string AgentId,
    [property: Id(1)] AgentProfile Agent,
    [property: Id(2)] OpenSession Request,
    [property: Id(3)] DateTimeOffset OpenedAt,
    [property: Id(4)] DateTimeOffset ExpiresAt);

/// <summary>A revocation as it travels down the fan-out.</summary>
/// <param name="Scope">Session, agent or tenant.</param>
/// <param name="Reason">The operator's reason.</param>
/// <param name="Actor">The operator (<see cref="Caller.ToString"/>).</param>
[GenerateSerializer, Immutable, Alias("warden.internal.Termination")]
public sealed record Termination(
    [property: Id(0)] RevocationScope Scope,
    [property: Id(1)] string Reason,
    [property: Id(2)] string Actor);
