namespace Warden;

/// <summary>An operator's request to change the status of an agent, a tenant or a session.</summary>
/// <param name="Reason">Why; recorded in state and lineage. Required, at most <see cref="WardenLimits.MaxShortTextLength"/> characters.</param>
/// <param name="Actor">Who asks (an operator).</param>
[GenerateSerializer, Immutable, Alias("warden.StatusChange")]
public sealed record StatusChange([property: Id(0)] string Reason, [property: Id(1)] Caller Actor);

/// <summary>The scope of a revocation (the kill switch).</summary>
public enum RevocationScope
{
    /// <summary>One session.</summary>
    Session = 0,

    /// <summary>One agent: all its live sessions, and no new ones until reactivated.</summary>
    Agent = 1,

    /// <summary>A whole tenant: every live session of every agent, and no new ones until reactivated.</summary>
    Tenant = 2,
}

/// <summary>
/// Proof that a revocation has taken effect. A receipt is returned only after every live session in the scope has
/// persisted its revocation and acknowledged it; from then on no silo allows anything in the scope.
/// </summary>
/// <param name="Scope">What was revoked.</param>
/// <param name="TenantId">The tenant.</param>
/// <param name="Target">The session id, agent id or tenant id.</param>
/// <param name="Reason">The operator's reason.</param>
/// <param name="RevokedBy">The operator (see <see cref="Caller.ToString"/>).</param>
/// <param name="SessionsRevoked">How many live sessions were ended by this call (0 when already revoked).</param>
/// <param name="EffectiveAt">When the scope's status changed (before the fan-out started).</param>
/// <param name="CompletedAt">When the last acknowledgement arrived.</param>
[GenerateSerializer, Immutable, Alias("warden.RevocationReceipt")]
public sealed record RevocationReceipt(
    [property: Id(0)] RevocationScope Scope,
    [property: Id(1)] string TenantId,
    [property: Id(2)] string Target,
    [property: Id(3)] string Reason,
    [property: Id(4)] string RevokedBy,
    [property: Id(5)] int SessionsRevoked,
    [property: Id(6)] DateTimeOffset EffectiveAt,
    [property: Id(7)] DateTimeOffset CompletedAt);
