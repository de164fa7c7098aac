using System.Collections.Immutable;
using Warden.Events;

namespace Warden.Sessions;

/// <summary>A session as its agent or an operator sees it.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="SessionId">The session id.</param>
/// <param name="AgentId">The agent that opened it (the only agent it answers to).</param>
/// <param name="Intent">The declared task.</param>
/// <param name="Status">Open, or how it ended.</param>
/// <param name="OpenedAt">When it opened.</param>
/// <param name="ExpiresAt">When it expires.</param>
/// <param name="EndedAt">When it ended; null while open.</param>
/// <param name="EndReason">Why it ended.</param>
/// <param name="EndedBy">Who ended it (see <see cref="Caller.ToString"/>).</param>
/// <param name="Grants">Every grant issued, with its live state.</param>
/// <param name="Approvals">Every approval requested.</param>
/// <param name="PolicyVersion">The tenant policy version in force for it.</param>
/// <param name="Facts">What the session has done so far (the facts that reach Cedar).</param>
[GenerateSerializer, Immutable, Alias("warden.SessionInfo")]
public sealed record SessionInfo(
    [property: Id(0)] string TenantId,
    [property: Id(1)] string SessionId,
    [property: Id(2)] string AgentId,
    [property: Id(3)] Intent Intent,
    [property: Id(4)] SessionStatus Status,
    [property: Id(5)] DateTimeOffset OpenedAt,
    [property: Id(6)] DateTimeOffset ExpiresAt,
    [property: Id(7)] DateTimeOffset? EndedAt,
    [property: Id(8)] string? EndReason,
    [property: Id(9)] string? EndedBy,
    [property: Id(10)] ImmutableArray<GrantInfo> Grants,
    [property: Id(11)] ImmutableArray<ApprovalInfo> Approvals,
    [property: Id(12)] long PolicyVersion,
    [property: Id(13)] SessionFacts Facts);

/// <summary>A line in a list of sessions.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="SessionId">The session id.</param>
/// <param name="AgentId">The agent.</param>
/// <param name="Task">The declared task text.</param>
/// <param name="OpenedAt">When it opened.</param>
/// <param name="ExpiresAt">When it expires.</param>
[GenerateSerializer, Immutable, Alias("warden.SessionSummary")]
public sealed record SessionSummary(
    [property: Id(0)] string TenantId,
    [property: Id(1)] string SessionId,
    [property: Id(2)] string AgentId,
    [property: Id(3)] string Task,
    [property: Id(4)] DateTimeOffset OpenedAt,
    [property: Id(5)] DateTimeOffset ExpiresAt);

/// <summary>
/// What a session has done so far, derived from its decisions: the facts Cedar sees as
/// <c>context.session.actions</c>, <c>.labels</c>, <c>.allows</c>, <c>.denials</c> and the per-action tags.
/// </summary>
/// <param name="Actions">Actions allowed so far.</param>
/// <param name="Labels">Data labels of resources touched by allowed actions.</param>
/// <param name="ActionCounts">Allowed count per action.</param>
/// <param name="Decisions">How many decisions were made.</param>
/// <param name="Allows">How many were allows.</param>
/// <param name="Denials">How many were denies (approval required counts as neither).</param>
[GenerateSerializer, Immutable, Alias("warden.SessionFacts")]
public sealed record SessionFacts(
    [property: Id(0)] ImmutableArray<string> Actions,
    [property: Id(1)] ImmutableArray<string> Labels,
    [property: Id(2)] ImmutableDictionary<string, long> ActionCounts,
    [property: Id(3)] long Decisions,
    [property: Id(4)] long Allows,
    [property: Id(5)] long Denials);

/// <summary>A session's recorded events.</summary>
/// <param name="Events">The most recent events of this activation, oldest first (the durable record is the lineage log).</param>
/// <param name="Facts">The folded facts over the whole session.</param>
/// <param name="LastSequence">The sequence number of the last event of the session.</param>
[GenerateSerializer, Immutable, Alias("warden.SessionHistoryView")]
public sealed record SessionHistoryView(
    [property: Id(0)] ImmutableArray<SessionEvent> Events,
    [property: Id(1)] SessionFacts Facts,
    [property: Id(2)] long LastSequence);
