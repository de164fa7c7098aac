using System.Collections.Immutable;
using Warden.Policy.Schemas;
using Warden.Policy.Types;

namespace Warden.Policy.Validation;

/// <summary>
/// Cedar's strict-mode type lattice over one schema: subtyping, least upper bounds, disjointness and attribute
/// lookup (entity attributes come from the schema).
/// </summary>
internal sealed class TypeLattice
{
    private readonly Schema _schema;
    private readonly Dictionary<CedarType, VType> _converted = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, VRecord> _entityAttributes = new(StringComparer.Ordinal);
    private HashSet<(string Descendant, string Ancestor)>? _actionTypeDescendants;

    public TypeLattice(Schema schema)
    {
        _schema = schema;
    }

    public Schema Schema => _schema;

    /// <summary>The validator type of a declared type; shared sub-objects convert once.</summary>
    public VType FromDeclared(CedarType type)
    {
        if (_converted.TryGetValue(type, out var known))
        {
            return known;
        }

        VType result = type switch
        {
            BoolType => VType.AnyBool,
            LongType => VType.Long,
            StringType => VType.String,
            SetType set => new VSet(FromDeclared(set.Element)),
            EntityType entity => VEntityType.Of(entity.Name),
            ExtensionType extension => new VExtension(extension.Name),
            RecordType record => new VRecord(
                record.Attributes.ToImmutableSortedDictionary(a => a.Key, a => new VAttribute(FromDeclared(a.Value.Type), a.Value.Required), StringComparer.Ordinal),
                record.AdditionalAttributes),
            _ => throw new InvalidOperationException($"unknown declared type {type}"),
        };
        _converted[type] = result;
        return result;
    }

    /// <summary>The attributes of entities of <paramref name="entityType"/>: declared ones, or none for action types.</summary>
    public VRecord AttributesOf(string entityType)
    {
        if (!_entityAttributes.TryGetValue(entityType, out var record))
        {
            record = _schema.GetEntityType(entityType) is { } declared ? (VRecord)FromDeclared(declared.Attributes) : VRecord.Empty;
            _entityAttributes[entityType] = record;
        }

        return record;
    }

    /// <summary>Strict subtyping (depth but not width subtyping of records; entity types equal).</summary>
    public bool IsSubtype(VType sub, VType super) => (sub, super) switch
    {
        (VNever, _) => true,
        (VBool a, VBool b) => b.Value == BoolKind.Any || a.Value == b.Value,
        (VLong, VLong) => true,
        (VString, VString) => true,
        (VExtension a, VExtension b) => a.Name == b.Name,
        (VSet a, VSet b) => IsSubtype(a.Element, b.Element),
        (VEntityType a, VEntityType b) => a.Names.SetEquals(b.Names),
        (VRecord a, VRecord b) => (!a.Open || b.Open)
            && a.Attributes.Count == b.Attributes.Count
            && b.Attributes.All(attribute => a.Attributes.TryGetValue(attribute.Key, out var mine)
                && mine.Required == attribute.Value.Required
                && IsSubtype(mine.Type, attribute.Value.Type)),
        _ => false,
    };

    /// <summary>The strict least upper bound, or null when there is none (a type error where one is needed).</summary>
    public VType? LeastUpperBound(VType a, VType b)
    {
        if (IsSubtype(a, b))
        {
            return b;
        }

        if (IsSubtype(b, a))
        {
            return a;
        }

        switch (a, b)
        {
            case (VBool, VBool):
                return VType.AnyBool;
            case (VSet x, VSet y):
                return LeastUpperBound(x.Element, y.Element) is { } element ? new VSet(element) : null;
            case (VRecord x, VRecord y):
                if (x.Attributes.Count != y.Attributes.Count)
                {
                    return null;
                }

                var attributes = ImmutableSortedDictionary.CreateBuilder<string, VAttribute>(StringComparer.Ordinal);
                foreach (var (name, left) in x.Attributes)
                {
                    if (!y.Attributes.TryGetValue(name, out var right) || left.Required != right.Required)
                    {
                        return null;
                    }

                    if (LeastUpperBound(left.Type, right.Type) is not { } lub)
                    {
                        return null;
                    }

                    attributes[name] = new VAttribute(lub, left.Required);
                }

                return new VRecord(attributes.ToImmutable(), x.Open || y.Open);
            default:
                return null;
        }
    }

    /// <summary>True when no value has both types (only entity types are ever known disjoint).</summary>
    public static bool AreDisjoint(VType a, VType b) =>
        a is VEntityType x && b is VEntityType y && !x.Names.Overlaps(y.Names);

    /// <summary>The attribute's declared type and whether it is required, or null when the type does not declare it.</summary>
    public VAttribute? LookupAttribute(VType type, string attribute)
    {
        switch (type)
        {
            case VRecord record:
                return record.Attributes.GetValueOrDefault(attribute);
            case VEntityType entity:
                VAttribute? found = null;
                foreach (var name in entity.Names)
                {
                    // A union (never formed in strict mode) knows only attributes all members declare alike.
                    var declared = AttributesOf(name).Attributes.GetValueOrDefault(attribute);
                    if (declared is null || (found is not null && !found.Equals(declared)))
                    {
                        return null;
                    }

                    found = declared;
                }

                return found;
            default:
                return null;
        }
    }

    /// <summary>False when values of <paramref name="type"/> certainly lack <paramref name="attribute"/>.</summary>
    public bool MayHaveAttribute(VType type, string attribute) => type switch
    {
        VNever => true,
        VRecord record => record.Open || record.Attributes.ContainsKey(attribute),
        VEntityType entity => entity.Names.Any(name =>
            AttributesOf(name) is var attributes && (attributes.Open || attributes.Attributes.ContainsKey(attribute))),
        _ => false,
    };

    /// <summary>
    /// False when no entity of a type in <paramref name="lhs"/> can be <c>in</c> an entity of a type in
    /// <paramref name="rhs"/>: neither the same type, nor a descendant type in the entity hierarchy, nor (for action
    /// types) an action with a descendant of that type.
    /// </summary>
    public bool MayBeDescendant(VEntityType lhs, VEntityType rhs)
    {
        _actionTypeDescendants ??= _schema.ActionDeclarations
            .SelectMany(a => a.Descendants.Select(d => (Descendant: d.Type, Ancestor: a.Type)))
            .ToHashSet();
        foreach (var l in lhs.Names)
        {
            foreach (var r in rhs.Names)
            {
                if (l == r
                    || (_schema.GetEntityType(r) is { } ancestor && ancestor.DescendantTypes.Contains(l))
                    || _actionTypeDescendants.Contains((l, r)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Tag types of the entity types in <paramref name="entity"/> that declare tags.</summary>
    public List<VType> TagTypes(VEntityType entity)
    {
        var tags = new List<VType>();
        foreach (var name in entity.Names)
        {
            if (_schema.GetEntityType(name)?.Tags is { } tag)
            {
                var converted = FromDeclared(tag);
                if (!tags.Contains(converted))
                {
                    tags.Add(converted);
                }
            }
        }

        return tags;
    }
}
