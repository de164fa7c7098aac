using Orleans.Concurrency;
using Warden.Sessions;
using Warden.Tenants;

namespace Warden.Grains.Tenants;

/// <summary>
/// The tenant grain's face to other Warden grains (not to the edge). Reads are <see cref="AlwaysInterleaveAttribute"/>
/// so a session can ask while the tenant is itself waiting on a fan-out to that session: calls between tenant, agent
/// and session grains only ever go tenant → agent → session, except these interleaving reads and one-way notes,
/// so no cycle of waiting calls can form.
/// </summary>
public interface ITenantControl : IGrainWithStringKey
{
    /// <summary>The tenant's status and policy version, as of now (written state, or state being written).</summary>
    [AlwaysInterleave]
    Task<TenantSnapshot> GetSnapshotAsync();

    /// <summary>The policy set in force, or null when none was published.</summary>
    [AlwaysInterleave]
    Task<PolicyRecord?> GetPolicyRecordAsync();

    /// <summary>A session's note that one of its approvals changed (keeps the tenant's pending index).</summary>
    /// <param name="approval">The approval in its new status.</param>
    [OneWay]
    Task ApprovalChangedAsync(ApprovalInfo approval);
}

/// <summary>What a session needs to know of its tenant.</summary>
/// <param name="Status">None, active or frozen.</param>
/// <param name="PolicyVersion">The version in force (0 for none).</param>
/// <param name="StatusReason">The reason of the last status change.</param>
[GenerateSerializer, Immutable, Alias("warden.internal.TenantSnapshot")]
public sealed record TenantSnapshot(
    [property: Id(0)] TenantStatus Status,
    [property: Id(1)] long PolicyVersion,
    [property: Id(2)] string? StatusReason);
