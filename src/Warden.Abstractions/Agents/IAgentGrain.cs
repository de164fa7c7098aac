using System.Collections.Immutable;
using Orleans.Concurrency;
using Warden.Sessions;

namespace Warden.Agents;

/// <summary>
/// One registered agent. Key: <c>{tenant}/{agent}</c> (<see cref="WardenIds.AgentKey"/>). Agents are registered
/// through <see cref="Tenants.ITenantGrain.RegisterAgentAsync"/>; every method here answers
/// <see cref="CallStatus.NotFound"/> for an agent that was never registered.
/// </summary>
/// <remarks>
/// The edge authenticates an agent with <see cref="VerifyCredentialAsync"/> and then calls
/// <see cref="OpenSessionAsync"/> on that same agent's grain, so an agent can only open sessions as itself.
/// </remarks>
public interface IAgentGrain : IGrainWithStringKey
{
    /// <summary>The agent as an operator sees it.</summary>
    Task<Outcome<AgentInfo>> GetAsync();

    /// <summary>
    /// Checks an agent credential token against the stored hash (constant time). Answers
    /// <see cref="CallStatus.Unauthenticated"/> when the token is malformed, names another agent or tenant, does not
    /// match, or the agent is retired or unknown. A suspended agent authenticates (and is then refused sessions with
    /// <see cref="CallStatus.FailedPrecondition"/>), so it learns why it is stopped.
    /// </summary>
    /// <param name="token">The token as presented.</param>
    [AlwaysInterleave]
    Task<Outcome<AgentInfo>> VerifyCredentialAsync(string token);

    /// <summary>
    /// Replaces the agent's credential: once this returns, the old token is refused on every silo. The new token is
    /// returned once; the rotation is a lineage record with the operator and the reason. The agent's status and live
    /// sessions are unchanged (suspend it to stop what it is doing).
    /// </summary>
    /// <param name="change">Why, and the operator asking.</param>
    Task<Outcome<IssuedCredential>> RotateCredentialAsync(StatusChange change);

    /// <summary>
    /// Opens a task-scoped session for this agent: validates the intent and scope, refuses when the agent is not
    /// active or its tenant is frozen (<see cref="CallStatus.FailedPrecondition"/>), and issues grants for
    /// requested ∩ declared action surface ∩ what the tenant's policy lets the agent hold.
    /// </summary>
    /// <param name="request">Intent, requested scope and TTL.</param>
    Task<Outcome<SessionOpened>> OpenSessionAsync(OpenSession request);

    /// <summary>
    /// Kill switch for the agent: persists <see cref="AgentStatus.Suspended"/> first (so no new session opens), then
    /// revokes every live session and returns only when each has persisted its revocation.
    /// </summary>
    /// <param name="change">Reason and operator.</param>
    Task<Outcome<RevocationReceipt>> SuspendAsync(StatusChange change);

    /// <summary>Lets a suspended agent open sessions again. Revoked sessions stay revoked.</summary>
    /// <param name="change">Reason and operator.</param>
    Task<Outcome<AgentInfo>> ReactivateAsync(StatusChange change);

    /// <summary>Retires the agent for good: like <see cref="SuspendAsync"/>, and its credential stops working.</summary>
    /// <param name="change">Reason and operator.</param>
    Task<Outcome<RevocationReceipt>> RetireAsync(StatusChange change);

    /// <summary>The agent's sessions not yet known to have ended.</summary>
    Task<Outcome<ImmutableArray<SessionSummary>>> ListSessionsAsync();
}
