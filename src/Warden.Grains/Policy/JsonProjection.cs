using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;
using Warden.Policy.Json;
using Warden.Policy.Types;
using Warden.Policy.Values;

namespace Warden.Grains.Policy;

/// <summary>
/// Reads JSON as a Cedar value of a declared type, dropping record attributes the type does not declare. Dropping
/// them changes no decision: strict validation guarantees that no published policy can read an undeclared attribute.
/// Declared attributes of the wrong shape, and missing required ones, are errors (the request is then denied).
/// </summary>
internal static class JsonProjection
{
    private const int MaxDepth = 32;

    // The flat path's limits: longer text, or more declared attributes, go to the document path.
    private const int FlatTextLimit = 64 * 1024;
    private const int FlatAttributeLimit = 32;
    private const int StackTextLimit = 256;

    /// <summary>Reads <paramref name="element"/> as <paramref name="type"/>.</summary>
    /// <param name="element">The JSON.</param>
    /// <param name="type">The declared type.</param>
    /// <param name="path">Where the value is, for messages (e.g. <c>context.input</c>).</param>
    /// <exception cref="ProjectionException">The JSON does not have the declared shape.</exception>
    public static CedarValue Project(JsonElement element, CedarType type, string path) => Project(element, type, path, 0);

    /// <summary>
    /// Reads JSON text as <paramref name="type"/> without building a document, when that is sure to give what
    /// <see cref="Project(JsonElement, CedarType, string)"/> over the parsed text gives: for a closed record type whose
    /// declared attributes are all <c>String</c>, <c>Long</c> or <c>Bool</c> (the usual tool arguments), text that is
    /// one well-formed JSON object, each declared attribute at most once and of its declared type, every required one
    /// present. Anything else (malformed or deeply nested text, a repeated or mistyped declared attribute, a missing
    /// required one, another declared type) is left to the document path, which gives the answer or the exception.
    /// </summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="type">The declared type.</param>
    /// <param name="maxDepth">The document path's maximum depth; deeper text is left to it.</param>
    /// <param name="value">The projected value, when this returns true.</param>
    public static bool TryProjectFlat(string json, CedarType type, int maxDepth, out CedarValue value)
    {
        value = default;
        if (type is not RecordType { AdditionalAttributes: false } record || json.Length > FlatTextLimit)
        {
            return false;
        }

        var declared = record.AttributeList;
        if (declared.Length > FlatAttributeLimit)
        {
            return false;
        }

        foreach (var attribute in declared)
        {
            if (attribute.Value.Type is not (StringType or LongType or BoolType))
            {
                return false;
            }
        }

        byte[]? rented = null;
        Span<byte> buffer = json.Length <= StackTextLimit
            ? stackalloc byte[json.Length * 3]
            : (rented = ArrayPool<byte>.Shared.Rent(json.Length * 3));
        try
        {
            // Text that is not valid UTF-16 is left to the document path (which rejects it) rather than replaced.
            if (Utf8.FromUtf16(json, buffer, out _, out var written, replaceInvalidSequences: false) != OperationStatus.Done)
            {
                return false;
            }

            return ReadFlat(buffer[..written], declared.AsSpan(), maxDepth, out value);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static bool ReadFlat(ReadOnlySpan<byte> utf8, ReadOnlySpan<KeyValuePair<string, AttributeType>> declared, int maxDepth, out CedarValue value)
    {
        value = default;
        var found = declared.IsEmpty ? [] : new KeyValuePair<string, CedarValue>[declared.Length];
        var count = 0;
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = maxDepth });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var slot = -1;
                for (var i = 0; i < declared.Length; i++)
                {
                    if (reader.ValueTextEquals(declared[i].Key))
                    {
                        slot = i;
                        break;
                    }
                }

                if (!reader.Read())
                {
                    return false;
                }

                if (slot < 0)
                {
                    // Not declared: dropped, as the document path drops it (its value is still read, so malformed text fails).
                    reader.Skip();
                    continue;
                }

                if (found[slot].Key is not null || !TryReadLeaf(ref reader, declared[slot].Value.Type, out var leaf))
                {
                    // A repeated declared attribute (which occurrence the document path reads is its business) or a mistyped one.
                    return false;
                }

                found[slot] = KeyValuePair.Create(declared[slot].Key, leaf);
                count++;
            }

