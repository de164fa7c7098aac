using Warden.Policy.Values;

namespace Warden.Policy.Entities;

/// <summary>An entity with its transitive ancestors, as the store keeps it for evaluation.</summary>
internal sealed class StoredEntity
{
    private const int LinearSearchLimit = 8;

    // INVARIANT: when longer than LinearSearchLimit, sorted by hash code so lookups are a binary search
    // (eight bytes per ancestor, no hash set per entity).
    private readonly EntityUid[] _ancestors;

    public StoredEntity(Entity entity, EntityUid[] ancestors)
    {
        Entity = entity;
        _ancestors = ancestors;
        if (ancestors.Length > LinearSearchLimit)
        {
            Array.Sort(ancestors, static (a, b) => a.GetHashCode().CompareTo(b.GetHashCode()));
        }
    }

    public Entity Entity { get; }

    /// <summary>Every entity reachable through parents (parents not in the store included, not expanded).</summary>
    public ReadOnlySpan<EntityUid> Ancestors => _ancestors;

    public bool HasAncestor(EntityUid uid)
    {
        var ancestors = _ancestors;
        if (ancestors.Length <= LinearSearchLimit)
        {
            foreach (var ancestor in ancestors)
            {
                if (ancestor.Equals(uid))
                {
                    return true;
                }
            }

            return false;
        }

        var hash = uid.GetHashCode();
        int low = 0, high = ancestors.Length - 1;
        while (low <= high)
        {
            var middle = low + ((high - low) >> 1);
            var candidate = ancestors[middle].GetHashCode();
            if (candidate < hash)
            {
                low = middle + 1;
            }
            else if (candidate > hash)
            {
                high = middle - 1;
            }
            else
            {
                // Equal hashes sit together: look on both sides of the hit.
                for (var i = middle; i >= 0 && ancestors[i].GetHashCode() == hash; i--)
                {
                    if (ancestors[i].Equals(uid))
                    {
                        return true;
                    }
                }

                for (var i = middle + 1; i < ancestors.Length && ancestors[i].GetHashCode() == hash; i++)
                {
                    if (ancestors[i].Equals(uid))
                    {
                        return true;
                    }
                }

                return false;
            }
        }

        return false;
    }
}
