namespace Warden.Policy.Tests.Differential.Generation;

/// <summary>
/// Random Cedar schemas over the generator's vocabulary: entity types with parents, attributes (required and
/// optional, the vocabulary's intended type or now and then another), tags, an enumerated type, a common type,
/// the <c>Org</c> namespace, and actions with groups, <c>appliesTo</c> and context types. Now and then a type is left
/// out or a parent names something undeclared, so schema errors are compared too.
/// </summary>
internal sealed class SchemaGenerator
{
    private readonly Random _rnd;

    public SchemaGenerator(Random rnd)
    {
        _rnd = rnd;
    }

    /// <summary>A random schema.</summary>
    public SchemaModel Model()
    {
        var profile = Chance(0.5) ? Record(2, profile: null) with { CommonName = "Profile" } : null;
        var types = new List<SEntityType>();
        foreach (var (type, _) in Vocabulary.EntityTypes)
        {
            if (type != "Org::Team" && Chance(0.03))
            {
                // Leave a type out now and then: references to it become schema or validation errors.
                continue;
            }

            types.Add(Entity(type, profile));
        }

        if (Chance(0.9))
        {
            types.Add(new SEntityType("Color", [], [], null, ["red", "green", "ünï"], false));
        }

        var actions = Vocabulary.ActionIds.Select(id => Action(id, profile)).ToList();
        return new SchemaModel(profile, types, actions);
    }

    private SEntityType Entity(string type, SRecord? profile)
    {
        var parents = Vocabulary.ParentTypes[type].Where(_ => Chance(0.8)).ToList();
        if (Chance(0.02))
        {
            parents.Add(Pick(["User", "Doc", "Color", "Nowhere"]));
        }

        var attrs = Vocabulary.Attributes
            .Where(_ => Chance(0.45))
            .Select(a => new SAttribute(a.Name, TypeFor(a.Name, Chance(0.1) ? Pick(Vocabulary.AllTypes) : a.Type, 2, profile), Chance(0.7), CedarText.IsReserved(a.Name) && Chance(0.005)))
            .ToList();
        var tags = Chance(0.25) ? TypeFor("", Pick(Vocabulary.AllTypes), 1, profile) : null;
        return new SEntityType(type, parents.Distinct().ToList(), attrs, tags, null, Chance(0.3));
    }

    private SAction Action(string id, SRecord? profile)
    {
        var groups = Vocabulary.ActionGroups.Where(g => g.Child == id && Chance(0.8)).Select(g => g.Parent).ToList();
        if (id == "all" || Chance(0.1))
        {
            return new SAction(id, groups, null, null, null);
        }

        var principals = new[] { "User", "Group", "Org::Team" }.Where(_ => Chance(0.5)).DefaultIfEmpty("User").ToList();
        var resources = new[] { "Doc", "Folder", "User" }.Where(_ => Chance(0.5)).DefaultIfEmpty("Doc").ToList();
        var context = Chance(0.7)
            ? new SRecord([.. Vocabulary.Attributes.Where(_ => Chance(0.3)).Select(a => new SAttribute(a.Name, TypeFor(a.Name, a.Type, 2, profile), Chance(0.7)))])
            : null;
        return new SAction(id, groups, principals, resources, context);
    }

    private SType TypeFor(string name, GenType type, int depth, SRecord? profile) => type switch
    {
        GenType.Bool or GenType.Long or GenType.String => new SPrimitive(type),
        GenType.Entity => new SEntityRef(name is "owner" or "manager" or "principal" ? Pick(["User", "User", "Group", "Org::Team"]) : Pick(["User", "Group", "Doc", "Org::Team", "Color"])),
        GenType.Set => new SSet(name switch
        {
            "labels" => new SPrimitive(GenType.String),
            "nums" => new SPrimitive(GenType.Long),
            "friends" => new SEntityRef("User"),
            _ => depth > 0 ? TypeFor("", Pick(Vocabulary.AllTypes), depth - 1, profile) : new SPrimitive(GenType.Long),
        }),
        GenType.Record => profile is not null && Chance(0.6) ? profile : Record(depth, profile),
        _ => new SExtension(type, type == GenType.Ip && Chance(0.1)),
    };

    private SRecord Record(int depth, SRecord? profile) => new(
    [
        .. Vocabulary.RecordKeys
            .Where(_ => Chance(0.5))
            .Select(k => new SAttribute(
                k.Name,
                k.Type == GenType.Record ? (depth > 0 ? Record(depth - 1, profile) : new SRecord([])) : TypeFor(k.Name, k.Type, 0, profile),
                Chance(0.7))),
    ]);

    private bool Chance(double p) => _rnd.NextDouble() < p;

    private T Pick<T>(IReadOnlyList<T> items) => items[_rnd.Next(items.Count)];
}
