using System.Collections.Immutable;

namespace Warden.Sessions;

/// <summary>What needs an operator's approval.</summary>
public enum ApprovalKind
{
    /// <summary>Holding a grant (policy on <c>Warden::Action::"hold"</c> is annotated <c>@approval("required")</c>). Approval issues the grant.</summary>
    Grant = 0,

    /// <summary>
    /// One action with exactly these arguments (a permit that applied is annotated <c>@approval("required")</c>).
    /// Approval allows one evaluation of the same action, resource and argument digest.
    /// </summary>
    Action = 1,
}

/// <summary>Where an approval stands.</summary>
public enum ApprovalStatus
{
    /// <summary>Waiting for an operator.</summary>
    Pending = 0,

    /// <summary>An operator approved.</summary>
    Approved = 1,

    /// <summary>An operator denied.</summary>
    Denied = 2,

    /// <summary>Nobody decided before the session ended or the approval expired.</summary>
    Expired = 3,

    /// <summary>An approved action approval was used by an allowed evaluation.</summary>
    Consumed = 4,
}

/// <summary>An approval request and its outcome.</summary>
/// <param name="ApprovalId">Unique in the tenant: <c>{sessionId}-a{n}</c> (the session id is its first 32 characters).</param>
/// <param name="TenantId">The tenant.</param>
/// <param name="SessionId">The session that asked.</param>
/// <param name="AgentId">The agent that asked.</param>
/// <param name="Kind">Grant or action.</param>
/// <param name="Action">The action.</param>
/// <param name="Resource">For a grant, the resource pattern; for an action, the exact resource <c>Type::"id"</c>.</param>
/// <param name="InputDigest">For an action, the lowercase hex SHA-256 of the tool arguments approved; null for a grant.</param>
/// <param name="Justification">The agent's justification (grant requests) or the task (actions).</param>
/// <param name="Policies">The policies that asked for approval.</param>
/// <param name="MaxUses">For a grant, the use limit asked for.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="RequestedAt">When it was requested.</param>
/// <param name="ExpiresAt">When it lapses undecided (at the latest with the session).</param>
/// <param name="DecidedAt">When an operator decided.</param>
/// <param name="DecidedBy">Which operator decided.</param>
/// <param name="DecisionNote">The operator's reason.</param>
/// <param name="GrantId">For an approved grant, the grant issued.</param>
[GenerateSerializer, Immutable, Alias("warden.ApprovalInfo")]
public sealed record ApprovalInfo(
    [property: Id(0)] string ApprovalId,
    [property: Id(1)] string TenantId,
    [property: Id(2)] string SessionId,
    [property: Id(3)] string AgentId,
    [property: Id(4)] ApprovalKind Kind,
    [property: Id(5)] string Action,
    [property: Id(6)] string Resource,
    [property: Id(7)] string? InputDigest,
    [property: Id(8)] string Justification,
    [property: Id(9)] ImmutableArray<string> Policies,
    [property: Id(10)] int? MaxUses,
    [property: Id(11)] ApprovalStatus Status,
    [property: Id(12)] DateTimeOffset RequestedAt,
    [property: Id(13)] DateTimeOffset ExpiresAt,
    [property: Id(14)] DateTimeOffset? DecidedAt,
    [property: Id(15)] string? DecidedBy,
    [property: Id(16)] string? DecisionNote,
    [property: Id(17)] string? GrantId);

/// <summary>An operator's answer to a pending approval.</summary>
/// <param name="ApprovalId">The approval.</param>
/// <param name="Approve">True to approve, false to deny.</param>
/// <param name="Note">Why (required).</param>
[GenerateSerializer, Immutable, Alias("warden.ApprovalDecision")]
public sealed record ApprovalDecision(
    [property: Id(0)] string ApprovalId,
    [property: Id(1)] bool Approve,
    [property: Id(2)] string Note);
