using MessagePack;
using MessagePack.Formatters;

namespace Warden.Lineage.Records;

/// <summary>
/// Lets <c>MessagePackSerializer</c> (with any resolver that honours <see cref="MessagePackFormatterAttribute"/>,
/// such as the standard one) encode a <see cref="LineageRecord"/> in its canonical form, for example inside a
/// stream message.
/// </summary>
public sealed class LineageRecordFormatter : IMessagePackFormatter<LineageRecord?>
{
    /// <inheritdoc />
    public void Serialize(ref MessagePackWriter writer, LineageRecord? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }

        LineageRecordSerializer.Write(ref writer, value);
    }

    /// <inheritdoc />
    public LineageRecord? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil())
        {
            return null;
        }

        options.Security.DepthStep(ref reader);
        try
        {
            return LineageRecordSerializer.Read(ref reader);
        }
        finally
        {
            reader.Depth--;
        }
    }
}
