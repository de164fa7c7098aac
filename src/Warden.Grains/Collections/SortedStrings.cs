using System.Collections.Immutable;

namespace Warden.Grains.Collections;

/// <summary>
/// Sets of strings kept as sorted, duplicate-free immutable arrays. Grain state uses arrays rather than immutable
/// dictionaries or sets because every grain storage serializer (including JSON ones that preserve references) can
/// read arrays back.
/// </summary>
internal static class SortedStrings
{
    /// <summary>True when <paramref name="set"/> holds <paramref name="item"/>.</summary>
    public static bool Contains(ImmutableArray<string> set, string item) => set.BinarySearch(item, StringComparer.Ordinal) >= 0;

    /// <summary>The set with <paramref name="item"/> added.</summary>
    public static ImmutableArray<string> Add(ImmutableArray<string> set, string item)
    {
        var index = set.BinarySearch(item, StringComparer.Ordinal);
        return index >= 0 ? set : set.Insert(~index, item);
    }

    /// <summary>The set without <paramref name="item"/>.</summary>
    public static ImmutableArray<string> Remove(ImmutableArray<string> set, string item)
    {
        var index = set.BinarySearch(item, StringComparer.Ordinal);
        return index >= 0 ? set.RemoveAt(index) : set;
    }

    /// <summary>The union of <paramref name="set"/> and <paramref name="items"/>.</summary>
    public static ImmutableArray<string> Union(ImmutableArray<string> set, IEnumerable<string> items)
    {
        foreach (var item in items)
        {
            set = Add(set, item);
        }

        return set;
    }
}
