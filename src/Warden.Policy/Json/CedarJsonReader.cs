using System.Globalization;
using System.Text;
using System.Text.Json;
using Warden.Policy.Entities;
using Warden.Policy.Extensions;
using Warden.Policy.Syntax;
using Warden.Policy.Types;
using Warden.Policy.Values;

namespace Warden.Policy.Json;

/// <summary>
/// Reads Cedar's JSON formats from a parsed document: values (with the <c>__entity</c> and <c>__extn</c> escapes),
/// entity uids, entities and context; schema-directed when an expected <see cref="CedarType"/> is known.
/// </summary>
/// <remarks>
/// Cedar's rules, as its serde-based parser applies them: an escape is an object with that single key whose
/// value has the escape's fields (extra inner fields are ignored); anything else is a record. Numbers must be
/// integers that fit 64 bits (read from the text, never through a double). Duplicate keys are an error.
/// </remarks>
internal sealed class CedarJsonReader
{
    private readonly List<PathSegment> _path = [];
    private Dictionary<string, HashSet<string>>? _ancestorTypes;

    private CedarJsonReader(ISchemaShapes? schema)
    {
        Schema = schema;
    }

    private ISchemaShapes? Schema { get; }

    public static CedarJsonReader Create(ISchemaShapes? schema) => new(schema);

    // ---------------------------------------------------------------- entities and context

    public List<Entity> ReadEntities(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Array)
        {
            throw Error($"expected a JSON array of entities, found {Describe(root)}");
        }

        var entities = new List<Entity>();
        var dataActions = new List<(Entity Action, int Index)>();
        var index = 0;
        foreach (var item in root.EnumerateArray())
        {
            _path.Add(PathSegment.At(index));
            var entity = ReadEntity(item);
            if (Schema is not null && entity.Uid.IsAction)
            {
                dataActions.Add((entity, index));
            }
            else
            {
                entities.Add(entity);
            }

            _path.RemoveAt(_path.Count - 1);
            index++;
        }

        if (Schema is not null)
        {
            CheckActionsMatchSchema(dataActions);

            // The schema's actions are entities too, with their groups as parents; they replace any
            // action the data also lists, so the hierarchy is the schema's.
            foreach (var action in Schema.Actions)
            {
                var uid = NewUid(action.Type, action.Id);
                var parents = action.MemberOf.Select(m => NewUid(m.Type, m.Id));
                entities.Add(new Entity(uid, CedarRecord.Empty, parents));
            }
        }

