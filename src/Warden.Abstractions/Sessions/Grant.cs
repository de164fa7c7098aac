namespace Warden.Sessions;

/// <summary>
/// A just-in-time entitlement inside a session: one action on a set of resources, until an expiry, optionally for a
/// limited number of uses. Grants are never changed once issued; uses are counted from the session's decisions.
/// </summary>
/// <param name="GrantId">Unique within the session (<c>g1</c>, <c>g2</c>, …).</param>
/// <param name="Action">The action.</param>
/// <param name="Resource">The resource pattern (canonical text, see <see cref="Scopes.ResourcePattern"/>).</param>
/// <param name="IssuedAt">When it was issued.</param>
/// <param name="ExpiresAt">When it ends; never after the session's expiry.</param>
/// <param name="MaxUses">How many allowed actions it covers; null for no limit.</param>
/// <param name="Origin">How it came to be.</param>
/// <param name="ApprovalId">The approval it was issued on, when an operator approved it.</param>
[GenerateSerializer, Immutable, Alias("warden.Grant")]
public sealed record Grant(
    [property: Id(0)] string GrantId,
    [property: Id(1)] string Action,
    [property: Id(2)] string Resource,
    [property: Id(3)] DateTimeOffset IssuedAt,
    [property: Id(4)] DateTimeOffset ExpiresAt,
    [property: Id(5)] int? MaxUses,
    [property: Id(6)] GrantOrigin Origin,
    [property: Id(7)] string? ApprovalId);

/// <summary>How a grant came to be.</summary>
public enum GrantOrigin
{
    /// <summary>Issued when the session opened.</summary>
    SessionOpen = 0,

    /// <summary>Issued on a just-in-time grant request without approval.</summary>
    Request = 1,

    /// <summary>Issued when an operator approved a pending request.</summary>
    Approval = 2,
}

/// <summary>A grant with its live state at the time of asking.</summary>
/// <param name="Grant">The grant as issued.</param>
/// <param name="UsesLeft">Uses remaining; null when unlimited.</param>
/// <param name="IsLive">True while it can still allow: session open, not expired, uses left.</param>
[GenerateSerializer, Immutable, Alias("warden.GrantInfo")]
public sealed record GrantInfo(
    [property: Id(0)] Grant Grant,
    [property: Id(1)] int? UsesLeft,
    [property: Id(2)] bool IsLive);
