using System.Diagnostics.CodeAnalysis;
using Warden.Policy.Json;
using Warden.Policy.Types;
using Warden.Policy.Values;

namespace Warden.Policy.Entities;

/// <summary>
/// An immutable set of entities with their ancestors precomputed, so <c>in</c> is a lookup. Safe to share
/// between threads. Build it with <see cref="Create"/>, <see cref="FromJson"/> or <see cref="WithEntities"/>.
/// </summary>
public sealed class EntityStore
{
    private readonly Dictionary<EntityUid, StoredEntity> _entities;

    private EntityStore(Dictionary<EntityUid, StoredEntity> entities)
    {
        _entities = entities;
    }

    /// <summary>The store with no entities.</summary>
    public static EntityStore Empty { get; } = new(new Dictionary<EntityUid, StoredEntity>());

    /// <summary>How many entities the store holds.</summary>
    public int Count => _entities.Count;

    /// <summary>The entities, in no particular order.</summary>
    public IEnumerable<Entity> Entities => _entities.Values.Select(e => e.Entity);

    /// <summary>
    /// Builds a store. Two entries for the same uid are allowed only when identical; the hierarchy must be
    /// acyclic (Cedar rejects cycles).
    /// </summary>
    /// <param name="entities">The entities.</param>
    /// <exception cref="ArgumentException">Conflicting duplicates or a cycle in the hierarchy.</exception>
    public static EntityStore Create(IEnumerable<Entity> entities)
    {
        ArgumentNullException.ThrowIfNull(entities);
        var map = new Dictionary<EntityUid, Entity>();
        foreach (var entity in entities)
        {
            ArgumentNullException.ThrowIfNull(entity, nameof(entities));
            if (map.TryGetValue(entity.Uid, out var existing))
            {
                if (!existing.ContentEquals(entity))
                {
                    throw new ArgumentException($"duplicate entity entry `{entity.Uid}`", nameof(entities));
                }

                continue;
            }

            map.Add(entity.Uid, entity);
        }

        return Build(map);
    }

    /// <summary>
    /// Reads entities in Cedar's JSON format. With a schema, parsing is schema-directed (plain strings for
    /// extension-typed attributes, <c>{"type","id"}</c> for entity-typed ones), entities are checked against their
    /// declared shapes, and the schema's actions are added with their groups as parents.
    /// </summary>
    /// <param name="json">The JSON array of entities.</param>
    /// <param name="schema">The schema, or null.</param>
    /// <exception cref="CedarJsonException">The JSON is not valid Cedar entity data.</exception>
    public static EntityStore FromJson(string json, ISchemaShapes? schema = null) => CedarJson.ParseEntities(json, schema);

    /// <summary>A new store with <paramref name="entities"/> added; an entity with a uid already present replaces the old one.</summary>
    /// <param name="entities">The entities to add.</param>
    /// <exception cref="ArgumentException">The result would have a cycle, or <paramref name="entities"/> has conflicting duplicates.</exception>
    public EntityStore WithEntities(IEnumerable<Entity> entities)
    {
        ArgumentNullException.ThrowIfNull(entities);
        var added = Create(entities);
        var map = new Dictionary<EntityUid, Entity>(_entities.Count + added.Count);
        foreach (var (uid, stored) in _entities)
        {
            map[uid] = stored.Entity;
        }

        foreach (var (uid, stored) in added._entities)
        {
            map[uid] = stored.Entity;
        }

        return Build(map);
    }

    /// <summary>Looks up an entity.</summary>
    /// <param name="uid">The uid.</param>
    /// <param name="entity">The entity, when present.</param>
    public bool TryGetEntity(EntityUid uid, [NotNullWhen(true)] out Entity? entity)
    {
        ArgumentNullException.ThrowIfNull(uid);
        if (_entities.TryGetValue(uid, out var stored))
        {
            entity = stored.Entity;
            return true;
        }

        entity = null;
        return false;
    }

    /// <summary>
    /// Cedar's <c>child in ancestor</c> for two uids: equal, or <paramref name="ancestor"/> is reachable through parents.
    /// A child missing from the store is only in itself.
    /// </summary>
    /// <param name="child">The descendant candidate.</param>
    /// <param name="ancestor">The ancestor candidate.</param>
    public bool IsInHierarchy(EntityUid child, EntityUid ancestor)
    {
        ArgumentNullException.ThrowIfNull(child);
        ArgumentNullException.ThrowIfNull(ancestor);
        return child.Equals(ancestor) || (_entities.TryGetValue(child, out var stored) && stored.HasAncestor(ancestor));
    }

    internal StoredEntity? Find(EntityUid uid) => _entities.TryGetValue(uid, out var stored) ? stored : null;

    private static EntityStore Build(Dictionary<EntityUid, Entity> map)
    {
        var stored = new Dictionary<EntityUid, StoredEntity>(map.Count);
        var ancestors = new Dictionary<EntityUid, EntityUid[]>(map.Count);
        var state = new Dictionary<EntityUid, bool>(map.Count); // false: in progress, true: done
        foreach (var uid in map.Keys)
        {
            ComputeAncestors(uid, map, ancestors, state);
        }

        foreach (var (uid, entity) in map)
        {
            stored.Add(uid, new StoredEntity(entity, ancestors[uid]));
        }

        return new EntityStore(stored);
    }

    // Depth-first over the parent graph with an explicit stack (hierarchies may be deep); a back edge is a cycle.
    private static void ComputeAncestors(
        EntityUid root,
        Dictionary<EntityUid, Entity> map,
        Dictionary<EntityUid, EntityUid[]> ancestors,
        Dictionary<EntityUid, bool> state)
    {
        if (state.ContainsKey(root))
        {
            return;
        }

        var stack = new Stack<(EntityUid Uid, int NextParent)>();
        stack.Push((root, 0));
        state[root] = false;
        while (stack.Count > 0)
        {
            var (uid, next) = stack.Pop();
            var parents = map[uid].Parents;
            if (next < parents.Length)
            {
                stack.Push((uid, next + 1));
                var parent = parents[next];
                if (!map.ContainsKey(parent))
                {
                    continue;
                }

                if (state.TryGetValue(parent, out var done))
                {
                    if (!done)
                    {
                        throw new ArgumentException($"the entity hierarchy has a cycle containing `{parent}`");
                    }

                    continue;
                }

                state[parent] = false;
                stack.Push((parent, 0));
                continue;
            }

            var set = new HashSet<EntityUid>();
            foreach (var parent in parents)
            {
                set.Add(parent);
                if (ancestors.TryGetValue(parent, out var inherited))
                {
                    set.UnionWith(inherited);
                }
            }

            ancestors[uid] = [.. set];
            state[uid] = true;
        }
    }
}
