using Warden.Sessions;

namespace Warden.Grains.Revocation;

/// <summary>
/// A test hook: sees every decision at the moment it is final (after the revocation table's last check) and every
/// revoke at the moment it returns, each with a stamp from one monotonic counter. Silos register none; the kill-switch
/// tests register one shared by their in-process silos and assert on the stamps.
/// </summary>
internal interface IRevocationObserver
{
    /// <summary>Takes the next stamp.</summary>
    long Stamp();

    /// <summary>A decision is final: <paramref name="stamp"/> was taken before the table's last check.</summary>
    void DecisionCompleted(long stamp, string tenantId, string sessionId, Decision decision);

    /// <summary>A revoke is about to return its receipt: every check that starts later sees the revocation.</summary>
    void RevokeReturned(RevocationReceipt receipt);
}
