using System.Collections.Immutable;
using Warden.Grains.Sessions;
using Warden.Scopes;
using Warden.Sessions;

namespace Warden.Grains.Policy;

/// <summary>The session as the policy gate sees it: who, which task, what happened so far.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="SessionId">The session.</param>
/// <param name="AgentId">The agent (the Cedar principal <c>Warden::Agent::"id"</c>).</param>
/// <param name="Agent">The agent's attributes.</param>
/// <param name="Intent">The declared task.</param>
/// <param name="OpenedAt">When the session opened (for its age).</param>
/// <param name="History">The fold of its decisions so far (before the one being made).</param>
/// <param name="Inputs">The session's cache of Cedar inputs; null builds them afresh.</param>
internal sealed record SessionSubject(
    string TenantId,
    string SessionId,
    string AgentId,
    AgentProfile Agent,
    Intent Intent,
    DateTimeOffset OpenedAt,
    SessionHistory History,
    SessionPolicyInputs? Inputs = null);

/// <summary>Gate 2's question: may this agent take this action now?</summary>
/// <param name="Session">The session.</param>
/// <param name="Request">The action, resource and tool arguments.</param>
/// <param name="Grant">The grant gate 1 found.</param>
/// <param name="UsesLeft">The grant's uses left before this action; null when unlimited.</param>
/// <param name="Now">The decision time.</param>
internal sealed record ActionQuery(SessionSubject Session, EvaluationRequest Request, Grant Grant, int? UsesLeft, DateTimeOffset Now);

/// <summary>The holdability question: may this agent hold a grant of this action on these resources?</summary>
/// <param name="Session">The session.</param>
/// <param name="Action">The action.</param>
/// <param name="Resource">The resource pattern (already inside the declared surface).</param>
/// <param name="Justification">Why the agent asks (the task text at opening).</param>
/// <param name="MaxUses">The use limit asked for; null for none.</param>
/// <param name="Now">The time of asking.</param>
internal sealed record HoldQuery(SessionSubject Session, string Action, ResourcePattern Resource, string Justification, int? MaxUses, DateTimeOffset Now);

/// <summary>How the policy gate answered.</summary>
internal enum PolicyOutcome
{
    /// <summary>A permit applied and no forbid did.</summary>
    Allow = 0,

    /// <summary>No permit applied (Cedar's default deny).</summary>
    NotPermitted = 1,

    /// <summary>A forbid applied.</summary>
    Forbidden = 2,

    /// <summary>The request does not fit the tenant's schema (unknown action or type, arguments of the wrong shape).</summary>
    Invalid = 3,

    /// <summary>A forbid failed to evaluate, so it may have applied: deny (Cedar would skip it; Warden fails closed).</summary>
    ForbidFailed = 4,
}

/// <summary>The policy gate's answer.</summary>
/// <param name="Outcome">Allow or why not.</param>
/// <param name="DeterminingPolicies">The policies that decided (satisfied permits on allow, satisfied forbids on forbid).</param>
/// <param name="ApprovalPolicies">Among the satisfied permits, those annotated <c>@approval("required")</c>.</param>
/// <param name="Reasons">Readable reasons for a deny (forbids' <c>@reason</c> annotations, schema problems).</param>
/// <param name="Diagnostics">Policies that errored during evaluation (skipped, as in Cedar).</param>
/// <param name="Labels">The resource's data labels: reported with the request and published by the tenant, merged.</param>
internal sealed record PolicyVerdict(
    PolicyOutcome Outcome,
    ImmutableArray<string> DeterminingPolicies,
    ImmutableArray<string> ApprovalPolicies,
    ImmutableArray<DecisionReason> Reasons,
    ImmutableArray<string> Diagnostics,
    ImmutableArray<string> Labels)
{
    /// <summary>True when policy permits only with an operator's approval.</summary>
    public bool RequiresApproval => Outcome == PolicyOutcome.Allow && !ApprovalPolicies.IsDefaultOrEmpty;
}
