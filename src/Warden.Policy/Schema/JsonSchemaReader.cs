using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Text.Json;
using Warden.Policy.Types;

namespace Warden.Policy.Schemas;

/// <summary>
/// Reads Cedar's JSON schema format into the same declarations as the Cedar format, so both share one set of
/// resolution rules. A JSON syntax error names its line and column; a semantic error names the JSON path
/// (<c>$["NS"].entityTypes.User.shape</c>) because a parsed JSON document keeps no positions.
/// </summary>
internal static class JsonSchemaReader
{
    private static readonly FrozenSet<string> ReservedIdentifiers =
        new[] { "true", "false", "if", "then", "else", "in", "is", "like", "has" }.ToFrozenSet(StringComparer.Ordinal);

    // Fields a type object may carry besides its own: annotations on a common type; required and annotations on an attribute.
    private static readonly string[] AnnotationsField = ["annotations"];
    private static readonly string[] AttributeFields = ["required", "annotations"];

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = (CedarSchemaParser.MaxTypeDepth * 2) + 16 };

    /// <summary>Reads <paramref name="json"/>.</summary>
    /// <exception cref="SchemaException">The JSON is malformed or not a schema.</exception>
    public static List<NamespaceDeclaration> Read(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, Options);
        }
        catch (JsonException e)
        {
            throw new SchemaException($"invalid JSON: {e.Message}", (int)(e.LineNumber ?? -1) + 1, (int)(e.BytePositionInLine ?? -1) + 1);
        }

        using (document)
        {
            var root = document.RootElement;
            Expect(root, JsonValueKind.Object, "$");
            var namespaces = new List<NamespaceDeclaration>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                var path = $"$[{Quote(property.Name)}]";
                if (!seen.Add(property.Name))
                {
                    throw Error(path, $"namespace `{property.Name}` is declared twice");
                }

                namespaces.Add(ReadNamespace(property.Name, property.Value, path));
            }

            return namespaces;
        }
    }

    private static NamespaceDeclaration ReadNamespace(string name, JsonElement element, string path)
    {
        Expect(element, JsonValueKind.Object, path);
        CheckFields(element, path, "entityTypes", "actions", "commonTypes", "annotations");
        SchemaName? nsName = name.Length == 0 ? null : ParseName(name, path);
        var annotations = ReadAnnotations(element, path);
        if (nsName is null && !annotations.IsEmpty)
        {
            throw Error(path, "the empty namespace cannot have annotations");
        }

        var entityTypes = ImmutableArray.CreateBuilder<EntityDeclaration>();
        var entityTypesElement = Required(element, "entityTypes", path);
        Expect(entityTypesElement, JsonValueKind.Object, $"{path}.entityTypes");
        foreach (var entity in entityTypesElement.EnumerateObject())
        {
            entityTypes.Add(ReadEntityType(entity.Name, entity.Value, $"{path}.entityTypes.{entity.Name}"));
        }

        var actions = ImmutableArray.CreateBuilder<ActionDeclaration>();
        var actionsElement = Required(element, "actions", path);
        Expect(actionsElement, JsonValueKind.Object, $"{path}.actions");
        foreach (var action in actionsElement.EnumerateObject())
        {
            actions.Add(ReadAction(action.Name, action.Value, $"{path}.actions[{Quote(action.Name)}]"));
        }

        var commonTypes = ImmutableArray.CreateBuilder<CommonTypeDeclaration>();
        if (element.TryGetProperty("commonTypes", out var commonElement))
        {
            Expect(commonElement, JsonValueKind.Object, $"{path}.commonTypes");
            foreach (var common in commonElement.EnumerateObject())
            {
                var commonPath = $"{path}.commonTypes.{common.Name}";
                CheckIdentifier(common.Name, commonPath);
                commonTypes.Add(new CommonTypeDeclaration(common.Name, ReadType(common.Value, commonPath, 1, AnnotationsField), ReadAnnotations(common.Value, commonPath), At(commonPath)));
            }
        }

        return new NamespaceDeclaration(nsName, entityTypes.ToImmutable(), actions.ToImmutable(), commonTypes.ToImmutable(), annotations, SourcePosition.None);
    }

    private static EntityDeclaration ReadEntityType(string name, JsonElement element, string path)
    {
        CheckIdentifier(name, path);
        Expect(element, JsonValueKind.Object, path);
        var annotations = ReadAnnotations(element, path);
        if (element.TryGetProperty("enum", out var enumElement))
        {
            CheckFields(element, path, "enum", "annotations");
            Expect(enumElement, JsonValueKind.Array, $"{path}.enum");
            var ids = enumElement.EnumerateArray().Select((e, i) => e.ValueKind == JsonValueKind.String ? e.GetString()! : throw Error($"{path}.enum[{i}]", "expected a string")).ToImmutableArray();
            if (ids.IsEmpty)
            {
                throw Error($"{path}.enum", "an enumerated entity type needs at least one id");
            }

            return new EntityDeclaration(name, [], null, null, ids, annotations, At(path));
        }

        CheckFields(element, path, "memberOfTypes", "shape", "tags", "annotations");
        var parents = ImmutableArray<SchemaName>.Empty;
        if (element.TryGetProperty("memberOfTypes", out var memberOf))
        {
            Expect(memberOf, JsonValueKind.Array, $"{path}.memberOfTypes");
            parents = [.. memberOf.EnumerateArray().Select((e, i) => ParseName(StringValue(e, $"{path}.memberOfTypes[{i}]"), $"{path}.memberOfTypes[{i}]"))];
        }

        TypeSyntax? shape = element.TryGetProperty("shape", out var shapeElement) ? ReadType(shapeElement, $"{path}.shape", 1, []) : null;
        TypeSyntax? tags = element.TryGetProperty("tags", out var tagsElement) ? ReadType(tagsElement, $"{path}.tags", 1, []) : null;
        return new EntityDeclaration(name, parents, shape, tags, null, annotations, At(path));
    }

    private static ActionDeclaration ReadAction(string name, JsonElement element, string path)
    {
        Expect(element, JsonValueKind.Object, path);
        CheckFields(element, path, "memberOf", "appliesTo", "attributes", "annotations");
        var parents = ImmutableArray<ActionReference>.Empty;
        if (element.TryGetProperty("memberOf", out var memberOf))
        {
            Expect(memberOf, JsonValueKind.Array, $"{path}.memberOf");
            var list = ImmutableArray.CreateBuilder<ActionReference>();
            var i = 0;
            foreach (var parent in memberOf.EnumerateArray())
            {
                var parentPath = $"{path}.memberOf[{i++}]";
                Expect(parent, JsonValueKind.Object, parentPath);
                CheckFields(parent, parentPath, "id", "type");
                var id = StringValue(Required(parent, "id", parentPath), $"{parentPath}.id");
                SchemaName? type = parent.TryGetProperty("type", out var typeElement)
                    ? ParseName(StringValue(typeElement, $"{parentPath}.type"), $"{parentPath}.type")
                    : null;
                list.Add(new ActionReference(type, id, At(parentPath)));
            }

            parents = list.ToImmutable();
        }

        AppliesToSyntax? appliesTo = null;
        if (element.TryGetProperty("appliesTo", out var appliesElement) && appliesElement.ValueKind != JsonValueKind.Null)
        {
            var appliesPath = $"{path}.appliesTo";
            Expect(appliesElement, JsonValueKind.Object, appliesPath);
            CheckFields(appliesElement, appliesPath, "principalTypes", "resourceTypes", "context");
            appliesTo = new AppliesToSyntax(
                ReadNames(Required(appliesElement, "principalTypes", appliesPath), $"{appliesPath}.principalTypes"),
                ReadNames(Required(appliesElement, "resourceTypes", appliesPath), $"{appliesPath}.resourceTypes"),
                appliesElement.TryGetProperty("context", out var context) ? ReadType(context, $"{appliesPath}.context", 1, []) : null);
        }

        var declaresAttributes = element.TryGetProperty("attributes", out var attributes) && attributes.ValueKind != JsonValueKind.Null;
        return new ActionDeclaration(name, parents, appliesTo, declaresAttributes, ReadAnnotations(element, path), At(path));
    }

    private static ImmutableArray<SchemaName> ReadNames(JsonElement element, string path)
    {
        Expect(element, JsonValueKind.Array, path);
        return [.. element.EnumerateArray().Select((e, i) => ParseName(StringValue(e, $"{path}[{i}]"), $"{path}[{i}]"))];
    }

    private static TypeSyntax ReadType(JsonElement element, string path, int depth, string[] extra)
    {
        if (depth > CedarSchemaParser.MaxTypeDepth)
        {
            throw Error(path, $"types nest deeper than {CedarSchemaParser.MaxTypeDepth} levels");
        }

        Expect(element, JsonValueKind.Object, path);
        var typeName = StringValue(Required(element, "type", path), $"{path}.type");
        var at = At(path);
        switch (typeName)
        {
            case "String":
                CheckFields(element, path, ["type", .. extra]);
                return new PrimitiveTypeSyntax(StringType.Instance, at);
            case "Long":
                CheckFields(element, path, ["type", .. extra]);
                return new PrimitiveTypeSyntax(LongType.Instance, at);
            case "Boolean":
                CheckFields(element, path, ["type", .. extra]);
                return new PrimitiveTypeSyntax(BoolType.Instance, at);
            case "Set":
                CheckFields(element, path, ["type", "element", .. extra]);
                return new SetTypeSyntax(ReadType(Required(element, "element", path), $"{path}.element", depth + 1, []), at);
            case "Entity":
                CheckFields(element, path, ["type", "name", .. extra]);
                return new NamedTypeSyntax(ParseName(StringValue(Required(element, "name", path), $"{path}.name"), $"{path}.name"), ReferenceKind.Entity);
            case "EntityOrCommon":
                CheckFields(element, path, ["type", "name", .. extra]);
                return new NamedTypeSyntax(ParseName(StringValue(Required(element, "name", path), $"{path}.name"), $"{path}.name"), ReferenceKind.CommonOrEntity);
            case "Extension":
                CheckFields(element, path, ["type", "name", .. extra]);
                return new ExtensionTypeSyntax(StringValue(Required(element, "name", path), $"{path}.name"), at);
            case "Record":
                CheckFields(element, path, ["type", "attributes", "additionalAttributes", .. extra]);
                var attributes = ImmutableArray.CreateBuilder<AttributeSyntax>();
                if (element.TryGetProperty("attributes", out var attributesElement))
                {
                    Expect(attributesElement, JsonValueKind.Object, $"{path}.attributes");
                    foreach (var attribute in attributesElement.EnumerateObject())
                    {
                        var attributePath = $"{path}.attributes[{Quote(attribute.Name)}]";
                        var required = true;
                        if (attribute.Value.ValueKind == JsonValueKind.Object && attribute.Value.TryGetProperty("required", out var requiredElement))
                        {
                            required = requiredElement.ValueKind switch
                            {
                                JsonValueKind.True => true,
                                JsonValueKind.False => false,
                                _ => throw Error($"{attributePath}.required", "expected true or false"),
                            };
                        }

                        var type = ReadType(attribute.Value, attributePath, depth + 1, AttributeFields);
                        attributes.Add(new AttributeSyntax(attribute.Name, type, required, ReadAnnotations(attribute.Value, attributePath), at));
                    }
                }

                var additional = false;
                if (element.TryGetProperty("additionalAttributes", out var additionalElement))
                {
                    additional = additionalElement.ValueKind switch
                    {
                        JsonValueKind.True => true,
                        JsonValueKind.False => false,
                        _ => throw Error($"{path}.additionalAttributes", "expected true or false"),
                    };
                }

                return new RecordTypeSyntax(attributes.ToImmutable(), additional, at);
            default:
                // Any other name is a reference that must resolve to a common type.
                CheckFields(element, path, ["type", .. extra]);
                return new NamedTypeSyntax(ParseName(typeName, $"{path}.type"), ReferenceKind.Common);
        }
    }

    private static ImmutableDictionary<string, string> ReadAnnotations(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("annotations", out var annotations))
        {
            return ImmutableDictionary<string, string>.Empty;
        }

        Expect(annotations, JsonValueKind.Object, $"{path}.annotations");
        var result = ImmutableDictionary<string, string>.Empty;
        foreach (var annotation in annotations.EnumerateObject())
        {
            if (!IsIdentifier(annotation.Name))
            {
                throw Error($"{path}.annotations", $"`{annotation.Name}` is not a valid annotation name");
            }

            result = result.SetItem(annotation.Name, StringValue(annotation.Value, $"{path}.annotations.{annotation.Name}"));
        }

        return result;
    }

    private static SchemaName ParseName(string text, string path)
    {
        var parts = text.Split("::");
        foreach (var part in parts)
        {
            if (!IsIdentifier(part))
            {
                throw Error(path, $"`{text}` is not a valid name");
            }

            if (ReservedIdentifiers.Contains(part))
            {
                throw Error(path, $"`{part}` is a reserved identifier");
            }
        }

        return new SchemaName([.. parts], At(path));
    }

    private static void CheckIdentifier(string name, string path)
    {
        if (!IsIdentifier(name))
        {
            throw Error(path, $"`{name}` is not a valid identifier");
        }

        if (ReservedIdentifiers.Contains(name))
        {
            throw Error(path, $"`{name}` is a reserved identifier");
        }
    }

    private static bool IsIdentifier(string text) =>
        text.Length > 0
        && (text[0] == '_' || char.IsAsciiLetter(text[0]))
        && text.AsSpan(1).IndexOfAnyExcept(IdentifierChars) < 0;

    private static readonly System.Buffers.SearchValues<char> IdentifierChars =
        System.Buffers.SearchValues.Create("_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");

    private static void CheckFields(JsonElement element, string path, params string[] allowed)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (Array.IndexOf(allowed, property.Name) < 0)
            {
                throw Error(path, $"unexpected field `{property.Name}` (expected one of {string.Join(", ", allowed.Select(a => $"`{a}`"))})");
            }
        }
    }

    private static JsonElement Required(JsonElement element, string field, string path) =>
        element.TryGetProperty(field, out var value) ? value : throw Error(path, $"missing field `{field}`");

    private static string StringValue(JsonElement element, string path) =>
        element.ValueKind == JsonValueKind.String ? element.GetString()! : throw Error(path, "expected a string");

    private static void Expect(JsonElement element, JsonValueKind kind, string path)
    {
        if (element.ValueKind != kind)
        {
            throw Error(path, $"expected {kind.ToString().ToLowerInvariant()}, found {element.ValueKind.ToString().ToLowerInvariant()}");
        }
    }

    private static string Quote(string text) => $"\"{JsonEncodedText.Encode(text)}\"";

    // A parsed document keeps no positions; errors carry the JSON path instead.
    private static SourcePosition At(string path) => SourcePosition.None;

    private static SchemaException Error(string path, string message) => new($"{message} at {path}");
}
