namespace Warden.Tenants;

/// <summary>A request for a new tenant operator credential.</summary>
/// <param name="Label">What the credential is for (a person or tool name); at most <see cref="WardenLimits.MaxShortTextLength"/> characters.</param>
/// <param name="Actor">Who asks.</param>
[GenerateSerializer, Immutable, Alias("warden.IssueOperatorCredential")]
public sealed record IssueOperatorCredential([property: Id(0)] string Label, [property: Id(1)] Caller Actor);

/// <summary>What is kept about an operator credential (never the secret or its hash).</summary>
/// <param name="CredentialId">The credential id (the token's subject).</param>
/// <param name="Label">What it is for.</param>
/// <param name="IssuedAt">When it was issued.</param>
/// <param name="IssuedBy">Who issued it.</param>
/// <param name="RevokedAt">When it was revoked; null while valid.</param>
[GenerateSerializer, Immutable, Alias("warden.OperatorCredentialInfo")]
public sealed record OperatorCredentialInfo(
    [property: Id(0)] string CredentialId,
    [property: Id(1)] string Label,
    [property: Id(2)] DateTimeOffset IssuedAt,
    [property: Id(3)] string IssuedBy,
    [property: Id(4)] DateTimeOffset? RevokedAt);

/// <summary>An authenticated tenant operator.</summary>
/// <param name="TenantId">The tenant the credential belongs to.</param>
/// <param name="CredentialId">The credential id; use <c>Caller.Operator(CredentialId)</c> for later calls.</param>
/// <param name="Label">The credential's label.</param>
[GenerateSerializer, Immutable, Alias("warden.OperatorPrincipal")]
public sealed record OperatorPrincipal(
    [property: Id(0)] string TenantId,
    [property: Id(1)] string CredentialId,
    [property: Id(2)] string Label);
