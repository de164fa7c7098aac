using Warden.Policy.Schemas;
using Warden.Policy.Types;
using Warden.Policy.Values;

namespace Warden.Policy.Validation;

/// <summary>
/// Whether a value has a declared type, as Cedar checks entity attributes, tags and request contexts: the kinds
/// match, sets have only conforming elements, records have every required attribute and (unless the type is open)
/// no other, an entity reference names the declared entity type, and an entity of an enumerated type uses a
/// listed id.
/// </summary>
internal static class ValueConformance
{
    /// <summary>Deepest value nesting followed; deeper values are reported, never overflow the stack.</summary>
    public const int MaxDepth = 256;

    /// <summary>Checks <paramref name="value"/> against <paramref name="type"/>, adding a reason per problem found.</summary>
    /// <returns>True when the value conforms.</returns>
    public static bool Check(Schema schema, CedarValue value, CedarType type, string path, List<string> problems) =>
        Check(schema, value, type, path, problems, 0);

    /// <summary>Checks that every entity reference inside <paramref name="value"/> of an enumerated type uses a listed id.</summary>
    public static bool CheckEnumReferences(Schema schema, CedarValue value, string path, List<string> problems, int depth = 0)
    {
        if (depth > MaxDepth)
        {
            problems.Add($"{path}: value nests deeper than {MaxDepth} levels");
            return false;
        }

        switch (value.Kind)
        {
            case CedarValueKind.Entity:
                return CheckEnumId(schema, value.AsEntity(), path, problems);
            case CedarValueKind.Set:
                var ok = true;
                foreach (var item in value.AsSet().Items)
                {
                    ok &= CheckEnumReferences(schema, item, path, problems, depth + 1);
                }

                return ok;
            case CedarValueKind.Record:
                var record = value.AsRecord();
                var all = true;
                for (var i = 0; i < record.Count; i++)
                {
                    all &= CheckEnumReferences(schema, record.Values[i], $"{path}.{record.Keys[i]}", problems, depth + 1);
                }

                return all;
            default:
                return true;
        }
    }

    /// <summary>True when <paramref name="uid"/> is not of an enumerated type, or uses one of its ids.</summary>
    public static bool CheckEnumId(Schema schema, EntityUid uid, string path, List<string> problems)
    {
        if (schema.GetEntityType(uid.Type) is { EnumIds: { } ids } && !ids.Contains(uid.Id))
        {
            problems.Add($"{path}: `{uid}` is not one of the ids the enumerated type `{uid.Type}` allows");
            return false;
        }

        return true;
    }

    private static bool Check(Schema schema, CedarValue value, CedarType type, string path, List<string> problems, int depth)
    {
        if (depth > MaxDepth)
        {
            problems.Add($"{path}: value nests deeper than {MaxDepth} levels");
            return false;
        }

        switch (type)
        {
            case BoolType when value.Kind == CedarValueKind.Bool:
            case LongType when value.Kind == CedarValueKind.Long:
            case StringType when value.Kind == CedarValueKind.String:
                return true;
            case ExtensionType extension when value.Kind == ExtensionKind(extension.Name):
                return true;
            case EntityType entity when value.Kind == CedarValueKind.Entity:
                var uid = value.AsEntity();
                if (uid.Type != entity.Name)
                {
                    problems.Add($"{path}: expected an entity of type `{entity.Name}`, found `{uid}`");
                    return false;
                }

                return CheckEnumId(schema, uid, path, problems);
            case SetType set when value.Kind == CedarValueKind.Set:
                var ok = true;
                foreach (var item in value.AsSet().Items)
                {
                    ok &= Check(schema, item, set.Element, $"{path}[]", problems, depth + 1);
                }

                return ok;
            case RecordType record when value.Kind == CedarValueKind.Record:
                return CheckRecord(schema, value.AsRecord(), record, path, problems, depth);
            default:
                problems.Add($"{path}: expected {Describe(type)}, found {CedarValue.KindName(value.Kind)}");
                return false;
        }
    }

    /// <summary>Checks a record against a record type: required attributes present, no undeclared ones unless open.</summary>
    public static bool CheckRecord(Schema schema, CedarRecord value, RecordType type, string path, List<string> problems) =>
        CheckRecord(schema, value, type, path, problems, 0);

