using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Warden.Policy.Values;

/// <summary>An immutable Cedar record: attribute names (distinct, ordinal order) mapped to values.</summary>
/// <remarks>
/// Small records are searched linearly, larger ones by binary search over the sorted names. The hash is computed on
/// first use: most records (a request's context, a session entity) are built per request and never hashed.
/// </remarks>
public sealed class CedarRecord : IEquatable<CedarRecord>
{
    private const int LinearSearchLimit = 8;

    private readonly string[] _keys;
    private readonly CedarValue[] _values;

    // Computed once on first use; a race computes the same value twice. INVARIANT: _hash is written before _hashed.
    private int _hash;
    private bool _hashed;

    private CedarRecord(string[] sortedKeys, CedarValue[] values)
    {
        _keys = sortedKeys;
        _values = values;
    }

    /// <summary>The record with no attributes.</summary>
    public static CedarRecord Empty { get; } = new([], []);

    /// <summary>The number of attributes.</summary>
    public int Count => _keys.Length;

    /// <summary>Attribute names in ordinal order.</summary>
    public ReadOnlySpan<string> Keys => _keys;

    /// <summary>Attribute values, aligned with <see cref="Keys"/>.</summary>
    public ReadOnlySpan<CedarValue> Values => _values;

    /// <summary>Builds a record; attribute names must be distinct.</summary>
    /// <param name="attributes">The attributes.</param>
    /// <exception cref="ArgumentException">Two attributes share a name, or a value is <see cref="CedarValue.IsNone"/>.</exception>
    public static CedarRecord Create(IEnumerable<KeyValuePair<string, CedarValue>> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        switch (attributes)
        {
            case KeyValuePair<string, CedarValue>[] array:
                return Create(array.AsSpan());
            case List<KeyValuePair<string, CedarValue>> given:
                return Create(CollectionsMarshal.AsSpan(given));
        }

        var list = new List<KeyValuePair<string, CedarValue>>();
        foreach (var pair in attributes)
        {
            ArgumentNullException.ThrowIfNull(pair.Key, nameof(attributes));
            if (pair.Value.IsNone)
            {
                throw new ArgumentException($"attribute `{pair.Key}` has no value", nameof(attributes));
            }

            list.Add(pair);
        }

        return TryFromList(list, out var record, out var duplicate)
            ? record
            : throw new ArgumentException($"duplicate attribute `{duplicate}`", nameof(attributes));
    }

    /// <summary>Builds a record; attribute names must be distinct. Names already in ordinal order are not sorted again.</summary>
    /// <param name="attributes">The attributes.</param>
    /// <exception cref="ArgumentException">Two attributes share a name, or a value is <see cref="CedarValue.IsNone"/>.</exception>
    public static CedarRecord Create(ReadOnlySpan<KeyValuePair<string, CedarValue>> attributes)
    {
        if (attributes.IsEmpty)
        {
            return Empty;
        }

        var keys = new string[attributes.Length];
        var values = new CedarValue[attributes.Length];
        var sorted = true;
        for (var i = 0; i < attributes.Length; i++)
        {
            var (key, value) = attributes[i];
            ArgumentNullException.ThrowIfNull(key, nameof(attributes));
            if (value.IsNone)
            {
                throw new ArgumentException($"attribute `{key}` has no value", nameof(attributes));
            }

            keys[i] = key;
            values[i] = value;
            sorted &= i == 0 || string.CompareOrdinal(keys[i - 1], key) < 0;
        }

        if (!sorted)
        {
            Array.Sort(keys, values, StringComparer.Ordinal);
            for (var i = 1; i < keys.Length; i++)
            {
                if (string.Equals(keys[i], keys[i - 1], StringComparison.Ordinal))
                {
                    throw new ArgumentException($"duplicate attribute `{keys[i]}`", nameof(attributes));
                }
            }
        }

        return new CedarRecord(keys, values);
    }

    // INVARIANT: `sortedKeys` is distinct, in ordinal order and never written again (a shape shares it between records).
    internal static CedarRecord FromShape(string[] sortedKeys, CedarValue[] values) => new(sortedKeys, values);

    internal static bool TryFromList(
        List<KeyValuePair<string, CedarValue>> attributes,
        out CedarRecord record,
        out string? duplicateKey)
    {
        duplicateKey = null;
        if (attributes.Count == 0)
        {
            record = Empty;
            return true;
        }

        attributes.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var keys = new string[attributes.Count];
        var values = new CedarValue[attributes.Count];
        for (var i = 0; i < attributes.Count; i++)
        {
            if (i > 0 && string.Equals(attributes[i].Key, attributes[i - 1].Key, StringComparison.Ordinal))
            {
                duplicateKey = attributes[i].Key;
                record = Empty;
                return false;
            }

            keys[i] = attributes[i].Key;
            values[i] = attributes[i].Value;
        }

        record = new CedarRecord(keys, values);
        return true;
    }

    /// <summary>Looks up an attribute.</summary>
    /// <param name="name">The attribute name.</param>
    /// <param name="value">The attribute's value when present.</param>
    /// <returns>True when the record has the attribute.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetValue(string name, out CedarValue value)
    {
        var i = IndexOf(name);
        if (i >= 0)
        {
            value = _values[i];
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>True when the record has an attribute named <paramref name="name"/>.</summary>
    /// <param name="name">The attribute name.</param>
    public bool ContainsKey(string name) => IndexOf(name) >= 0;

    /// <summary>Record equality: the same attribute names with equal values.</summary>
    /// <param name="other">The other record.</param>
    public bool RecordEquals(CedarRecord other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (_keys.Length != other._keys.Length || GetHashCode() != other.GetHashCode())
        {
            return false;
        }

        // INVARIANT: both key arrays are sorted ordinally, so equal records align index by index.
        for (var i = 0; i < _keys.Length; i++)
        {
            if (!string.Equals(_keys[i], other._keys[i], StringComparison.Ordinal) || !_values[i].Equals(other._values[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public bool Equals(CedarRecord? other) => other is not null && RecordEquals(other);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is CedarRecord other && RecordEquals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        if (Volatile.Read(ref _hashed))
        {
            return _hash;
        }

        var hash = new HashCode();
        for (var i = 0; i < _keys.Length; i++)
        {
            hash.Add(_keys[i], StringComparer.Ordinal);
            hash.Add(_values[i]);
        }

        _hash = hash.ToHashCode();
        Volatile.Write(ref _hashed, true);
        return _hash;
    }

    /// <summary>The record in Cedar syntax.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder();
        AppendTo(builder, 0);
        return builder.ToString();
    }

    internal void AppendTo(StringBuilder builder, int depth)
    {
        builder.Append('{');
        for (var i = 0; i < _keys.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(", ");
            }

            CedarStrings.AppendQuoted(builder, _keys[i]);
            builder.Append(": ");
            _values[i].AppendTo(builder, depth + 1);
        }

        builder.Append('}');
    }

    private int IndexOf(string name)
    {
        var keys = _keys;
        if (keys.Length > LinearSearchLimit)
        {
            // INVARIANT: the keys are sorted with string.CompareOrdinal (TryFromList).
            var low = 0;
            var high = keys.Length - 1;
            while (low <= high)
            {
                var mid = low + ((high - low) >> 1);
                var order = string.CompareOrdinal(keys[mid], name);
                if (order == 0)
                {
                    return mid;
                }

                if (order < 0)
                {
                    low = mid + 1;
                }
                else
                {
                    high = mid - 1;
                }
            }

            return -1;
        }

        for (var i = 0; i < keys.Length; i++)
        {
            if (string.Equals(keys[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
