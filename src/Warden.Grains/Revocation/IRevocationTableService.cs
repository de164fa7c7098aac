using Orleans.Services;

namespace Warden.Grains.Revocation;

/// <summary>
/// The per-silo service (an Orleans grain service: one instance on every silo, addressed by silo) that keeps the
/// silo's <see cref="RevocationTable"/>. A revoking tenant or agent grain calls it once on every active silo.
/// </summary>
public interface IRevocationTableService : IGrainService
{
    /// <summary>Records <paramref name="scope"/> in this silo's table; completes once every later check on the silo sees it.</summary>
    /// <param name="scope">The revoked tenant or agent.</param>
    Task RecordAsync(RevokedScope scope);

    /// <summary>Removes <paramref name="scope"/> from this silo's table (reactivation).</summary>
    /// <param name="scope">The reactivated tenant or agent.</param>
    Task ClearAsync(RevokedScope scope);

    /// <summary>Makes every agent credential this silo has cached stale (an agent's credential was rotated).</summary>
    /// <param name="tenantId">The tenant of the rotated agent.</param>
    /// <param name="agentId">The rotated agent.</param>
    Task ForgetCredentialsAsync(string tenantId, string agentId);
}
