using System.Text.Json;
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

    /// <summary>Reads <paramref name="element"/> as <paramref name="type"/>.</summary>
    /// <param name="element">The JSON.</param>
    /// <param name="type">The declared type.</param>
    /// <param name="path">Where the value is, for messages (e.g. <c>context.input</c>).</param>
    /// <exception cref="ProjectionException">The JSON does not have the declared shape.</exception>
    public static CedarValue Project(JsonElement element, CedarType type, string path) => Project(element, type, path, 0);

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
