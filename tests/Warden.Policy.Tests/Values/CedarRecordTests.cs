using Warden.Policy.Values;

namespace Warden.Policy.Tests.Values;

public sealed class CedarRecordTests
{
    private static KeyValuePair<string, CedarValue> Attribute(string name, long value) => new(name, CedarValue.FromLong(value));

    [Fact]
    public void Create_AttributesInAnyOrder_GiveEqualRecordsWithEqualHashes()
    {
        var sorted = CedarRecord.Create([Attribute("a", 1), Attribute("b", 2), Attribute("c", 3)]);
        var reversed = CedarRecord.Create([Attribute("c", 3), Attribute("b", 2), Attribute("a", 1)]);
        var fromList = CedarRecord.Create(new List<KeyValuePair<string, CedarValue>> { Attribute("b", 2), Attribute("a", 1), Attribute("c", 3) });
        var fromSequence = CedarRecord.Create(new[] { Attribute("c", 3), Attribute("a", 1), Attribute("b", 2) }.Select(a => a));
        var other = CedarRecord.Create([Attribute("a", 1), Attribute("b", 2), Attribute("c", 4)]);

        Assert.Equal(["a", "b", "c"], reversed.Keys.ToArray());
        Assert.Equal(sorted, reversed);
        Assert.Equal(sorted, fromList);
        Assert.Equal(sorted, fromSequence);
        Assert.Equal(sorted.GetHashCode(), reversed.GetHashCode());
        Assert.Equal(sorted.GetHashCode(), fromSequence.GetHashCode());
        Assert.NotEqual(sorted, other);
        Assert.Equal(CedarValue.FromRecord(sorted), CedarValue.Record([Attribute("b", 2), Attribute("c", 3), Attribute("a", 1)]));
    }

    [Fact]
    public void Create_DuplicateNameOrMissingValue_IsRefusedWhateverTheInputKind()
    {
        KeyValuePair<string, CedarValue>[] duplicate = [Attribute("b", 1), Attribute("a", 2), Attribute("b", 3)];
        KeyValuePair<string, CedarValue>[] sortedDuplicate = [Attribute("a", 1), Attribute("a", 1)];
        KeyValuePair<string, CedarValue>[] none = [Attribute("a", 1), new("b", default)];

        Assert.Contains("duplicate attribute `b`", Assert.Throws<ArgumentException>(() => CedarRecord.Create(duplicate.AsSpan())).Message, StringComparison.Ordinal);
        Assert.Contains("duplicate attribute `b`", Assert.Throws<ArgumentException>(() => CedarRecord.Create(duplicate.Select(a => a))).Message, StringComparison.Ordinal);
        Assert.Contains("duplicate attribute `b`", Assert.Throws<ArgumentException>(() => CedarRecord.Create(duplicate.ToList())).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => CedarRecord.Create(sortedDuplicate.AsSpan()));
        Assert.Contains("`b` has no value", Assert.Throws<ArgumentException>(() => CedarRecord.Create(none.AsSpan())).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => CedarRecord.Create([new KeyValuePair<string, CedarValue>(null!, CedarValue.True)]));
        Assert.Same(CedarRecord.Empty, CedarRecord.Create(ReadOnlySpan<KeyValuePair<string, CedarValue>>.Empty));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(40)]
    public void TryGetValue_RecordsSmallAndLarge_FindEveryAttributeAndNoOther(int count)
    {
        // Above eight attributes the lookup is a binary search over the ordinally sorted names.
        var names = Enumerable.Range(0, count).Select(i => $"k{i}").OrderBy(n => n.Length).ThenByDescending(n => n, StringComparer.Ordinal).ToArray();
        var record = CedarRecord.Create(names.Select((n, i) => Attribute(n, i)));

        for (var i = 0; i < names.Length; i++)
        {
            Assert.True(record.TryGetValue(names[i], out var value));
            Assert.Equal(i, value.AsLong());
        }

        Assert.False(record.TryGetValue("k", out _));
        Assert.False(record.ContainsKey("zz"));
        Assert.False(record.ContainsKey("K0"));
        Assert.False(record.ContainsKey(string.Empty));
    }
}
