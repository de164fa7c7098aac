namespace Warden.Grains.Revocation;

/// <summary>
/// This silo's count of agent-credential rotations it was told of: a cache of verified agent credentials on the silo (the
/// host's authenticator) trusts an entry only while the count is the one it read before the verification began.
/// </summary>
/// <remarks>
/// A rotating agent grain persists the new credential hash and then advances the count on every active silo (one
/// acknowledged call per silo, the kill switch's fan-out) before it answers. So once <c>RotateCredential</c> returns, no
/// silo accepts the old credential from its cache; the grain itself no longer verifies it. Any rotation empties the
/// whole cache: rotations are rare, and a per-silo counter has no race between a verification in flight and the
/// rotation (the entry it caches carries the count from before, which is already stale).
/// </remarks>
public sealed class CredentialRevocations
{
    private long _generation;

    /// <summary>How many rotations this silo was told of since it started.</summary>
    public long Generation => Volatile.Read(ref _generation);

    /// <summary>Makes every cached verification on this silo stale.</summary>
    public void Advance() => Interlocked.Increment(ref _generation);
}
