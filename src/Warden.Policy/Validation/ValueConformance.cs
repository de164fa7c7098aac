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
    public static bool Check(Schema schema, CedarValue value, CedarType type, string path, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        return Walk(schema, value, type, path, problems, 0);
    }

    /// <summary>Checks a record against a record type: required attributes present, no undeclared ones unless open.</summary>
    public static bool CheckRecord(Schema schema, CedarRecord value, RecordType type, string path, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        return WalkRecord(schema, value, type, path, problems, 0);
    }

    /// <summary>Checks that every entity reference inside <paramref name="value"/> of an enumerated type uses a listed id.</summary>
    public static bool CheckEnumReferences(Schema schema, CedarValue value, string path, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        return WalkEnumReferences(schema, value, path, problems, 0);
    }

    /// <summary>True when <paramref name="uid"/> is not of an enumerated type, or uses one of its ids.</summary>
    public static bool CheckEnumId(Schema schema, EntityUid uid, string path, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        return EnumIdListed(schema, uid, path, problems);
    }

    /// <summary>
    /// Whether <paramref name="value"/> conforms to <paramref name="type"/> and references only listed ids of
    /// enumerated types: exactly when <see cref="CheckEnumReferences"/> and <see cref="CheckRecord"/> find no problem
    /// (the same walk, run without a problem list: it stops at the first problem and builds no path or message). The
    /// per-request check; the reasons are built only for a value that fails it.
    /// </summary>
    public static bool RecordConforms(Schema schema, CedarRecord value, RecordType type) =>
        (!schema.HasEnumeratedTypes || WalkEnumReferences(schema, CedarValue.FromRecord(value), string.Empty, null, 0))
        && WalkRecord(schema, value, type, string.Empty, null, 0);

    // One walk serves both checks. With a problem list it records every problem, with its path, and goes on; without
    // one (problems is null) it returns false at the first problem and never builds a path: callers pass the path
    // through unchanged and use Child/Item only under `problems is not null`.
    private static bool WalkEnumReferences(Schema schema, CedarValue value, string path, List<string>? problems, int depth)
    {
        if (depth > MaxDepth)
        {
            problems?.Add($"{path}: value nests deeper than {MaxDepth} levels");
            return false;
        }

        var ok = true;
        switch (value.Kind)
        {
            case CedarValueKind.Entity:
                return EnumIdListed(schema, value.AsEntity(), path, problems);
            case CedarValueKind.Set:
                foreach (var item in value.AsSet().Items)
                {
                    if (!WalkEnumReferences(schema, item, path, problems, depth + 1))
                    {
                        if (problems is null)
                        {
                            return false;
                        }

                        ok = false;
                    }
                }

                return ok;
            case CedarValueKind.Record:
                var record = value.AsRecord();
                for (var i = 0; i < record.Count; i++)
                {
                    var child = problems is null ? path : $"{path}.{record.Keys[i]}";
                    if (!WalkEnumReferences(schema, record.Values[i], child, problems, depth + 1))
                    {
                        if (problems is null)
                        {
                            return false;
                        }

                        ok = false;
                    }
                }

                return ok;
            default:
                return true;
        }
    }

    private static bool EnumIdListed(Schema schema, EntityUid uid, string path, List<string>? problems)
    {
        if (!schema.HasEnumeratedTypes || schema.GetEntityType(uid.Type) is not { EnumIds: { } ids } || ids.Contains(uid.Id))
        {
            return true;
        }

        problems?.Add($"{path}: `{uid}` is not one of the ids the enumerated type `{uid.Type}` allows");
        return false;
    }

    private static bool Walk(Schema schema, CedarValue value, CedarType type, string path, List<string>? problems, int depth)
    {
        if (depth > MaxDepth)
        {
            problems?.Add($"{path}: value nests deeper than {MaxDepth} levels");
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
                    problems?.Add($"{path}: expected an entity of type `{entity.Name}`, found `{uid}`");
                    return false;
                }

                return EnumIdListed(schema, uid, path, problems);
            case SetType set when value.Kind == CedarValueKind.Set:
                var ok = true;
                var element = problems is null ? path : $"{path}[]";
                foreach (var item in value.AsSet().Items)
                {
                    if (!Walk(schema, item, set.Element, element, problems, depth + 1))
                    {
                        if (problems is null)
                        {
                            return false;
                        }

                        ok = false;
                    }
                }

                return ok;
            case RecordType record when value.Kind == CedarValueKind.Record:
                return WalkRecord(schema, value.AsRecord(), record, path, problems, depth);
            default:
                problems?.Add($"{path}: expected {Describe(type)}, found {CedarValue.KindName(value.Kind)}");
                return false;
        }
    }

    private static bool WalkRecord(Schema schema, CedarRecord value, RecordType type, string path, List<string>? problems, int depth)
    {
        if (problems is null && type.IsOrdinal)
        {
            return RecordConformsOrdered(schema, value, type, path, depth);
        }

        var ok = true;
        if (type.HasRequiredAttributes)
        {
            foreach (var (name, attribute) in type.AttributeList)
            {
                if (attribute.Required && !value.ContainsKey(name))
                {
                    if (problems is null)
                    {
                        return false;
                    }

                    problems.Add($"{Join(path, name)}: required attribute is missing");
                    ok = false;
                }
            }
        }

        for (var i = 0; i < value.Count; i++)
        {
            var name = value.Keys[i];
            if (type.TryGetAttribute(name, out var attribute))
            {
                var child = problems is null ? path : Join(path, name);
                if (!Walk(schema, value.Values[i], attribute.Type, child, problems, depth + 1))
                {
                    if (problems is null)
                    {
                        return false;
                    }

                    ok = false;
                }
            }
            else if (!type.AdditionalAttributes)
            {
                if (problems is null)
                {
                    return false;
                }

                problems.Add($"{Join(path, name)}: attribute is not declared");
                ok = false;
            }
        }

        return ok;
    }

    // The verdict of WalkRecord without a problem list, in one merge of the record's names with the declared ones
    // (both in ordinal order) instead of a lookup per name: a declared name the record skips must be optional, a
    // record name the type does not declare needs an open type, and a name in both must have a conforming value.
    private static bool RecordConformsOrdered(Schema schema, CedarRecord value, RecordType type, string path, int depth)
    {
        var declared = type.AttributeList.AsSpan();
        var keys = value.Keys;
        var values = value.Values;
        var next = 0;
        for (var i = 0; i < keys.Length; i++)
        {
            var name = keys[i];
            var order = -1;
            while (next < declared.Length && (order = string.CompareOrdinal(declared[next].Key, name)) < 0)
            {
                if (declared[next].Value.Required)
                {
                    return false;
                }

                next++;
            }

            if (next < declared.Length && order == 0)
            {
                if (!Walk(schema, values[i], declared[next].Value.Type, path, null, depth + 1))
                {
                    return false;
                }

                next++;
            }
            else if (!type.AdditionalAttributes)
            {
                return false;
            }
        }

        for (; next < declared.Length; next++)
        {
            if (declared[next].Value.Required)
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
