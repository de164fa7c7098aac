using System.Text;
using Warden.Lineage.Records;

namespace Warden.Lineage.Query;

/// <summary>
/// A <see cref="LineageQuery"/>'s criteria in the form a stored record's bytes are compared with (UTF-8 strings,
/// ticks, numbers), so a log that reads many candidate records (the SQLite log's commit groups) decodes only those
/// that may match. A pre-filter only: it never rules out a record the query matches, and the decoded record is still
/// checked with <see cref="LineageQuery.Matches"/>.
/// </summary>
internal sealed class StoredRecordFilter
{
    /// <summary>Builds the filter of <paramref name="query"/>.</summary>
    public StoredRecordFilter(LineageQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        Tenant = Encoding.UTF8.GetBytes(query.TenantId);
        Agent = query.AgentId is null ? null : Encoding.UTF8.GetBytes(query.AgentId);
        Session = query.SessionId is null ? null : Encoding.UTF8.GetBytes(query.SessionId);
        Resource = query.Resource is null ? null : Encoding.UTF8.GetBytes(query.Resource);
        AfterSequence = query.AfterSequence;
        UpToSequence = query.UpToSequence ?? long.MaxValue;
        FromTicks = query.From?.UtcTicks ?? long.MinValue;
        ToTicks = query.To?.UtcTicks ?? long.MaxValue;
        Kind = query.Kind is { } kind ? (int)kind : null;
        Decision = query.Decision is { } decision ? (int)decision : null;
    }

    /// <summary>The tenant id, UTF-8.</summary>
    public byte[] Tenant { get; }

    /// <summary>The agent id wanted (UTF-8), or null for any.</summary>
    public byte[]? Agent { get; }

    /// <summary>The session id wanted (UTF-8), or null for any.</summary>
    public byte[]? Session { get; }

    /// <summary>The resource wanted (UTF-8), or null for any.</summary>
    public byte[]? Resource { get; }

    /// <summary>Records at or below this sequence are ruled out.</summary>
    public long AfterSequence { get; }

    /// <summary>Records above this sequence are ruled out.</summary>
    public long UpToSequence { get; }

    /// <summary>Records before these ticks (UTC) are ruled out.</summary>
    public long FromTicks { get; }

    /// <summary>Records at or after these ticks (UTC) are ruled out (<see cref="long.MaxValue"/>: no bound).</summary>
    public long ToTicks { get; }

    /// <summary>The event kind wanted, or null for any.</summary>
    public int? Kind { get; }

    /// <summary>The decision wanted, or null for any.</summary>
    public int? Decision { get; }

    /// <summary>False only when the stored record's bytes show that the query cannot match it.</summary>
    /// <param name="stored">A stored record's bytes.</param>
    public bool MayMatch(ReadOnlyMemory<byte> stored) => LineageRecordSerializer.MayMatch(stored, this);
}
