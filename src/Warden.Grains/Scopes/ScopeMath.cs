using System.Collections.Immutable;
using Warden.Scopes;

namespace Warden.Grains.Scopes;

/// <summary>Set arithmetic on scopes: what part of a request an action surface covers.</summary>
internal static class ScopeMath
{
    /// <summary>
    /// The parts of <paramref name="requested"/> that lie inside <paramref name="surface"/>: for each surface entry with
    /// the same action (or <c>*</c>), the intersection of the resource patterns. Parts contained in another part are
    /// dropped, so the result is the exact cover without redundancy (empty when nothing is covered).
    /// </summary>
    /// <param name="requested">A validated request entry.</param>
    /// <param name="surface">The agent's declared action surface (validated at registration).</param>
    public static ImmutableArray<ResourcePattern> Cover(ScopeRequest requested, ImmutableArray<ScopeEntry> surface)
    {
        var wanted = ResourcePattern.Parse(requested.Resource);
        var parts = new List<ResourcePattern>();
        foreach (var entry in surface)
        {
            if (entry.Action != ActionNames.Any && !string.Equals(entry.Action, requested.Action, StringComparison.Ordinal))
            {
                continue;
            }

            if (ResourcePattern.Parse(entry.Resource).Intersect(wanted) is { } part && !parts.Any(p => p.Contains(part)))
            {
                parts.RemoveAll(part.Contains);
                parts.Add(part);
            }
        }

        return [.. parts];
    }
}
