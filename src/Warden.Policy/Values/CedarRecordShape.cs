namespace Warden.Policy.Values;

/// <summary>
/// A fixed set of attribute names, for building many records with the same names: the names are checked and sorted
/// once, and every record built from the shape shares its name array, so building one copies only the values.
/// Immutable and thread-safe.
/// </summary>
public sealed class CedarRecordShape
{
    private readonly string[] _names;

    /// <summary>A shape of the given attribute names.</summary>
    /// <param name="names">The names, distinct, in any order.</param>
    /// <exception cref="ArgumentException">Two names are the same.</exception>
    public CedarRecordShape(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        _names = [.. names];
        foreach (var name in _names)
        {
            ArgumentNullException.ThrowIfNull(name, nameof(names));
        }

        Array.Sort(_names, StringComparer.Ordinal);
        for (var i = 1; i < _names.Length; i++)
        {
            if (string.Equals(_names[i], _names[i - 1], StringComparison.Ordinal))
            {
                throw new ArgumentException($"duplicate attribute `{_names[i]}`", nameof(names));
            }
        }
    }

    /// <summary>The number of attributes.</summary>
    public int Count => _names.Length;

    /// <summary>The attribute names in ordinal order: the order <see cref="Create"/> takes the values in.</summary>
    public ReadOnlySpan<string> Names => _names;

    /// <summary>The position of an attribute name in <see cref="Names"/>, or -1.</summary>
    /// <param name="name">The name.</param>
    public int IndexOf(string name) => Array.BinarySearch(_names, name, StringComparer.Ordinal) is var i and >= 0 ? i : -1;

    /// <summary>A record with this shape's names and the given values (the same record <see cref="CedarRecord.Create(ReadOnlySpan{KeyValuePair{string, CedarValue}})"/> builds from the pairs).</summary>
    /// <param name="values">One value per name, in the order of <see cref="Names"/>.</param>
    /// <exception cref="ArgumentException">The count differs from <see cref="Count"/>, or a value is <see cref="CedarValue.IsNone"/>.</exception>
    public CedarRecord Create(ReadOnlySpan<CedarValue> values)
    {
        if (values.Length != _names.Length)
        {
            throw new ArgumentException($"the shape has {_names.Length} attributes, not {values.Length}", nameof(values));
        }

        if (values.IsEmpty)
        {
            return CedarRecord.Empty;
        }

        var copy = values.ToArray();
        for (var i = 0; i < copy.Length; i++)
        {
            if (copy[i].IsNone)
            {
                throw new ArgumentException($"attribute `{_names[i]}` has no value", nameof(values));
            }
        }

        return CedarRecord.FromShape(_names, copy);
    }
}
