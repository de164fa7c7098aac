using Warden.Policy.Entities;
using Warden.Policy.Syntax;
using Warden.Policy.Values;

namespace Warden.Policy.Authorization;

/// <summary>
/// Policies indexed by one scope variable: by the entity of <c>==</c>, by the entities of <c>in</c> (and
/// <c>is … in</c>), by the type of a bare <c>is</c>, and the unconstrained ones. For a request, the candidate
/// buckets are those of the variable's entity, of each of its ancestors, and of its type.
/// </summary>
internal sealed class ScopeIndex
{
    private readonly Dictionary<EntityUid, int[]> _equal;
    private readonly Dictionary<EntityUid, int[]> _in;
    private readonly Dictionary<string, int[]> _is;
    private readonly int[] _any;

    private ScopeIndex(Dictionary<EntityUid, int[]> equal, Dictionary<EntityUid, int[]> @in, Dictionary<string, int[]> @is, int[] any)
    {
        _equal = equal;
        _in = @in;
        _is = @is;
        _any = any;
    }

    public static ScopeIndex ForPrincipalOrResource(IReadOnlyList<ScopeConstraint> constraints)
    {
        var equal = new Dictionary<EntityUid, List<int>>();
        var @in = new Dictionary<EntityUid, List<int>>();
        var @is = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var any = new List<int>();
        for (var i = 0; i < constraints.Count; i++)
        {
            var constraint = constraints[i];
            switch (constraint.Kind)
            {
                case ScopeKind.Eq:
                    Add(equal, constraint.Entity!, i);
                    break;
                case ScopeKind.In:
                case ScopeKind.IsIn:
                    Add(@in, constraint.Entity!, i);
                    break;
                case ScopeKind.Is:
                    Add(@is, constraint.EntityType!, i);
                    break;
                default:
                    any.Add(i);
                    break;
            }
        }

        return new ScopeIndex(Freeze(equal), Freeze(@in), Freeze(@is), [.. any]);
    }

    public static ScopeIndex ForAction(IReadOnlyList<ActionConstraint> constraints)
    {
        var equal = new Dictionary<EntityUid, List<int>>();
        var @in = new Dictionary<EntityUid, List<int>>();
        var any = new List<int>();
        for (var i = 0; i < constraints.Count; i++)
        {
            var constraint = constraints[i];
            switch (constraint.Kind)
            {
                case ActionScopeKind.Eq:
                    Add(equal, constraint.Entities[0], i);
                    break;
                case ActionScopeKind.In:
                    foreach (var entity in constraint.Entities.Distinct())
                    {
                        Add(@in, entity, i);
                    }

                    break;
                default:
                    any.Add(i);
                    break;
            }
        }

        return new ScopeIndex(Freeze(equal), Freeze(@in), new Dictionary<string, int[]>(StringComparer.Ordinal), [.. any]);
    }

    /// <summary>How many (policy, bucket) entries a request touches through this variable.</summary>
    public int CountCandidates(EntityUid value, StoredEntity? stored)
    {
        var count = 0;
        var buckets = Buckets(value, stored);
        while (buckets.MoveNext())
        {
            count += buckets.Current.Length;
        }

        return count;
    }

    public BucketEnumerator Buckets(EntityUid value, StoredEntity? stored) => new(this, value, stored);

    private static void Add<TKey>(Dictionary<TKey, List<int>> map, TKey key, int index)
        where TKey : notnull
    {
        if (!map.TryGetValue(key, out var list))
        {
            list = [];
            map.Add(key, list);
        }

        list.Add(index);
    }

    private static Dictionary<TKey, int[]> Freeze<TKey>(Dictionary<TKey, List<int>> map)
        where TKey : notnull
    {
        var frozen = new Dictionary<TKey, int[]>(map.Count, map.Comparer);
        foreach (var (key, list) in map)
        {
            frozen.Add(key, [.. list]);
        }

        return frozen;
    }

    /// <summary>The candidate buckets for one variable's value, without allocating.</summary>
    internal struct BucketEnumerator
    {
        private readonly ScopeIndex _index;
        private readonly EntityUid _value;
        private readonly StoredEntity? _stored;
        private int _state;
        private int _ancestor;

        public BucketEnumerator(ScopeIndex index, EntityUid value, StoredEntity? stored)
        {
            _index = index;
            _value = value;
            _stored = stored;
            _state = 0;
            _ancestor = 0;
            Current = [];
        }

        public int[] Current { get; private set; }

        public bool MoveNext()
        {
            while (true)
            {
                int[]? bucket;
                switch (_state)
                {
                    case 0:
                        _state = 1;
                        bucket = _index._any;
                        break;
                    case 1:
                        _state = 2;
                        _index._equal.TryGetValue(_value, out bucket);
                        break;
                    case 2:
                        _state = 3;
                        _index._in.TryGetValue(_value, out bucket);
                        break;
                    case 3:
                        _state = 4;
                        _index._is.TryGetValue(_value.Type, out bucket);
                        break;
                    case 4:
                        if (_stored is null || _ancestor >= _stored.Ancestors.Length || _index._in.Count == 0)
                        {
                            return false;
                        }

                        _index._in.TryGetValue(_stored.Ancestors[_ancestor++], out bucket);
                        break;
                    default:
                        return false;
                }

                if (bucket is { Length: > 0 })
                {
                    Current = bucket;
                    return true;
                }
            }
        }
    }
}
