using System.Collections.Immutable;
using Orleans.Runtime;

namespace Warden.Grains.Revocation;

/// <summary>
/// How a revoking tenant or agent grain reaches every silo's <see cref="RevocationTable"/>. The kill switch's guarantee
/// rests on the answer: <see cref="RecordAsync"/> completes only once every active silo has the entry.
/// </summary>
/// <remarks>
/// The silo registers <see cref="AcknowledgedRevocationFanOut"/>. The seam exists so the kill-switch tests can swap in
/// a deliberately broken fan-out and prove that their checker catches it; nothing else should replace it.
/// </remarks>
internal interface IRevocationFanOut
{
    /// <summary>Records <paramref name="scope"/> on every active silo; throws when a silo that is still alive did not acknowledge.</summary>
    /// <param name="scope">The revoked tenant or agent.</param>
    /// <returns>The silos that died during the fan-out (declared dead by membership): their sessions need the durable path.</returns>
    Task<SiloFanOut> RecordAsync(RevokedScope scope);

    /// <summary>Removes <paramref name="scope"/> on every active silo; throws when a live silo did not acknowledge.</summary>
    /// <param name="scope">The reactivated tenant or agent.</param>
    /// <returns>The silos reached and those that died meanwhile.</returns>
    Task<SiloFanOut> ClearAsync(RevokedScope scope);

    /// <summary>Makes every silo's cached agent credentials stale; throws when a live silo did not acknowledge.</summary>
    /// <param name="tenantId">The tenant of the agent whose credential was rotated.</param>
    /// <param name="agentId">The agent.</param>
    /// <returns>The silos reached and those that died meanwhile.</returns>
    Task<SiloFanOut> ForgetCredentialsAsync(string tenantId, string agentId);
}

/// <summary>What a fan-out to the silos reached.</summary>
/// <param name="Acknowledged">Silos that acknowledged.</param>
/// <param name="Lost">Silos that failed and that membership declared dead meanwhile.</param>
internal sealed record SiloFanOut(ImmutableArray<SiloAddress> Acknowledged, ImmutableArray<SiloAddress> Lost);

/// <summary>
/// A revocation (or reactivation) that could not confirm every silo or session: no receipt. An
/// <see cref="InvalidOperationException"/>, which the host maps onto UNAVAILABLE (repeat the call).
/// </summary>
internal sealed class RevocationFanOutException(string message) : InvalidOperationException(message);
