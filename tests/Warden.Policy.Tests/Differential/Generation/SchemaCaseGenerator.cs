using System.Text.Json.Nodes;

namespace Warden.Policy.Tests.Differential.Generation;

/// <summary>
/// Authorization with a schema: a random schema, entities that mostly conform to it (written in the
/// schema-directed JSON forms: <c>{"type","id"}</c> for entity references, plain strings for extension values,
/// as well as the escaped forms), requests that mostly fit an action's <c>appliesTo</c> and context, and random
/// policies. Exercises schema-directed parsing, entity and request validation, and the actions the schema adds.
/// </summary>
internal sealed class SchemaCaseGenerator
{
    private readonly CaseGenerator _cases;
    private readonly Random _rnd;
    private readonly SchemaModel _schema;

    // Most cases are clean (everything conforms); in the rest each value, attribute, parent and request strays
    // from the schema now and then, so refusals are compared too without drowning the clean cases.
    private readonly bool _noisy;

    private SchemaCaseGenerator(int seed)
    {
        _cases = new CaseGenerator(seed);
        _rnd = _cases.Random;
        _schema = new SchemaGenerator(_rnd).Model();
        _noisy = Chance(0.25);
    }

    /// <summary>The schema-directed authorization case for <paramref name="seed"/>.</summary>
    public static DiffCase Generate(string name, int seed) => new SchemaCaseGenerator(seed).Case(name);

    private DiffCase Case(string name)
    {
        var policies = Enumerable.Range(0, _rnd.Next(1, 5)).Select(_ => _cases.Policy()).ToArray();
        var entities = Entities();
        var requests = Enumerable.Range(0, _rnd.Next(2, 5)).Select(_ => Request()).ToArray();
        return new DiffCase(name, policies, entities, requests, Schema: _schema.Declarations());
    }

    private List<GenEntity> Entities()
    {
        var entities = new List<GenEntity>();
        var uids = _schema.EntityTypes
            .Where(t => t.EnumIds is null)
            .SelectMany(t => Ids(t.Name).Select(id => (Type: t, Uid: new GenUid(t.Name, id))))
            .Where(_ => Chance(0.5))
            .OrderBy(_ => _rnd.Next())
            .ToList();
        for (var index = 0; index < uids.Count; index++)
        {
            var (type, uid) = uids[index];
            var attrs = new List<KeyValuePair<string, JsonNode?>>();
            foreach (var attribute in type.Attributes)
            {
                if (attribute.Required ? !Stray(0.03) : Chance(0.5))
                {
                    attrs.Add(new(attribute.Name, !Stray(0.03) ? Conforming(attribute.Type, 2) : _cases.Value(Pick(Vocabulary.AllTypes), 1)));
                }
            }

            if (Stray(0.05))
            {
                attrs.Add(new("undeclared", JsonValue.Create(1)));
            }

            var parents = uids
                .Skip(Stray(0.02) ? 0 : index + 1) // parents come later in the order: no cycles unless straying
                .Where(p => type.Parents.Contains(p.Type.Name) || Stray(0.01))
                .Where(p => p.Uid != uid && Chance(0.4))
                .Select(p => p.Uid)
                .ToList();
            var tags = type.Tags is not null && Chance(0.6)
                ? Vocabulary.TagKeys.Where(_ => Chance(0.4)).Select(k => new KeyValuePair<string, JsonNode?>(k, Conforming(type.Tags, 1))).ToList()
                : type.Tags is null && Stray(0.05) ? [new("k1", JsonValue.Create(1))] : null;
            entities.Add(new GenEntity(uid, attrs, parents, tags));
        }

        if (Stray(0.2))
        {
            // An action entity in the data as well as in the schema.
            var action = Pick(_schema.Actions);
            entities.Add(new GenEntity(new GenUid("Action", action.Id), [], [.. action.Groups.Select(g => new GenUid("Action", g))], null));
        }

        return entities;
    }

    private GenRequest Request()
    {
        var applicable = _schema.Actions.Where(a => a.Principals is not null).ToList();
        var action = applicable.Count > 0 && !Stray(0.2) ? Pick(applicable) : Chance(0.6) ? Pick(_schema.Actions) : null;
        var actionUid = action is null ? new GenUid("Action", Chance(0.5) ? "undeclared" : Pick(Vocabulary.ActionIds)) : new GenUid("Action", action.Id);
        var principal = action?.Principals is { } ps && !Stray(0.1) ? AnyOf(Pick(ps)) : _cases.Exprs.PickUid();
        var resource = action?.Resources is { } rs && !Stray(0.1) ? AnyOf(Pick(rs)) : _cases.Exprs.PickUid();
        List<KeyValuePair<string, JsonNode?>> context = [];
        if (action?.Context is { } shape && !Stray(0.1))
        {
            context = ((JsonObject)Conforming(shape, 2)).Select(p => new KeyValuePair<string, JsonNode?>(p.Key, p.Value?.DeepClone())).ToList();
        }
        else if (action?.Context is null && Stray(0.1))
        {
            context = [new("age", JsonValue.Create(1))];
        }

        return new GenRequest(principal, actionUid, resource, context);
    }

    private GenUid AnyOf(string type) => new(type, Pick(Ids(type)));

    private string[] Ids(string type) =>
        _schema.Find(type)?.EnumIds is { } enumIds
            ? Stray(0.3) ? [.. enumIds, "blue"] : [.. enumIds]
            : Vocabulary.EntityTypes.FirstOrDefault(t => t.Type == type).Ids ?? ["x"];

    /// <summary>A JSON value of the schema type, in one of the forms schema-directed parsing accepts.</summary>
    private JsonNode Conforming(SType type, int depth)
    {
        switch (type)
        {
            case SPrimitive p:
                return _cases.Value(p.Kind, 0);
            case SEntityRef e:
                {
                    var uid = AnyOf(e.Name);
                    return Chance(0.5) ? uid.ToJson() : new JsonObject { ["__entity"] = uid.ToJson() };
                }

            case SExtension x:
                {
                    var literal = x.Kind switch
                    {
                        GenType.Ip => Pick(Vocabulary.ValidIps),
                        GenType.Decimal => Pick(Vocabulary.ValidDecimals),
                        GenType.Datetime => Pick(Vocabulary.ValidDatetimes),
                        _ => Pick(Vocabulary.ValidDurations),
                    };
                    var fn = x.Kind == GenType.Ip ? "ip" : x.Name;
                    return Chance(0.5) ? JsonValue.Create(literal)! : new JsonObject { ["__extn"] = new JsonObject { ["fn"] = fn, ["arg"] = literal } };
                }

            case SSet s:
                {
                    var array = new JsonArray();
                    for (var i = depth > 0 ? _rnd.Next(0, 3) : 0; i > 0; i--)
                    {
                        array.Add(Conforming(s.Element, depth - 1));
                    }

                    return array;
                }

            default:
                {
                    var record = (SRecord)type;
                    var obj = new JsonObject();
                    foreach (var attribute in record.Attributes)
                    {
                        if (attribute.Required ? !Stray(0.03) : Chance(0.5))
                        {
                            // Records nest only as deep as the schema says; depth bounds sets alone.
                            obj[attribute.Name] = Conforming(attribute.Type, Math.Max(0, depth - 1));
                        }
                    }

                    return obj;
                }
        }
    }

    private bool Chance(double p) => _rnd.NextDouble() < p;

    private bool Stray(double p) => _noisy && Chance(p);

    private T Pick<T>(IReadOnlyList<T> items) => items[_rnd.Next(items.Count)];
}
