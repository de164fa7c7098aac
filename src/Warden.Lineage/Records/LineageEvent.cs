namespace Warden.Lineage.Records;

/// <summary>
/// What happened: the part of a lineage record that the caller (a grain) supplies. The chain writer wraps it in a
/// <see cref="LineageRecord"/> with the tenant's next sequence, the previous record's hash and its own hash.
/// </summary>
/// <remarks>
/// Every property is covered by the record hash. Strings are stored as given (UTF-8), so never put a secret in a
/// plain field: sensitive tool arguments belong in <see cref="RedactedContext"/> and <see cref="ContextDigest"/>
/// as produced by <see cref="Privacy.ContextRedactor"/>.
/// Collections compare by reference in the generated <c>Equals</c>; compare encoded bytes to compare records.
/// </remarks>
public sealed record LineageEvent
{
    /// <summary>The tenant whose chain the record joins (required, at most <see cref="LineageLimits.MaxIdLength"/> characters).</summary>
    public required string TenantId { get; init; }

    /// <summary>What kind of event this is (required; never <see cref="LineageEventKind.Unspecified"/>).</summary>
    public required LineageEventKind Kind { get; init; }

    /// <summary>When it happened, from the caller's <see cref="TimeProvider"/>. Stored in UTC with 100 ns precision.</summary>
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>The agent concerned, if any.</summary>
    public string? AgentId { get; init; }

    /// <summary>The session concerned, if any.</summary>
    public string? SessionId { get; init; }

    /// <summary>The session's declared intent (prompt id and hash, task, on-behalf-of), where known.</summary>
    public LineageIntent? Intent { get; init; }

    /// <summary>The action evaluated or granted, for example <c>db.query</c>.</summary>
    public string? Action { get; init; }

    /// <summary>The resource the action touches, as Cedar names it: <c>Type::"id"</c>.</summary>
    public string? Resource { get; init; }

    /// <summary>The decision id returned to the agent, for decisions.</summary>
    public string? DecisionId { get; init; }

    /// <summary>The outcome, for decisions and approvals; <see cref="LineageDecision.None"/> otherwise.</summary>
    public LineageDecision Decision { get; init; }

    /// <summary>Why: the reasons returned with the decision (or why a session ended, a request was refused, ...).</summary>
    public IReadOnlyList<string> Reasons { get; init; } = [];

    /// <summary>The ids of the policies that determined the decision.</summary>
    public IReadOnlyList<string> PolicyIds { get; init; } = [];

    /// <summary>The version of the tenant's policy set the decision was made with; 0 when none applies.</summary>
    public long PolicySetVersion { get; init; }

    /// <summary>The grant used by (or issued, expired, revoked in) this event.</summary>
    public string? GrantId { get; init; }

    /// <summary>The grant request (approval) this event belongs to.</summary>
    public string? RequestId { get; init; }

    /// <summary>The operator or approver who acted, for operator actions (publish, approve, suspend, ...).</summary>
    public string? Actor { get; init; }

    /// <summary>Keyed digest (HMAC-SHA256 under the tenant's key) of the full evaluation context, sensitive values included.</summary>
    public LineageHash? ContextDigest { get; init; }

    /// <summary>The context as JSON with every sensitive argument replaced by its keyed hash.</summary>
    public string? RedactedContext { get; init; }

    /// <summary>The revocation details; required when <see cref="Kind"/> is <see cref="LineageEventKind.Revocation"/>.</summary>
    public LineageRevocation? Revocation { get; init; }

    /// <summary>
    /// For a decision, what its session needs to replay it (session sequence, data labels). A record with a step is
    /// encoded in format version 2; a record without one keeps the version-1 form, so older chains verify unchanged.
    /// </summary>
    public LineageSessionStep? Step { get; init; }
}
