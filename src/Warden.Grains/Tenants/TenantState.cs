using System.Collections.Immutable;
using Warden.Sessions;
using Warden.Tenants;

namespace Warden.Grains.Tenants;

/// <summary>The persisted state of a tenant grain.</summary>
[GenerateSerializer, Immutable, Alias("warden.state.TenantState")]
public sealed record TenantState
{
    /// <summary>None until created.</summary>
    [Id(0)]
    public TenantStatus Status { get; init; }

    /// <summary>Readable name.</summary>
    [Id(1)]
    public string DisplayName { get; init; } = string.Empty;

    /// <summary>Creation time.</summary>
    [Id(2)]
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Reason of the last status change.</summary>
    [Id(3)]
    public string? StatusReason { get; init; }

    /// <summary>Time of the last status change.</summary>
    [Id(4)]
    public DateTimeOffset StatusChangedAt { get; init; }

    /// <summary>Operator credentials in issue order: hashes only.</summary>
    [Id(5)]
    public ImmutableArray<OperatorCredentialRecord> OperatorCredentials { get; init; } = [];

    /// <summary>The policy set in force; null when none was published.</summary>
    [Id(6)]
    public PolicyRecord? Policy { get; init; }

    /// <summary>Every agent id ever registered, sorted (ids are never reused).</summary>
    [Id(7)]
    public ImmutableArray<string> Agents { get; init; } = [];

    /// <summary>Approvals waiting for an operator (an index; the session holds the truth).</summary>
    [Id(8)]
    public ImmutableArray<ApprovalInfo> PendingApprovals { get; init; } = [];

    /// <summary>Numbering of operator credentials.</summary>
    [Id(9)]
    public int NextCredentialNumber { get; init; } = 1;
}

/// <summary>A stored operator credential: the SHA-256 of its secret, never the secret.</summary>
/// <param name="CredentialId">The id (the token's subject).</param>
/// <param name="Label">What it is for.</param>
/// <param name="SecretHash">SHA-256 of the secret.</param>
/// <param name="IssuedAt">When issued.</param>
/// <param name="IssuedBy">Who issued it.</param>
/// <param name="RevokedAt">When revoked; null while valid.</param>
[GenerateSerializer, Immutable, Alias("warden.state.OperatorCredentialRecord")]
public sealed record OperatorCredentialRecord(
    [property: Id(0)] string CredentialId,
    [property: Id(1)] string Label,
    [property: Id(2)] byte[] SecretHash,
    [property: Id(3)] DateTimeOffset IssuedAt,
    [property: Id(4)] string IssuedBy,
    [property: Id(5)] DateTimeOffset? RevokedAt);

/// <summary>A published policy set as stored.</summary>
/// <param name="Version">Its version (≥ 1).</param>
/// <param name="Policies">Cedar policy text.</param>
/// <param name="Schema">Tenant schema text.</param>
/// <param name="Entities">Tenant entities JSON, or null.</param>
/// <param name="PublishedAt">When published.</param>
/// <param name="PublishedBy">Who published it.</param>
/// <param name="PolicyIds">Its policy ids.</param>
/// <param name="Digest">SHA-256 over the three texts.</param>
[GenerateSerializer, Immutable, Alias("warden.state.PolicyRecord")]
public sealed record PolicyRecord(
    [property: Id(0)] long Version,
    [property: Id(1)] string Policies,
    [property: Id(2)] string Schema,
    [property: Id(3)] string? Entities,
    [property: Id(4)] DateTimeOffset PublishedAt,
    [property: Id(5)] string PublishedBy,
    [property: Id(6)] ImmutableArray<string> PolicyIds,
    [property: Id(7)] string Digest);