        return entities;
    }

    public CedarRecord ReadContext(JsonElement root, EntityUid? action)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Error($"expected a JSON object for the context, found {Describe(root)}");
        }

        RecordType? type = null;
        if (Schema is not null && action is not null)
        {
            var shape = Schema.FindAction(action.Type, action.Id)
                ?? throw Error($"action `{action}` is not declared in the schema, so its context cannot be read");
            type = shape.Context;
        }

        var value = type is null ? ReadUntypedRecord(root, 0) : ReadTypedRecord(root, type, 0);
        return value.AsRecord();
    }

    public EntityUid ReadEntityUid(JsonElement element)
    {
        if (TryReadEntityUid(element, implicitAllowed: true, out var uid))
        {
            return uid;
        }

        throw Error($"expected an entity uid (`{{\"type\": …, \"id\": …}}` or `{{\"__entity\": …}}`), found {Describe(element)}");
    }

    public CedarValue ReadValue(JsonElement element, CedarType? expected) =>
        expected is null ? ReadUntyped(element, 0) : ReadTyped(element, expected, 0);

    // Cedar compares an action entity the data lists with the schema's declaration of it (same attributes, none,
    // and the same ancestors once the data's own action hierarchy is closed transitively) and refuses a mismatch;
    // a matching one is then replaced by the schema's, so the hierarchy is always the schema's.
    private void CheckActionsMatchSchema(List<(Entity Action, int Index)> dataActions)
    {
        if (dataActions.Count == 0)
        {
            return;
        }

        var byUid = new Dictionary<EntityUid, Entity>();
        foreach (var (action, index) in dataActions)
        {
            if (byUid.TryGetValue(action.Uid, out var earlier))
            {
                if (!earlier.ContentEquals(action))
                {
                    _path.Add(PathSegment.At(index));
                    throw Error($"duplicate entity entry `{action.Uid}`");
                }

                continue;
            }

            byUid.Add(action.Uid, action);
        }

        foreach (var (action, index) in dataActions)
        {
            if (action.Attributes.Count != 0
                || !Closure(action.Uid, uid => byUid.TryGetValue(uid, out var e) ? e.Parents : [])
                    .SetEquals(Closure(action.Uid, uid => Schema!.FindAction(uid.Type, uid.Id)?.MemberOf.Select(m => NewUid(m.Type, m.Id)) ?? [])))
            {
                _path.Add(PathSegment.At(index));
                throw Error($"definition of action `{action.Uid}` does not match its schema declaration");
            }
        }
    }

    // Every uid reachable from `start` through `parents`, excluding `start` unless a cycle leads back to it.
    private static HashSet<EntityUid> Closure(EntityUid start, Func<EntityUid, IEnumerable<EntityUid>> parents)
    {
        var seen = new HashSet<EntityUid>();
        var pending = new Stack<EntityUid>();
        pending.Push(start);
        while (pending.Count > 0)
        {
            foreach (var parent in parents(pending.Pop()))
            {
                if (seen.Add(parent))
                {
                    pending.Push(parent);
                }
            }
        }

        return seen;
    }

    // The entity types an entity of `type` may have as ancestors: the transitive closure of the schema's
    // `in [...]` declarations. Cedar checks every parent's type against this set, not against the direct list.
    private HashSet<string> AllowedAncestorTypes(EntityShape shape)
    {
        _ancestorTypes ??= new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        if (_ancestorTypes.TryGetValue(shape.Name, out var cached))
        {
            return cached;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(shape.MemberOfTypes);
        while (pending.Count > 0)
        {
            var type = pending.Pop();
            if (seen.Add(type) && Schema!.FindEntityType(type) is { } parentShape)
            {
                foreach (var next in parentShape.MemberOfTypes)
                {
                    pending.Push(next);
                }
            }
        }

        _ancestorTypes[shape.Name] = seen;
        return seen;
    }

    // With a schema, a reference to an enumerated entity type must name one of its declared ids, wherever it
    // appears (the entity itself, a parent, an attribute, a tag, a set element, a record field, the context).
    private void CheckEnumReference(EntityUid uid)
    {
        if (Schema?.FindEntityType(uid.Type) is { EnumIds: { } ids } && !ids.Contains(uid.Id))
        {
            throw Error($"entity `{uid}` is of an enumerated entity type, but `{uid.Id}` is not one of its declared ids");
        }
    }

    private Entity ReadEntity(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw Error($"expected an entity object, found {Describe(item)}");
        }

        JsonElement? uidElement = null, attrsElement = null, parentsElement = null, tagsElement = null;
        foreach (var property in UniqueProperties(item))
        {
            switch (property.Name)
            {
                case "uid":
                    uidElement = property.Value;
                    break;
                case "attrs":
                    attrsElement = property.Value;
                    break;
                case "parents":
                    parentsElement = property.Value;
                    break;
                case "tags":
                    tagsElement = property.Value;
                    break;
            }
        }

        if (uidElement is null || attrsElement is null || parentsElement is null)
        {
            var missing = uidElement is null ? "uid" : attrsElement is null ? "attrs" : "parents";
            throw Error($"missing field `{missing}`");
        }

        _path.Add(PathSegment.Named("uid"));
        var uid = ReadEntityUid(uidElement.Value);
        _path.RemoveAt(_path.Count - 1);

        if (parentsElement.Value.ValueKind != JsonValueKind.Array)
        {
            throw Error($"`parents` must be an array, found {Describe(parentsElement.Value)}");
        }

        var parents = new List<EntityUid>();
        var p = 0;
        foreach (var parentElement in parentsElement.Value.EnumerateArray())
        {
            _path.Add(PathSegment.Named("parents"));
            _path.Add(PathSegment.At(p));
            var parent = ReadEntityUid(parentElement);

            // Cedar refuses this with or without a schema: actions form their own hierarchy.
            if (uid.IsAction && !parent.IsAction)
            {
                throw Error($"action `{uid}` has a non-action parent `{parent}`");
            }

            parents.Add(parent);
            _path.RemoveRange(_path.Count - 2, 2);
            p++;
        }

        if (attrsElement.Value.ValueKind != JsonValueKind.Object)
        {
            throw Error($"`attrs` must be an object, found {Describe(attrsElement.Value)}");
        }

        if (tagsElement is { } tagsValue && tagsValue.ValueKind != JsonValueKind.Object)
        {
            throw Error($"`tags` must be an object, found {Describe(tagsValue)}");
        }

        if (Schema is null)
        {
            return new Entity(uid, Read("attrs", () => ReadUntypedRecord(attrsElement.Value, 1)).AsRecord(), parents, ReadUntypedTags(tagsElement));
        }

        if (uid.IsAction)
        {
            if (Schema.FindAction(uid.Type, uid.Id) is null)
            {
                throw Error($"action `{uid}` is not declared in the schema");
            }

            // Read untyped, as Cedar does; compared with the schema's declaration once every entity is read.
            return new Entity(uid, Read("attrs", () => ReadUntypedRecord(attrsElement.Value, 1)).AsRecord(), parents, ReadUntypedTags(tagsElement));
        }

        var shape = Schema.FindEntityType(uid.Type) ?? throw Error($"entity `{uid}` has type `{uid.Type}`, which is not declared in the schema");
        if (shape.EnumIds is not null && !shape.EnumIds.Contains(uid.Id))
        {
            throw Error($"entity `{uid}` is not one of the enumerated ids of `{uid.Type}`");
        }

        var allowed = AllowedAncestorTypes(shape);
        foreach (var parent in parents)
        {
            CheckEnumReference(parent);
            if (!allowed.Contains(parent.Type))
            {
                throw Error($"`{uid}` is not allowed to have an ancestor of type `{parent.Type}` according to the schema");
            }
        }

        var attributes = Read("attrs", () => ReadTypedRecord(attrsElement.Value, shape.Attributes, 1)).AsRecord();
        CedarRecord? tags = null;
        if (tagsElement is { } tagObject && tagObject.EnumerateObject().Any())
        {
            if (shape.Tags is null)
            {
                throw Error($"entity `{uid}` has tags, but its type `{uid.Type}` declares none");
            }

            var tagType = shape.Tags;
            var list = new List<KeyValuePair<string, CedarValue>>();
            foreach (var property in UniqueProperties(tagObject))
            {
                _path.Add(PathSegment.Named("tags"));
                _path.Add(PathSegment.Named(property.Name));
                list.Add(new(property.Name, ReadTyped(property.Value, tagType, 2)));
                _path.RemoveRange(_path.Count - 2, 2);
            }

            tags = BuildRecord(list);
        }

        return new Entity(uid, attributes, parents, tags);
    }

    private CedarRecord? ReadUntypedTags(JsonElement? tags) =>
        tags is { } element ? Read("tags", () => ReadUntypedRecord(element, 1)).AsRecord() : null;

    // ---------------------------------------------------------------- values

    private CedarValue ReadUntyped(JsonElement element, int depth)
    {
        CheckDepth(depth);
        switch (element.ValueKind)
        {
            case JsonValueKind.True:
                return CedarValue.True;
            case JsonValueKind.False:
                return CedarValue.False;
            case JsonValueKind.Number:
                return element.TryGetInt64(out var number)
                    ? CedarValue.FromLong(number)
                    : throw Error($"`{element.GetRawText()}` is not an integer that fits a 64-bit signed long");
            case JsonValueKind.String:
                return CedarValue.FromString(GetString(element));
            case JsonValueKind.Array:
                {
                    var items = new List<CedarValue>();
                    var i = 0;
                    foreach (var item in element.EnumerateArray())
                    {
                        _path.Add(PathSegment.At(i));
                        items.Add(ReadUntyped(item, depth + 1));
                        _path.RemoveAt(_path.Count - 1);
                        i++;
                    }

                    return CedarValue.FromSet(CedarSet.FromList(items));
                }

            case JsonValueKind.Object:
                if (TryEntityEscape(element, out var uid))
                {
                    CheckEnumReference(uid);
                    return CedarValue.FromEntity(uid);
                }

                if (TryExtensionEscape(element, depth, out var extension))
                {
                    return extension;
                }

                if (TrySingleProperty(element, "__expr", out var expr) && expr.ValueKind == JsonValueKind.String)
                {
                    throw Error("the `__expr` escape is no longer supported");
                }

                return ReadUntypedRecord(element, depth);
            default:
                throw Error($"{Describe(element)} is not a Cedar value");
        }
    }

    private CedarValue ReadUntypedRecord(JsonElement element, int depth)
    {
        CheckDepth(depth);
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Error($"expected a record (JSON object), found {Describe(element)}");
        }

        var list = new List<KeyValuePair<string, CedarValue>>();
        foreach (var property in UniqueProperties(element))
        {
            _path.Add(PathSegment.Named(property.Name));
            list.Add(new(property.Name, ReadUntyped(property.Value, depth + 1)));
            _path.RemoveAt(_path.Count - 1);
        }

        return CedarValue.FromRecord(BuildRecord(list));
    }

    private CedarValue ReadTyped(JsonElement element, CedarType expected, int depth)
    {
        CheckDepth(depth);
        switch (expected)
        {
            case EntityType entityType:
                {
                    if (!TryReadEntityUid(element, implicitAllowed: true, out var uid))
                    {
                        throw Error($"expected an entity reference of type `{entityType.Name}`, found {Describe(element)}");
                    }

                    if (uid.Type != entityType.Name)
                    {
                        throw Error($"expected an entity of type `{entityType.Name}`, found `{uid}`");
                    }

                    CheckEnumReference(uid);
                    return CedarValue.FromEntity(uid);
                }

            case ExtensionType extensionType:
                {
                    var kind = ExtensionCalls.KindOf(extensionType.Name);
                    CedarValue value;
                    if (TryExtensionEscape(element, depth, out var escaped))
                    {
                        value = escaped;
                    }
                    else if (TryImplicitExtension(element, depth, out var implicitCall))
                    {
                        value = implicitCall;
                    }
                    else
                    {
                        // A bare value goes to the type's constructor: "10.0.0.1" for an ipaddr, "1.5" for a decimal.
                        var constructor = ExtensionCalls.ConstructorFor(extensionType.Name)
                            ?? throw Error($"unknown extension type `{extensionType.Name}`");
                        value = Invoke(constructor, [ReadUntyped(element, depth + 1)]);
                    }

                    if (value.Kind != kind)
                    {
                        throw Error($"expected a value of type `{extensionType.Name}`, found a {CedarValue.KindName(value.Kind)}");
                    }

                    return value;
                }

            case SetType setType:
                {
                    if (element.ValueKind != JsonValueKind.Array)
                    {
                        throw Error($"expected a set (JSON array), found {Describe(element)}");
                    }

                    var items = new List<CedarValue>();
                    var i = 0;
                    foreach (var item in element.EnumerateArray())
                    {
                        _path.Add(PathSegment.At(i));
                        items.Add(ReadTyped(item, setType.Element, depth + 1));
                        _path.RemoveAt(_path.Count - 1);
                        i++;
                    }

                    return CedarValue.FromSet(CedarSet.FromList(items));
                }

            case RecordType recordType:
                return ReadTypedRecord(element, recordType, depth);
            default:
                {
                    var value = ReadUntyped(element, depth);
                    var kind = expected switch
                    {
                        BoolType => CedarValueKind.Bool,
                        LongType => CedarValueKind.Long,
                        _ => CedarValueKind.String,
                    };
                    if (value.Kind != kind)
                    {
                        throw Error($"expected a {CedarValue.KindName(kind)}, found a {CedarValue.KindName(value.Kind)}");
                    }

                    return value;
                }
        }
    }

    private CedarValue ReadTypedRecord(JsonElement element, RecordType type, int depth)
    {
        CheckDepth(depth);
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Error($"expected a record (JSON object), found {Describe(element)}");
        }

        var list = new List<KeyValuePair<string, CedarValue>>();
        foreach (var property in UniqueProperties(element))
        {
            _path.Add(PathSegment.Named(property.Name));
            if (type.Attributes.TryGetValue(property.Name, out var attribute))
            {
                list.Add(new(property.Name, ReadTyped(property.Value, attribute.Type, depth + 1)));
            }
            else if (type.AdditionalAttributes)
            {
                list.Add(new(property.Name, ReadUntyped(property.Value, depth + 1)));
            }
            else
            {
                throw Error("this attribute is not declared in the schema");
            }

            _path.RemoveAt(_path.Count - 1);
        }

        foreach (var (name, attribute) in type.Attributes)
        {
            if (attribute.Required && !list.Exists(p => p.Key == name))
            {
                throw Error($"the required attribute `{name}` is missing");
            }
        }

        return CedarValue.FromRecord(BuildRecord(list));
    }

    // ---------------------------------------------------------------- escapes

    private bool TryReadEntityUid(JsonElement element, bool implicitAllowed, out EntityUid uid)
    {
        if (TryEntityEscape(element, out uid))
        {
            return true;
        }

        if (implicitAllowed && element.ValueKind == JsonValueKind.Object && TryTypeAndId(element, out uid))
        {
            return true;
        }

        uid = null!;
        return false;
    }

    private bool TryEntityEscape(JsonElement element, out EntityUid uid)
    {
        uid = null!;
        return TrySingleProperty(element, "__entity", out var inner) && TryTypeAndId(inner, out uid);
    }

    private bool TryTypeAndId(JsonElement element, out EntityUid uid)
    {
        uid = null!;
        if (element.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        JsonElement? type = null, id = null;
        foreach (var property in UniqueProperties(element))
        {
            if (property.Name == "type")
            {
                type = property.Value;
            }
            else if (property.Name == "id")
            {
                id = property.Value;
            }
        }

        if (type is not { ValueKind: JsonValueKind.String } || id is not { ValueKind: JsonValueKind.String })
        {
            return false;
        }

        var typeName = GetString(type.Value);
        if (!CedarNames.IsValidName(typeName))
        {
            throw Error($"`{typeName}` is not a valid entity type name (a normalized Cedar name such as `NS::User`)");
        }

        uid = EntityUid.Trusted(typeName, GetString(id.Value));
        return true;
    }

    private bool TryExtensionEscape(JsonElement element, int depth, out CedarValue value)
    {
        value = default;
        return TrySingleProperty(element, "__extn", out var inner) && TryImplicitExtension(inner, depth + 1, out value);
    }

    // `{"fn": name, "arg": value}` or `{"fn": name, "args": [values]}`.
    private bool TryImplicitExtension(JsonElement element, int depth, out CedarValue value)
    {
        value = default;
        if (element.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        JsonElement? fn = null, arg = null, args = null;
        foreach (var property in UniqueProperties(element))
        {
            switch (property.Name)
            {
                case "fn":
                    fn = property.Value;
                    break;
                case "arg":
                    arg = property.Value;
                    break;
                case "args":
                    args = property.Value;
                    break;
            }
        }

        if (fn is not { ValueKind: JsonValueKind.String } || (arg is null && args is not { ValueKind: JsonValueKind.Array }))
        {
            return false;
        }

        var name = GetString(fn.Value);
        var arguments = new List<CedarValue>();
        if (arg is { } single)
        {
            arguments.Add(ReadUntyped(single, depth + 1));
        }
        else
        {
            foreach (var item in args!.Value.EnumerateArray())
            {
                arguments.Add(ReadUntyped(item, depth + 1));
            }
        }

        if (ExtensionFunctions.Arity(name) < 0)
        {
            throw Error($"`{name}` is not an extension function");
        }

        value = Invoke(name, [.. arguments]);
        return true;
    }

    private bool TrySingleProperty(JsonElement element, string name, out JsonElement value)
    {
        value = default;
        if (element.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        var count = 0;
        foreach (var property in element.EnumerateObject())
        {
            count++;
            if (count > 1 || property.Name != name)
            {
                return false;
            }

            value = property.Value;
        }

        return count == 1;
    }

    private CedarValue Invoke(string name, CedarValue[] arguments) =>
        ExtensionCalls.TryInvoke(name, arguments, out var result, out var error) ? result : throw Error(error!);

    // ---------------------------------------------------------------- helpers

    private CedarValue Read(string segment, Func<CedarValue> read)
    {
        _path.Add(PathSegment.Named(segment));
        var value = read();
        _path.RemoveAt(_path.Count - 1);
        return value;
    }

    private List<JsonProperty> UniqueProperties(JsonElement element)
    {
        var properties = new List<JsonProperty>();
        HashSet<string>? seen = null;
        foreach (var property in element.EnumerateObject())
        {
            var name = property.Name;
            bool duplicate;
            if (seen is not null)
            {
                duplicate = !seen.Add(name);
            }
            else
            {
                duplicate = false;
                foreach (var earlier in properties)
                {
                    if (earlier.NameEquals(name))
                    {
                        duplicate = true;
                        break;
                    }
                }

                if (properties.Count == 8)
                {
                    // Past a handful of keys, a set keeps the check linear.
                    seen = new HashSet<string>(properties.Select(p => p.Name), StringComparer.Ordinal);
                    duplicate |= !seen.Add(name);
                }
            }

            if (duplicate)
            {
                throw Error($"duplicate key `{name}`");
            }

            properties.Add(property);
        }

        return properties;
    }

    private CedarRecord BuildRecord(List<KeyValuePair<string, CedarValue>> list) =>
        CedarRecord.TryFromList(list, out var record, out var duplicate) ? record : throw Error($"duplicate key `{duplicate}`");

    private string GetString(JsonElement element)
    {
        try
        {
            return element.GetString()!;
        }
        catch (InvalidOperationException e)
        {
            throw new CedarJsonException(PathText(), "invalid string (lone surrogate or bad escape): " + e.Message);
        }
    }

    private EntityUid NewUid(string type, string id) =>
        CedarNames.IsValidName(type) ? EntityUid.Trusted(type, id) : throw Error($"`{type}` is not a valid entity type name");

    private void CheckDepth(int depth)
    {
        if (depth > CedarLimits.MaxJsonDepth)
        {
            throw Error($"values are nested more than {CedarLimits.MaxJsonDepth} levels deep");
        }
    }

    private CedarJsonException Error(string message) => new(PathText(), message);

    private string PathText()
    {
        var builder = new StringBuilder();
        foreach (var segment in _path)
        {
            if (segment.Name is null)
            {
                builder.Append('[').Append(segment.Index.ToString(CultureInfo.InvariantCulture)).Append(']');
            }
            else
            {
                builder.Append('.').Append(segment.Name);
            }
        }

        return builder.Length > 0 && builder[0] == '.' ? builder.ToString(1, builder.Length - 1) : builder.ToString();
    }

    private readonly record struct PathSegment(string? Name, int Index)
    {
        public static PathSegment Named(string name) => new(name, 0);

        public static PathSegment At(int index) => new(null, index);
    }

    private static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
