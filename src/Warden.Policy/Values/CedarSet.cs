using System.Text;

namespace Warden.Policy.Values;

/// <summary>An immutable Cedar set: distinct values, in first-seen order.</summary>
/// <remarks>Small sets are searched linearly; larger ones carry a hash set built once at construction.</remarks>
public sealed class CedarSet : IEquatable<CedarSet>
{
    private const int LinearSearchLimit = 8;

    private readonly CedarValue[] _items;
    private readonly HashSet<CedarValue>? _lookup;
    private readonly int _hash;

    private CedarSet(CedarValue[] distinctItems, HashSet<CedarValue>? lookup)
    {
        _items = distinctItems;
        _lookup = lookup;
        var hash = 0;
        foreach (var item in distinctItems)
        {
            // Order-independent: sets equal as sets must hash equal.
            hash += item.GetHashCode();
        }

        _hash = HashCode.Combine(hash, distinctItems.Length);
    }

    /// <summary>The empty set.</summary>
    public static CedarSet Empty { get; } = new([], null);

    /// <summary>The number of distinct elements.</summary>
    public int Count => _items.Length;

    /// <summary>The elements, in first-seen order.</summary>
    public ReadOnlySpan<CedarValue> Items => _items;

    /// <summary>Builds a set from the given values, removing duplicates.</summary>
    /// <param name="values">The values.</param>
    public static CedarSet Create(IEnumerable<CedarValue> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var list = new List<CedarValue>();
        foreach (var value in values)
        {
            if (value.IsNone)
            {
                throw new ArgumentException("a set element is not a Cedar value", nameof(values));
            }

            list.Add(value);
        }

        return FromList(list);
    }

    internal static CedarSet FromList(List<CedarValue> values)
    {
        if (values.Count == 0)
        {
            return Empty;
        }

        if (values.Count <= LinearSearchLimit)
        {
            var distinct = new List<CedarValue>(values.Count);
            foreach (var value in values)
            {
                if (!ContainsLinear(distinct, value))
                {
                    distinct.Add(value);
                }
            }

            return new CedarSet([.. distinct], null);
        }

        var lookup = new HashSet<CedarValue>(values.Count);
        var items = new List<CedarValue>(values.Count);
        foreach (var value in values)
        {
            if (lookup.Add(value))
            {
                items.Add(value);
            }
        }

        return new CedarSet([.. items], items.Count > LinearSearchLimit ? lookup : null);
    }

    /// <summary>True when the set holds a value equal (Cedar <c>==</c>) to <paramref name="value"/>.</summary>
    /// <param name="value">The value to look for.</param>
    public bool Contains(CedarValue value)
    {
        if (_lookup is not null)
        {
            return _lookup.Contains(value);
        }

        foreach (var item in _items)
        {
            if (item.Equals(value))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when every element of <paramref name="other"/> is in this set (Cedar <c>containsAll</c>).</summary>
    /// <param name="other">The other set.</param>
    public bool ContainsAll(CedarSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var item in other._items)
        {
            if (!Contains(item))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when the two sets share at least one element (Cedar <c>containsAny</c>).</summary>
    /// <param name="other">The other set.</param>
    public bool ContainsAny(CedarSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var (small, large) = Count <= other.Count ? (this, other) : (other, this);
        foreach (var item in small._items)
        {
            if (large.Contains(item))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Set equality: the same elements, in any order.</summary>
    /// <param name="other">The other set.</param>
    public bool SetEquals(CedarSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        return Count == other.Count && _hash == other._hash && ContainsAll(other);
    }

    /// <inheritdoc />
    public bool Equals(CedarSet? other) => other is not null && SetEquals(other);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is CedarSet other && SetEquals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _hash;

    /// <summary>The set in Cedar syntax.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder();
        AppendTo(builder, 0);
        return builder.ToString();
    }

    internal void AppendTo(StringBuilder builder, int depth)
    {
        builder.Append('[');
        for (var i = 0; i < _items.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(", ");
            }

            _items[i].AppendTo(builder, depth + 1);
        }

        builder.Append(']');
    }

    private static bool ContainsLinear(List<CedarValue> list, CedarValue value)
    {
        foreach (var item in list)
        {
            if (item.Equals(value))
            {
                return true;
            }
        }

        return false;
    }
}
