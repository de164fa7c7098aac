using Warden.Policy.Values;

namespace Warden.Policy.Tests.Values;

public sealed class CedarRecordShapeTests
{
    [Fact]
    public void Create_ValuesInNameOrder_IsTheRecordBuiltFromThePairs()
    {
        var shape = new CedarRecordShape(["zeta", "alpha", "Beta", "alpha2"]);
        CedarValue[] values = [CedarValue.FromLong(1), CedarValue.FromString("a"), CedarValue.True, CedarValue.FromString("z")];

        var record = shape.Create(values);
        var expected = CedarRecord.Create([
            new("Beta", values[0]),
            new("alpha", values[1]),
            new("alpha2", values[2]),
            new("zeta", values[3]),
        ]);

        Assert.Equal(["Beta", "alpha", "alpha2", "zeta"], shape.Names.ToArray());
        Assert.Equal(expected, record);
        Assert.Equal(expected.GetHashCode(), record.GetHashCode());
        Assert.Equal(2, shape.IndexOf("alpha2"));
        Assert.Equal(-1, shape.IndexOf("missing"));
        Assert.True(record.TryGetValue("zeta", out var zeta) && zeta.Equals(CedarValue.FromString("z")));
    }

    [Fact]
    public void Create_RecordsOfOneShape_AreIndependentOfEachOtherAndOfTheValuesPassed()
    {
        var shape = new CedarRecordShape(["a", "b"]);
        var values = new[] { CedarValue.FromLong(1), CedarValue.FromLong(2) };

        var first = shape.Create(values);
        values[0] = CedarValue.FromLong(9);
        var second = shape.Create(values);

        Assert.Equal(CedarRecord.Create([new("a", CedarValue.FromLong(1)), new("b", CedarValue.FromLong(2))]), first);
        Assert.Equal(CedarRecord.Create([new("a", CedarValue.FromLong(9)), new("b", CedarValue.FromLong(2))]), second);
    }

    [Fact]
    public void Shape_DuplicateNamesWrongCountOrMissingValue_AreRejected()
    {
        var shape = new CedarRecordShape(["a", "b"]);

        Assert.Throws<ArgumentException>(() => new CedarRecordShape(["a", "b", "a"]));
        Assert.Throws<ArgumentException>(() => shape.Create([CedarValue.FromLong(1)]));
        Assert.Throws<ArgumentException>(() => shape.Create([CedarValue.FromLong(1), default]));
        Assert.Same(CedarRecord.Empty, new CedarRecordShape([]).Create([]));
    }
}
