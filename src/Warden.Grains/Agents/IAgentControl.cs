using Orleans.Concurrency;
using Warden.Agents;
using Warden.Grains.Sessions;

namespace Warden.Grains.Agents;

/// <summary>The agent grain's face to the tenant and session grains (not to the edge).</summary>
public interface IAgentControl : IGrainWithStringKey
{
    /// <summary>Registers the agent (called by its tenant grain, which has checked the tenant and recorded the id).</summary>
    /// <param name="request">The validated registration.</param>
    Task<Outcome<AgentRegistered>> InitializeAsync(RegisterAgent request);

    /// <summary>The agent's status (interleaves, so a session activating during a fan-out can ask).</summary>
    [AlwaysInterleave]
    Task<AgentStatus> GetStatusAsync();

    /// <summary>
    /// Revokes every live session of the agent durably and returns when each has persisted it (a freeze whose fan-out
    /// lost a silo, and a tenant's reactivation, which must not bring back a session the freeze revoked). Cancels the
    /// deferred ending that <see cref="EndSessionsLaterAsync"/> scheduled.
    /// </summary>
    /// <param name="termination">Scope, reason, operator.</param>
    /// <returns>How many sessions were open and are now revoked.</returns>
    Task<int> RevokeSessionsAsync(Termination termination);

    /// <summary>
    /// A tenant freeze whose table fan-out every silo acknowledged: schedules the durable ending of the agent's live
    /// sessions (after this call returns, retried until done) and returns how many are being ended.
    /// </summary>
    /// <param name="termination">Scope, reason, operator.</param>
    /// <returns>How many live sessions the registry holds.</returns>
    Task<int> EndSessionsLaterAsync(Termination termination);

    /// <summary>Makes every live session adopt a policy version and returns when each has.</summary>
    /// <param name="version">The version just published.</param>
    Task AdoptPolicyAsync(long version);

    /// <summary>A session's note that it ended, so the registry can drop it.</summary>
    /// <param name="sessionId">The session.</param>
    [OneWay]
    Task SessionEndedAsync(string sessionId);
}
