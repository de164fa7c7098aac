using Warden.Policy.Values;

namespace Warden.Policy.Entities;

/// <summary>An entity with its transitive ancestors, as the store keeps it for evaluation.</summary>
internal sealed class StoredEntity
{
    private const int LinearSearchLimit = 8;

    private readonly EntityUid[] _ancestors;
    private readonly HashSet<EntityUid>? _ancestorSet;

    public StoredEntity(Entity entity, EntityUid[] ancestors)
    {
        Entity = entity;
        _ancestors = ancestors;
        if (ancestors.Length > LinearSearchLimit)
        {
            _ancestorSet = [.. ancestors];
        }
    }

    public Entity Entity { get; }

    /// <summary>Every entity reachable through parents (parents not in the store included, not expanded).</summary>
    public ReadOnlySpan<EntityUid> Ancestors => _ancestors;

    public bool HasAncestor(EntityUid uid)
    {
        if (_ancestorSet is not null)
        {
            return _ancestorSet.Contains(uid);
        }

        foreach (var ancestor in _ancestors)
        {
            if (ancestor.Equals(uid))
            {
                return true;
            }
        }

        return false;
    }
}
