namespace Warden.Lineage.Verification;

/// <summary>The verdict of a chain verification (what <c>warden audit verify</c> turns into its exit code).</summary>
public enum ChainStatus
{
    /// <summary>Every record checked out, and the end matches the head marker (and the anchor, if given).</summary>
    Intact = 0,

    /// <summary>A fault was found; <see cref="ChainVerificationResult.Fault"/> says which and where.</summary>
    Broken = 1,
}
