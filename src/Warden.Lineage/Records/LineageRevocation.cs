namespace Warden.Lineage.Records;

/// <summary>
/// The details of a kill-switch revocation: who pulled it, on what, why, and when it took effect
/// (the moment after which no silo allows anything in its scope).
/// </summary>
public sealed record LineageRevocation
{
    /// <summary>The operator who revoked (required).</summary>
    public required string RevokedBy { get; init; }

    /// <summary>What kind of thing was revoked.</summary>
    public required RevocationScope Scope { get; init; }

    /// <summary>The id of the revoked session, agent or tenant (required).</summary>
    public required string TargetId { get; init; }

    /// <summary>The operator's stated reason (required; may be empty only if the operator gave none).</summary>
    public required string Reason { get; init; }

    /// <summary>When the revocation took effect cluster-wide. Stored with 100 ns precision, in UTC.</summary>
    public required DateTimeOffset EffectiveAt { get; init; }
}
