namespace Warden.Sessions;

/// <summary>The stable reason codes of decisions and refusals. Clients may branch on them; the set only grows.</summary>
public static class ReasonCodes
{
    /// <summary>The grant gate and the policy gate both allowed.</summary>
    public const string Allowed = "allowed";

    /// <summary>The session is closed.</summary>
    public const string SessionClosed = "session_closed";

    /// <summary>The session's expiry has passed.</summary>
    public const string SessionExpired = "session_expired";

    /// <summary>The session was revoked (directly, by agent suspension or by tenant freeze).</summary>
    public const string SessionRevoked = "session_revoked";

    /// <summary>The agent is suspended or retired.</summary>
    public const string AgentSuspended = "agent_suspended";

    /// <summary>The tenant is frozen.</summary>
    public const string TenantFrozen = "tenant_frozen";

    /// <summary>No grant in the session covers the action on the resource.</summary>
    public const string NoGrant = "no_grant";

    /// <summary>A grant covered it but has expired.</summary>
    public const string GrantExpired = "grant_expired";

    /// <summary>A grant covered it but its uses are spent.</summary>
    public const string GrantExhausted = "grant_exhausted";

    /// <summary>The tenant has no published policy set: nothing is allowed.</summary>
    public const string NoPolicy = "no_policy";

    /// <summary>No Cedar permit applied (default deny).</summary>
    public const string PolicyNotPermitted = "policy_not_permitted";

    /// <summary>A Cedar forbid applied.</summary>
    public const string PolicyForbidden = "policy_forbidden";

    /// <summary>Policy requires an operator's approval, which is pending.</summary>
    public const string ApprovalPending = "approval_pending";

    /// <summary>
    /// A forbid policy failed to evaluate (overflow, an extension error). Cedar would skip it; Warden denies, because a
    /// forbid that could not be checked might have applied.
    /// </summary>
    public const string PolicyError = "policy_error";

    /// <summary>An operator denied the approval this action needed.</summary>
    public const string ApprovalDenied = "approval_denied";

    /// <summary>An operator's approval allowed the action.</summary>
    public const string ApprovalGranted = "approval_granted";

    /// <summary>The request (action, resource, attributes or tool arguments) does not fit the tenant's schema.</summary>
    public const string RequestInvalid = "request_invalid";

    /// <summary>Something failed inside Warden; the deny is the safe answer.</summary>
    public const string InternalError = "internal_error";

    /// <summary>Refusal of a scope entry: it lies outside the agent's declared action surface.</summary>
    public const string OutsideSurface = "outside_surface";

    /// <summary>Refusal of a scope entry: the tenant's policy does not let the agent hold it.</summary>
    public const string NotHoldable = "not_holdable";
}
