using Warden.Lineage.Records;

namespace Warden.Grains.Lineage;

/// <summary>Orleans' wire form of a committed <see cref="LineageRecord"/>: its canonical MessagePack bytes (hash included).</summary>
[GenerateSerializer, Immutable, Alias("warden.LineageRecordSurrogate")]
public readonly struct LineageRecordSurrogate
{
    /// <summary>The canonical encoding (<see cref="LineageRecordSerializer"/>).</summary>
    [Id(0)] public byte[] Bytes { get; init; }
}

/// <summary>Converts <see cref="LineageRecord"/> to and from its canonical bytes for streams and grain calls.</summary>
[RegisterConverter]
public sealed class LineageRecordSurrogateConverter : IConverter<LineageRecord, LineageRecordSurrogate>
{
    /// <inheritdoc />
    public LineageRecord ConvertFromSurrogate(in LineageRecordSurrogate surrogate) => LineageRecordSerializer.Deserialize(surrogate.Bytes);

    /// <inheritdoc />
    public LineageRecordSurrogate ConvertToSurrogate(in LineageRecord value) => new() { Bytes = LineageRecordSerializer.Serialize(value) };
}
