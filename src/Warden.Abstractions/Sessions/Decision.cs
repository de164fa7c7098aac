using System.Collections.Immutable;

namespace Warden.Sessions;

/// <summary>The answer to one evaluation. A deny is a decision, never an error.</summary>
/// <param name="DecisionId">Unique in the tenant: <c>{sessionId}.{sequence}</c>.</param>
/// <param name="Effect">Allow, deny or approval required.</param>
/// <param name="Reasons">Why, most important first; at least one for every deny.</param>
/// <param name="DeterminingPolicies">The Cedar policy ids that decided (the satisfied permits for an allow, the satisfied forbids for a deny by forbid).</param>
/// <param name="GrantId">The grant that covered the action; null when none did.</param>
/// <param name="ApprovalId">For approval required: the pending approval to wait for. For an allow on an approval: the approval consumed.</param>
/// <param name="PolicyVersion">The tenant policy version evaluated (0 when the policy gate was not reached).</param>
/// <param name="DecidedAt">The decision time (the injected clock).</param>
/// <param name="Sequence">The session's event sequence number of this decision.</param>
/// <param name="Diagnostics">Policies that failed to evaluate (skipped, as Cedar does) and other notes; empty normally.</param>
/// <param name="RequestId">The request's correlation id, echoed.</param>
[GenerateSerializer, Immutable, Alias("warden.Decision")]
public sealed record Decision(
    [property: Id(0)] string DecisionId,
    [property: Id(1)] DecisionEffect Effect,
    [property: Id(2)] ImmutableArray<DecisionReason> Reasons,
    [property: Id(3)] ImmutableArray<string> DeterminingPolicies,
    [property: Id(4)] string? GrantId,
    [property: Id(5)] string? ApprovalId,
    [property: Id(6)] long PolicyVersion,
    [property: Id(7)] DateTimeOffset DecidedAt,
    [property: Id(8)] long Sequence,
    [property: Id(9)] ImmutableArray<string> Diagnostics,
    [property: Id(10)] string? RequestId)
{
    /// <summary>True only for <see cref="DecisionEffect.Allow"/>.</summary>
    public bool IsAllowed => Effect == DecisionEffect.Allow;
}

/// <summary>The effect of a decision.</summary>
public enum DecisionEffect
{
    /// <summary>The action must not happen. The default: anything unknown is a deny.</summary>
    Deny = 0,

    /// <summary>The action may happen now, once.</summary>
    Allow = 1,

    /// <summary>Policy allows it only with an operator's approval; a pending approval was created (see <see cref="Decision.ApprovalId"/>).</summary>
    ApprovalRequired = 2,
}

/// <summary>One reason for a decision.</summary>
/// <param name="Code">A stable code from <see cref="ReasonCodes"/>.</param>
/// <param name="Message">A readable explanation (a forbid policy's <c>@reason</c> annotation when it has one).</param>
[GenerateSerializer, Immutable, Alias("warden.DecisionReason")]
public sealed record DecisionReason([property: Id(0)] string Code, [property: Id(1)] string Message);