            // The object has ended; anything after it but whitespace makes the reader throw.
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return false;
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return false;
        }

        for (var i = 0; i < declared.Length; i++)
        {
            if (found[i].Key is null && declared[i].Value.Required)
            {
                return false;
            }
        }

        // The declared attributes are in ordinal order, so the present ones are too.
        if (count < found.Length)
        {
            var present = new KeyValuePair<string, CedarValue>[count];
            var next = 0;
            foreach (var pair in found)
            {
                if (pair.Key is not null)
                {
                    present[next++] = pair;
                }
            }

            found = present;
        }

        value = CedarValue.Record(found.AsSpan());
        return true;
    }

    private static bool TryReadLeaf(ref Utf8JsonReader reader, CedarType type, out CedarValue value)
    {
        switch (type)
        {
            case StringType when reader.TokenType == JsonTokenType.String:
                value = CedarValue.FromString(reader.GetString()!);
                return true;
            case LongType when reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var number):
                value = CedarValue.FromLong(number);
                return true;
            case BoolType when reader.TokenType is JsonTokenType.True or JsonTokenType.False:
                value = CedarValue.FromBool(reader.TokenType == JsonTokenType.True);
                return true;
            default:
                value = default;
                return false;
        }
    }

    private static CedarValue Project(JsonElement element, CedarType type, string path, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new ProjectionException(path, "is nested too deeply");
        }

        switch (type)
        {
            case RecordType record:
                if (element.ValueKind != JsonValueKind.Object)
                {
                    throw new ProjectionException(path, "must be a JSON object");
                }

                var attributes = new List<KeyValuePair<string, CedarValue>>(record.Attributes.Count);
                foreach (var (name, attribute) in record.AttributeList)
                {
                    if (element.TryGetProperty(name, out var value))
                    {
                        attributes.Add(KeyValuePair.Create(name, Project(value, attribute.Type, $"{path}.{name}", depth + 1)));
                    }
                    else if (attribute.Required)
                    {
                        throw new ProjectionException($"{path}.{name}", "is required by the schema");
                    }
                }

                if (record.AdditionalAttributes)
                {
                    foreach (var property in element.EnumerateObject())
                    {
                        if (!record.TryGetAttribute(property.Name, out _))
                        {
                            attributes.Add(KeyValuePair.Create(property.Name, Leaf(property.Value, null, $"{path}.{property.Name}")));
                        }
                    }
                }

                return CedarValue.Record(attributes);
            case SetType set:
                if (element.ValueKind != JsonValueKind.Array)
                {
                    throw new ProjectionException(path, "must be a JSON array");
                }

                var items = new List<CedarValue>(element.GetArrayLength());
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    items.Add(Project(item, set.Element, $"{path}[{index++}]", depth + 1));
                }

                return CedarValue.Set(items);
            default:
                return Leaf(element, type, path);
        }
    }

    private static string Describe(CedarType type) => type switch
    {
        BoolType => "Bool",
        LongType => "Long",
        StringType => "String",
        EntityType entity => entity.Name,
        ExtensionType extension => extension.Name,
        SetType => "Set",
        RecordType => "Record",
        _ => "declared",
    };

    private static CedarValue Leaf(JsonElement element, CedarType? type, string path)
    {
        // The primitive types directly (the common tool arguments); entities and extension values through the engine's reader.
        switch (type)
        {
            case StringType when element.ValueKind == JsonValueKind.String:
                return CedarValue.FromString(element.GetString()!);
            case LongType when element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var number):
                return CedarValue.FromLong(number);
            case BoolType when element.ValueKind is JsonValueKind.True or JsonValueKind.False:
                return CedarValue.FromBool(element.GetBoolean());
            case StringType or LongType or BoolType:
                throw new ProjectionException(path, $"does not have the declared type {Describe(type)}");
        }

        try
        {
            return CedarJson.ParseValue(element, type);
        }
        catch (CedarJsonException)
        {
            // The engine's message may quote the value; tool arguments must not reach decisions, events or logs.
            throw new ProjectionException(path, type is null ? "is not a Cedar value" : $"does not have the declared type {Describe(type)}");
        }
    }
}

/// <summary>JSON that does not have the declared shape.</summary>
internal sealed class ProjectionException : Exception
{
    public ProjectionException()
    {
    }

    public ProjectionException(string message)
        : base(message)
    {
    }

    public ProjectionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ProjectionException(string path, string problem)
        : base($"{path} {problem}")
    {
    }
}
