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
    // Up to this many added entities, an overlay's duplicates are found without a dictionary.
    private const int SmallOverlay = 8;

    // An overlay's: never read (only a flat store's dangling parents are consulted) and never changed.
    private static readonly HashSet<EntityUid> NoDanglingParents = [];

    // An overlay's dictionary: empty and never changed (its entities are in _added).
    private static readonly Dictionary<EntityUid, StoredEntity> NoEntities = [];

    private readonly Dictionary<EntityUid, StoredEntity> _entities;

    // An overlay's own entities (a request adds two or three): searched linearly, no dictionary per request.
    private readonly StoredEntity[] _added = [];

    // An overlay (see WithEntities): entities of this store on top of a flat base store they do not overlap.
    private readonly EntityStore? _base;

    // (entity, ancestor) pairs in this store, base included: the hierarchy-size cap applies to the whole.
    private readonly long _links;

    // Parents named by entities of a flat store but not in it: adding one of them changes stored ancestor sets.
    private readonly HashSet<EntityUid> _danglingParents;

    private EntityStore(Dictionary<EntityUid, StoredEntity> entities, long links, HashSet<EntityUid> danglingParents)
    {
        _entities = entities;
        _links = links;
        _danglingParents = danglingParents;
    }

    private EntityStore(StoredEntity[] added, long links, EntityStore baseStore)
    {
        _entities = NoEntities;
        _added = added;
        _links = links;
        _danglingParents = NoDanglingParents;
        _base = baseStore;
    }

    /// <summary>The store with no entities.</summary>
    public static EntityStore Empty { get; } = new(new Dictionary<EntityUid, StoredEntity>(), 0, []);

    /// <summary>How many entities the store holds.</summary>
    public int Count => _entities.Count + _added.Length + (_base?.Count ?? 0);

    /// <summary>The entities, in no particular order.</summary>
    public IEnumerable<Entity> Entities => _base is null
        ? _entities.Values.Select(e => e.Entity)
        : _base.Entities.Concat(_added.Select(e => e.Entity));

    /// <summary>
    /// Builds a store. Two entries for the same uid are allowed only when identical; the hierarchy must be
    /// acyclic (Cedar rejects cycles).
    /// </summary>
    /// <param name="entities">The entities.</param>
    /// <exception cref="ArgumentException">Conflicting duplicates or a cycle in the hierarchy.</exception>
    public static EntityStore Create(IEnumerable<Entity> entities)
    {
        ArgumentNullException.ThrowIfNull(entities);
        return Build(Collect(entities));
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
    /// <remarks>
    /// The per-request path: when no added uid is already in the store (the request's principal, session and
    /// resource entities on top of a tenant's published ones), the result is an overlay that shares this store and
    /// computes ancestors only for the added entities, so its cost does not grow with the published entities.
    /// Otherwise the store is rebuilt, because replacing an entity can change the ancestors of others.
    /// </remarks>
    public EntityStore WithEntities(IEnumerable<Entity> entities)
    {
        ArgumentNullException.ThrowIfNull(entities);
        if (_base is null && entities is ICollection<Entity> { Count: <= SmallOverlay } few)
        {
            // The per-request case: a few entities, checked for duplicates without a dictionary.
            var list = CollectFew(few);
            if (!Overlaps(list))
            {
                return Overlay(list, null);
            }
        }

        var added = Collect(entities);
        if (_base is null && !Overlaps(added.Values))
        {
            return Overlay([.. added.Values], added);
        }

        var map = new Dictionary<EntityUid, Entity>(Count + added.Count);
        foreach (var entity in Entities)
        {
            map[entity.Uid] = entity;
        }

        foreach (var (uid, entity) in added)
        {
            map[uid] = entity;
        }

        return Build(map);
    }

    /// <summary>Looks up an entity.</summary>
    /// <param name="uid">The uid.</param>
    /// <param name="entity">The entity, when present.</param>
    public bool TryGetEntity(EntityUid uid, [NotNullWhen(true)] out Entity? entity)
    {
        ArgumentNullException.ThrowIfNull(uid);
        if (Find(uid) is { } stored)
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
        return child.Equals(ancestor) || (Find(child) is { } stored && stored.HasAncestor(ancestor));
    }

    internal StoredEntity? Find(EntityUid uid)
    {
        foreach (var added in _added)
        {
            if (added.Entity.Uid.Equals(uid))
            {
                return added;
            }
        }

        return _entities.TryGetValue(uid, out var stored) ? stored : _base?.Find(uid);
    }

    // The entities by uid; two entries for one uid only when identical.
    private static Dictionary<EntityUid, Entity> Collect(IEnumerable<Entity> entities)
    {
        var map = entities is ICollection<Entity> collection ? new Dictionary<EntityUid, Entity>(collection.Count) : [];
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

        return map;
    }

    private static Entity[] CollectFew(ICollection<Entity> entities)
    {
        // Copied out first (no enumerator per request), then compacted in place: an entry moves only backwards.
        var list = new Entity[entities.Count];
        entities.CopyTo(list, 0);
        var count = 0;
        for (var j = 0; j < list.Length; j++)
        {
            var entity = list[j];
            ArgumentNullException.ThrowIfNull(entity, nameof(entities));
            var duplicate = false;
            for (var i = 0; i < count && !duplicate; i++)
            {
                if (list[i].Uid.Equals(entity.Uid))
                {
                    duplicate = list[i].ContentEquals(entity)
                        ? true
                        : throw new ArgumentException($"duplicate entity entry `{entity.Uid}`", nameof(entities));
                }
            }

            if (!duplicate)
            {
                list[count++] = entity;
            }
        }

        return count == list.Length ? list : list[..count];
    }

    private bool Overlaps(Entity[] added)
    {
        foreach (var entity in added)
        {
            var uid = entity.Uid;
            if (_entities.ContainsKey(uid) || _danglingParents.Contains(uid))
            {
                return true;
            }
        }

        return false;
    }

    private bool Overlaps(IEnumerable<Entity> added)
    {
        foreach (var entity in added)
        {
            var uid = entity.Uid;
            if (_entities.ContainsKey(uid) || _danglingParents.Contains(uid))
            {
                return true;
            }
        }

        return false;
    }

    // INVARIANT: called on a flat store with entities none of which it holds or names as a parent, so no stored
    // ancestor set changes. Cycles among the added entities, or through the base, are found by ComputeAncestors.
    // `map` holds the same entities by uid, or is null (then built only if some entity has parents to walk).
    private EntityStore Overlay(Entity[] added, Dictionary<EntityUid, Entity>? map)
    {
        Dictionary<EntityUid, EntityUid[]>? ancestors = null;
        Dictionary<EntityUid, bool>? state = null;
        var links = _links;
        var stored = new StoredEntity[added.Length];
        for (var i = 0; i < added.Length; i++)
        {
            var entity = added[i];
            if (entity.Parents.IsEmpty)
            {
                // The usual request entity (a session, a reported resource): no ancestors, nothing to walk.
                stored[i] = new StoredEntity(entity, []);
                continue;
            }

            map ??= added.ToDictionary(e => e.Uid);
            ancestors ??= new Dictionary<EntityUid, EntityUid[]>(map.Count);
            state ??= new Dictionary<EntityUid, bool>(map.Count);
            ComputeAncestors(entity.Uid, map, this, ancestors, state, ref links);
            stored[i] = new StoredEntity(entity, ancestors[entity.Uid]);
        }

        return new EntityStore(stored, links, this);
    }

    private static EntityStore Build(Dictionary<EntityUid, Entity> map)
    {
        var stored = new Dictionary<EntityUid, StoredEntity>(map.Count);
        var ancestors = new Dictionary<EntityUid, EntityUid[]>(map.Count);
        var state = new Dictionary<EntityUid, bool>(map.Count); // false: in progress, true: done
        long links = 0;
        foreach (var uid in map.Keys)
        {
            ComputeAncestors(uid, map, null, ancestors, state, ref links);
        }

        var dangling = new HashSet<EntityUid>();
        foreach (var (uid, entity) in map)
        {
            stored.Add(uid, new StoredEntity(entity, ancestors[uid]));
            foreach (var parent in entity.Parents)
            {
                if (!map.ContainsKey(parent))
                {
                    dangling.Add(parent);
                }
            }
        }

        return new EntityStore(stored, links, dangling);
    }

    // Depth-first over the parent graph with an explicit stack (hierarchies may be deep); a back edge is a cycle.
    // A parent outside the map but in `under` (an overlay's base) contributes its already-computed ancestors.
    private static void ComputeAncestors(
        EntityUid root,
        Dictionary<EntityUid, Entity> map,
        EntityStore? under,
        Dictionary<EntityUid, EntityUid[]> ancestors,
        Dictionary<EntityUid, bool> state,
        ref long links)
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
                else if (under?.Find(parent) is { } below)
                {
                    foreach (var ancestor in below.Ancestors)
                    {
                        set.Add(ancestor);
                    }
                }
            }

            if (set.Contains(uid))
            {
                // Only reachable through an overlay's base: a base entity below this one names it as an ancestor.
                throw new ArgumentException($"the entity hierarchy has a cycle containing `{uid}`");
            }

            links += set.Count;
            if (links > CedarLimits.MaxAncestorLinks)
            {
                throw new ArgumentException($"the entity hierarchy is too large: more than {CedarLimits.MaxAncestorLinks} (entity, ancestor) pairs");
            }

            ancestors[uid] = [.. set];
            state[uid] = true;
        }
    }
}
