using System.Collections.Immutable;
using Orleans.Concurrency;
using Warden.Agents;
using Warden.Policies;
using Warden.Sessions;

namespace Warden.Tenants;

/// <summary>
/// One tenant: its status, operator credentials, published policy set and agent registry. Key: the tenant id
/// (<see cref="WardenIds.IsValidName"/>). Every method but <see cref="CreateAsync"/> answers
/// <see cref="CallStatus.NotFound"/> for a tenant never created.
/// </summary>
/// <remarks>
/// Tenants never see each other's data: every agent and session key starts with the tenant id, and grains check
/// that the tenant in a credential or caller is the one in their key.
/// </remarks>
public interface ITenantGrain : IGrainWithStringKey
{
    /// <summary>Creates the tenant (active, no policy: everything is denied until a set is published).</summary>
    /// <param name="request">Name and creator.</param>
    Task<Outcome<TenantInfo>> CreateAsync(CreateTenant request);

    /// <summary>The tenant as an operator sees it.</summary>
    Task<Outcome<TenantInfo>> GetAsync();

    /// <summary>Issues a tenant operator credential. The token is returned once; only its hash is kept.</summary>
    /// <param name="request">Label and issuer.</param>
    Task<Outcome<IssuedCredential>> IssueOperatorCredentialAsync(IssueOperatorCredential request);

    /// <summary>Every operator credential, valid or revoked (no secrets).</summary>
    Task<Outcome<ImmutableArray<OperatorCredentialInfo>>> ListOperatorCredentialsAsync();

    /// <summary>Revokes an operator credential at once.</summary>
    /// <param name="credentialId">The credential id.</param>
    /// <param name="actor">Who revokes it.</param>
    Task<Outcome<OperatorCredentialInfo>> RevokeOperatorCredentialAsync(string credentialId, Caller actor);

    /// <summary>
    /// Checks an operator token (constant-time hash comparison). <see cref="CallStatus.Unauthenticated"/> when the token
    /// is malformed, names another tenant, is unknown, revoked or does not match.
    /// </summary>
    /// <param name="token">The token as presented.</param>
    [AlwaysInterleave]
    Task<Outcome<OperatorPrincipal>> VerifyOperatorCredentialAsync(string token);

    /// <summary>
    /// Parses and strictly validates a policy set against Warden's base schema plus the tenant schema, without
    /// publishing it. <see cref="CallStatus.InvalidArgument"/> lists every problem (fields <c>policies</c>,
    /// <c>schema</c>, <c>entities</c>).
    /// </summary>
    /// <param name="request">The set to check.</param>
    Task<Outcome<PolicySetInfo>> ValidatePolicyAsync(PublishPolicy request);

    /// <summary>
    /// Validates and publishes a policy set as the next version. A set that fails is refused with its errors
    /// (<see cref="CallStatus.InvalidArgument"/>) and the previous one stays in force. Returns only when every live
    /// session of the tenant has adopted the new version: from then on every decision uses it.
    /// </summary>
    /// <param name="request">The set, its author, and optionally the version it replaces.</param>
    Task<Outcome<PolicySetInfo>> PublishPolicyAsync(PublishPolicy request);

    /// <summary>The policy set in force, with its text; <see cref="CallStatus.NotFound"/> when none is published.</summary>
    Task<Outcome<PolicyDocument>> GetPolicyAsync();

    /// <summary>
    /// Kill switch for the tenant: persists <see cref="TenantStatus.Frozen"/> first (so no session opens and
    /// reactivating sessions see it), then revokes every live session of every agent and returns only when each has
    /// persisted its revocation. Freezing a frozen tenant repeats the fan-out.
    /// </summary>
    /// <param name="change">Reason and operator.</param>
    Task<Outcome<RevocationReceipt>> FreezeAsync(StatusChange change);

    /// <summary>Lets agents of a frozen tenant open sessions again. Revoked sessions stay revoked.</summary>
    /// <param name="change">Reason and operator.</param>
    Task<Outcome<TenantInfo>> ReactivateAsync(StatusChange change);

    /// <summary>
    /// Registers an agent in this tenant and returns its credential once. <see cref="CallStatus.AlreadyExists"/> when
    /// the id was ever registered; <see cref="CallStatus.FailedPrecondition"/> when the tenant is frozen.
    /// </summary>
    /// <param name="request">The agent's identity and declared action surface.</param>
    Task<Outcome<AgentRegistered>> RegisterAgentAsync(RegisterAgent request);

    /// <summary>Every agent of the tenant, any status.</summary>
    Task<Outcome<ImmutableArray<AgentInfo>>> ListAgentsAsync();

    /// <summary>Every session of the tenant not yet known to have ended.</summary>
    Task<Outcome<ImmutableArray<SessionSummary>>> ListSessionsAsync();

    /// <summary>Approvals of the tenant still waiting for an operator.</summary>
    Task<Outcome<ImmutableArray<ApprovalInfo>>> ListPendingApprovalsAsync();
}
