using Warden.Lineage.Query;
using Warden.Lineage.Records;

namespace Warden.Lineage.Feeds;

/// <summary>What a subscriber asks of <see cref="LineageFeed"/>: a tenant, a cursor and optional filters.</summary>
public sealed record LineageFeedRequest
{
    /// <summary>The tenant (required).</summary>
    public required string TenantId { get; init; }

    /// <summary>
    /// The cursor: the last sequence the subscriber already has. The feed starts with the next record.
    /// 0 replays the whole chain; null skips history and starts with records committed from now on.
    /// </summary>
    public long? AfterSequence { get; init; }

    /// <summary>Only records of this session (the session feed).</summary>
    public string? SessionId { get; init; }

    /// <summary>Only records of this agent.</summary>
    public string? AgentId { get; init; }

    /// <summary>Only records about this resource.</summary>
    public string? Resource { get; init; }

    /// <summary>Only records with this decision.</summary>
    public LineageDecision? Decision { get; init; }

    /// <summary>Only records of this kind.</summary>
    public LineageEventKind? Kind { get; init; }

    /// <summary>
    /// When no live record arrives for this long, the feed checks the log for records the live source lost
    /// (a lossy source can drop the last record before a quiet period). Null disables it. Default 5 s.
    /// </summary>
    public TimeSpan? IdleCatchUpInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The clock for <see cref="IdleCatchUpInterval"/>. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    internal bool HasFilter => SessionId is not null || AgentId is not null || Resource is not null || Decision is not null || Kind is not null;

    internal LineageQuery ToQuery(long afterSequence, long upToSequence) => new()
    {
        TenantId = TenantId,
        SessionId = SessionId,
        AgentId = AgentId,
        Resource = Resource,
        Decision = Decision,
        Kind = Kind,
        AfterSequence = afterSequence,
        UpToSequence = upToSequence,
        Limit = LineageQuery.MaxLimit,
    };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(TenantId))
        {
            throw new ArgumentException("The tenant id is required.", nameof(TenantId));
        }

        if (AfterSequence < 0)
        {
            throw new ArgumentException("The cursor must not be negative.", nameof(AfterSequence));
        }

        if (IdleCatchUpInterval is { } interval && interval <= TimeSpan.Zero)
        {
            throw new ArgumentException("The idle catch-up interval must be positive.", nameof(IdleCatchUpInterval));
        }

        ArgumentNullException.ThrowIfNull(TimeProvider);
    }
}
