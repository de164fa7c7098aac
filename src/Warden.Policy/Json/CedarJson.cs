using System.Text.Json;
using Warden.Policy.Entities;
using Warden.Policy.Types;
using Warden.Policy.Values;

namespace Warden.Policy.Json;

/// <summary>
/// Cedar's JSON formats: entities, context, entity uids and values, with the <c>__entity</c>/<c>__extn</c> escapes
/// and their implicit forms. Given an <see cref="ISchemaShapes"/>, parsing is schema-directed and the data is
/// checked against the declared shapes. Errors are <see cref="CedarJsonException"/>s naming where they are.
/// </summary>
public static class CedarJson
{
    private static readonly JsonDocumentOptions Options = new()
    {
        // The reader enforces Cedar's own nesting limit; a few extra levels for the envelopes around values.
        MaxDepth = CedarLimits.MaxJsonDepth + 4,
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
    };

    /// <summary>Reads a JSON array of entities into a store (see <see cref="EntityStore.FromJson"/>).</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="schema">The schema for schema-directed parsing, or null.</param>
    public static EntityStore ParseEntities(string json, ISchemaShapes? schema = null) =>
        WithDocument(json, root => ParseEntities(root, schema));

    /// <summary>Reads a JSON array of entities into a store.</summary>
    /// <param name="root">The parsed JSON array.</param>
    /// <param name="schema">The schema for schema-directed parsing, or null.</param>
    public static EntityStore ParseEntities(JsonElement root, ISchemaShapes? schema = null) => Guard(() =>
    {
        var entities = CedarJsonReader.Create(schema).ReadEntities(root);
        try
        {
            return EntityStore.Create(entities);
        }
        catch (ArgumentException e)
        {
            throw new CedarJsonException(e.Message, e);
        }
    });

    /// <summary>
    /// Reads a request context (a JSON object). With a schema and the request's action, the context is read
    /// against the action's declared context type.
    /// </summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="schema">The schema, or null.</param>
    /// <param name="action">The request's action (needed for schema-directed parsing).</param>
    public static CedarRecord ParseContext(string json, ISchemaShapes? schema = null, EntityUid? action = null) =>
        WithDocument(json, root => ParseContext(root, schema, action));

    /// <summary>Reads a request context from a parsed JSON object.</summary>
    /// <param name="root">The parsed JSON object.</param>
    /// <param name="schema">The schema, or null.</param>
    /// <param name="action">The request's action (needed for schema-directed parsing).</param>
    public static CedarRecord ParseContext(JsonElement root, ISchemaShapes? schema = null, EntityUid? action = null) =>
        Guard(() => CedarJsonReader.Create(schema).ReadContext(root, action));

    /// <summary>Reads an entity uid: <c>{"type": "User", "id": "alice"}</c> or <c>{"__entity": {…}}</c>.</summary>
    /// <param name="json">The JSON text.</param>
    public static EntityUid ParseEntityUid(string json) => WithDocument(json, ParseEntityUid);

    /// <summary>Reads an entity uid from a parsed JSON element.</summary>
    /// <param name="element">The element.</param>
    public static EntityUid ParseEntityUid(JsonElement element) => Guard(() => CedarJsonReader.Create(null).ReadEntityUid(element));

    /// <summary>Reads a Cedar value, schema-directed when <paramref name="expected"/> is given.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="expected">The expected type, or null.</param>
    public static CedarValue ParseValue(string json, CedarType? expected = null) =>
        WithDocument(json, root => ParseValue(root, expected));

    /// <summary>Reads a Cedar value from a parsed JSON element, schema-directed when <paramref name="expected"/> is given.</summary>
    /// <param name="element">The element.</param>
    /// <param name="expected">The expected type, or null.</param>
    public static CedarValue ParseValue(JsonElement element, CedarType? expected = null) =>
        Guard(() => CedarJsonReader.Create(null).ReadValue(element, expected));

    private static T WithDocument<T>(string json, Func<JsonElement, T> read)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, Options);
        }
        catch (JsonException e)
        {
            throw new CedarJsonException("invalid JSON: " + e.Message, e);
        }

        using (document)
        {
            return read(document.RootElement);
        }
    }

    private static T Guard<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (InvalidOperationException e)
        {
            // System.Text.Json reports malformed text inside an otherwise parsed document this way.
            throw new CedarJsonException("invalid JSON: " + e.Message, e);
        }
    }
}
