using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Warden.Grains.Sessions;

/// <summary>Cheap well-formedness checks of JSON arguments before a decision, so malformed input is a caller error.</summary>
internal static class JsonShape
{
    private static readonly JsonReaderOptions Options = new() { MaxDepth = 64 };

    /// <summary>True when <paramref name="json"/> is null, empty, or one well-formed JSON object.</summary>
    /// <param name="json">The text.</param>
    public static bool IsObjectOrAbsent(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return true;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(json.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(json, buffer);
            var reader = new Utf8JsonReader(buffer.AsSpan(0, length), Options);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
