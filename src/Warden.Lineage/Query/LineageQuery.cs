using Warden.Lineage.Records;

namespace Warden.Lineage.Query;

/// <summary>
/// A filter over one tenant's lineage. All given criteria must match (AND); results come in ascending sequence.
/// Page with <see cref="AfterSequence"/> = the last sequence of the previous page.
/// </summary>
public sealed record LineageQuery
{
    /// <summary>Largest page a query may ask for.</summary>
    public const int MaxLimit = 10_000;

    /// <summary>The tenant (required).</summary>
    public required string TenantId { get; init; }

    /// <summary>Only records of this session.</summary>
    public string? SessionId { get; init; }

    /// <summary>Only records of this agent.</summary>
    public string? AgentId { get; init; }

    /// <summary>Only records about this resource (exact match on <c>Type::"id"</c>).</summary>
    public string? Resource { get; init; }

    /// <summary>Only records with this decision.</summary>
    public LineageDecision? Decision { get; init; }

    /// <summary>Only records of this kind.</summary>
    public LineageEventKind? Kind { get; init; }

    /// <summary>Only records that occurred at or after this time.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Only records that occurred strictly before this time.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Only records with a sequence greater than this (the cursor); 0 from the start.</summary>
    public long AfterSequence { get; init; }

    /// <summary>Only records with a sequence at most this, when given.</summary>
    public long? UpToSequence { get; init; }

    /// <summary>At most this many records (1 to <see cref="MaxLimit"/>; default 1,000).</summary>
    public int Limit { get; init; } = 1000;

    /// <summary>Whether <paramref name="record"/> matches every criterion (tenant, filters and sequence bounds).</summary>
    public bool Matches(LineageRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var e = record.Event;
        return string.Equals(e.TenantId, TenantId, StringComparison.Ordinal)
            && record.Sequence > AfterSequence
            && (UpToSequence is null || record.Sequence <= UpToSequence)
            && (SessionId is null || string.Equals(e.SessionId, SessionId, StringComparison.Ordinal))
            && (AgentId is null || string.Equals(e.AgentId, AgentId, StringComparison.Ordinal))
            && (Resource is null || string.Equals(e.Resource, Resource, StringComparison.Ordinal))
            && (Decision is null || e.Decision == Decision)
            && (Kind is null || e.Kind == Kind)
            && (From is null || e.OccurredAt >= From)
            && (To is null || e.OccurredAt < To);
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(TenantId))
        {
            throw new ArgumentException("The tenant id is required.", nameof(TenantId));
        }

        if (Limit is < 1 or > MaxLimit)
        {
            throw new ArgumentException($"The limit must be between 1 and {MaxLimit}.", nameof(Limit));
        }

        if (AfterSequence < 0)
        {
            throw new ArgumentException("The cursor must not be negative.", nameof(AfterSequence));
        }

        if (From is not null && To is not null && From > To)
        {
            throw new ArgumentException("'From' is after 'To'.", nameof(From));
        }
    }
}
