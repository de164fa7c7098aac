namespace Warden.Events;

/// <summary>
/// Something that happened in a tenant: a decision or a lifecycle event. Published to Orleans streams for observers
/// (dashboards, the lineage writer); no guarantee of Warden's rests on their delivery.
/// </summary>
[GenerateSerializer, Alias("warden.WardenEvent")]
public abstract record WardenEvent
{
    /// <summary>The tenant.</summary>
    [Id(0)]
    public required string TenantId { get; init; }

    /// <summary>When it happened (the injected clock).</summary>
    [Id(1)]
    public required DateTimeOffset At { get; init; }

    /// <summary>Who caused it (see <see cref="Caller.ToString"/>): an agent, an operator, or <c>system:warden</c>.</summary>
    [Id(2)]
    public required string Actor { get; init; }
}