    private static bool CheckRecord(Schema schema, CedarRecord value, RecordType type, string path, List<string> problems, int depth)
    {
        var ok = true;
        foreach (var (name, attribute) in type.Attributes)
        {
            if (attribute.Required && !value.ContainsKey(name))
            {
                problems.Add($"{Join(path, name)}: required attribute is missing");
                ok = false;
            }
        }

        for (var i = 0; i < value.Count; i++)
        {
            var name = value.Keys[i];
            if (type.Attributes.TryGetValue(name, out var attribute))
            {
                ok &= Check(schema, value.Values[i], attribute.Type, Join(path, name), problems, depth + 1);
            }
            else if (!type.AdditionalAttributes)
            {
                problems.Add($"{Join(path, name)}: attribute is not declared");
                ok = false;
            }
        }

        return ok;
    }

    /// <summary>
    /// Whether <paramref name="value"/> conforms to <paramref name="type"/> and references only listed ids of
    /// enumerated types: exactly when <see cref="CheckEnumReferences"/> and <see cref="CheckRecord(Schema, CedarRecord, RecordType, string, List{string})"/>
    /// find no problem, without building a path or a message (the per-request check; the reasons are built only for a
    /// value that fails it).
    /// </summary>
    public static bool RecordConforms(Schema schema, CedarRecord value, RecordType type) =>
        (!schema.HasEnumeratedTypes || EnumReferencesConform(schema, CedarValue.FromRecord(value), 0)) && RecordConforms(schema, value, type, 0);

    private static bool EnumReferencesConform(Schema schema, CedarValue value, int depth)
    {
        if (depth > MaxDepth)
        {
            return false;
        }

        switch (value.Kind)
        {
            case CedarValueKind.Entity:
                return EnumIdListed(schema, value.AsEntity());
            case CedarValueKind.Set:
                foreach (var item in value.AsSet().Items)
                {
                    if (!EnumReferencesConform(schema, item, depth + 1))
                    {
                        return false;
                    }
                }

                return true;
            case CedarValueKind.Record:
                foreach (var item in value.AsRecord().Values)
                {
                    if (!EnumReferencesConform(schema, item, depth + 1))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return true;
        }
    }

    private static bool EnumIdListed(Schema schema, EntityUid uid) =>
        !schema.HasEnumeratedTypes || schema.GetEntityType(uid.Type) is not { EnumIds: { } ids } || ids.Contains(uid.Id);

    private static bool Conforms(Schema schema, CedarValue value, CedarType type, int depth)
    {
        if (depth > MaxDepth)
        {
            return false;
        }

        switch (type)
        {
            case BoolType when value.Kind == CedarValueKind.Bool:
            case LongType when value.Kind == CedarValueKind.Long:
            case StringType when value.Kind == CedarValueKind.String:
                return true;
            case ExtensionType extension when value.Kind == ExtensionKind(extension.Name):
                return true;
            case EntityType entity when value.Kind == CedarValueKind.Entity:
                var uid = value.AsEntity();
                return uid.Type == entity.Name && EnumIdListed(schema, uid);
            case SetType set when value.Kind == CedarValueKind.Set:
                foreach (var item in value.AsSet().Items)
                {
                    if (!Conforms(schema, item, set.Element, depth + 1))
                    {
                        return false;
                    }
                }

                return true;
            case RecordType record when value.Kind == CedarValueKind.Record:
                return RecordConforms(schema, value.AsRecord(), record, depth);
            default:
                return false;
        }
    }

    private static bool RecordConforms(Schema schema, CedarRecord value, RecordType type, int depth)
    {
        if (type.HasRequiredAttributes)
        {
            foreach (var (name, attribute) in type.AttributeList)
            {
                if (attribute.Required && !value.ContainsKey(name))
                {
                    return false;
                }
            }
        }

        for (var i = 0; i < value.Count; i++)
        {
            if (type.TryGetAttribute(value.Keys[i], out var attribute))
            {
                if (!Conforms(schema, value.Values[i], attribute.Type, depth + 1))
                {
                    return false;
                }
            }
            else if (!type.AdditionalAttributes)
            {
                return false;
            }
        }

        return true;
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static CedarValueKind ExtensionKind(string name) => name switch
    {
        "ipaddr" => CedarValueKind.IpAddr,
        "decimal" => CedarValueKind.Decimal,
        "datetime" => CedarValueKind.Datetime,
        "duration" => CedarValueKind.Duration,
        _ => CedarValueKind.None,
    };

    private static string Describe(CedarType type) => type switch
    {
        BoolType => "Bool",
        LongType => "Long",
        StringType => "String",
        ExtensionType extension => extension.Name,
        EntityType entity => $"an entity of type `{entity.Name}`",
        SetType => "a set",
        RecordType => "a record",
        _ => type.ToString(),
    };
}
