using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Warden.Validation;

/// <summary>
/// Cheap well-formedness checks of JSON arguments, so malformed input is a caller error: the edge runs them to answer
/// <c>InvalidArgument</c> on <c>input_json</c>, the grains run them again on every call. A forward-only read of pooled
/// UTF-8, at most 64 levels deep: no document is built.
/// </summary>
public static class JsonShape
{
    private static readonly JsonReaderOptions Options = new() { MaxDepth = 64 };

    /// <summary>True when <paramref name="json"/> is null, empty or white space, or one well-formed JSON object.</summary>
    /// <param name="json">The text.</param>
    public static bool IsObjectOrAbsent(string? json) => string.IsNullOrWhiteSpace(json) || IsObject(json);

    /// <summary>True when <paramref name="json"/> is exactly one well-formed JSON object (white space around it allowed).</summary>
    /// <param name="json">The text.</param>
    public static bool IsObject(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(json.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(json, buffer);
            var reader = new Utf8JsonReader(buffer.AsSpan(0, length), Options);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            // Skip reads to the object's end (every token checked); anything but white space after it is an error.
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
