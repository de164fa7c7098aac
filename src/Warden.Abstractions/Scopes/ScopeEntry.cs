namespace Warden.Scopes;

/// <summary>
/// One entry of an agent's declared action surface: an action (or <c>*</c>) on a set of resources. The surface is
/// the union of its entries and bounds everything the agent may ever hold.
/// </summary>
/// <param name="Action">A concrete action name (see <see cref="ActionNames"/>) or <c>*</c>.</param>
/// <param name="Resource">A resource pattern (see <see cref="ResourcePattern"/>).</param>
[GenerateSerializer, Immutable, Alias("warden.ScopeEntry")]
public sealed record ScopeEntry([property: Id(0)] string Action, [property: Id(1)] string Resource)
{
    /// <inheritdoc />
    public override string ToString() => $"{Action} on {Resource}";
}

/// <summary>
/// One entry of a requested scope (at session open or in a grant request): a concrete action on a set of resources,
/// optionally limited to a number of uses.
/// </summary>
/// <param name="Action">A concrete action name; no wildcard.</param>
/// <param name="Resource">A resource pattern.</param>
/// <param name="MaxUses">When set (≥ 1), the grant allows at most this many actions and then stops.</param>
[GenerateSerializer, Immutable, Alias("warden.ScopeRequest")]
public sealed record ScopeRequest(
    [property: Id(0)] string Action,
    [property: Id(1)] string Resource,
    [property: Id(2)] int? MaxUses = null)
{
    /// <inheritdoc />
    public override string ToString() => MaxUses is { } uses ? $"{Action} on {Resource} (×{uses})" : $"{Action} on {Resource}";
}

/// <summary>A requested scope entry that was not issued, and why.</summary>
/// <param name="Request">The entry as requested.</param>
/// <param name="Code">A stable code from <see cref="Sessions.ReasonCodes"/> (<c>outside_surface</c>, <c>policy_denied</c>, …).</param>
/// <param name="Message">A readable explanation.</param>
[GenerateSerializer, Immutable, Alias("warden.ScopeRefusal")]
public sealed record ScopeRefusal(
    [property: Id(0)] ScopeRequest Request,
    [property: Id(1)] string Code,
    [property: Id(2)] string Message);
