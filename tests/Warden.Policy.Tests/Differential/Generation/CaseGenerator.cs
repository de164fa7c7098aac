using System.Text.Json.Nodes;

namespace Warden.Policy.Tests.Differential.Generation;

/// <summary>
/// Draws one random case from a seed: a few policies (every scope form, annotations, <c>when</c>/<c>unless</c>),
/// entities (attributes of every kind, parents, tags, action groups) and requests (known and unknown entities,
/// random contexts). The same seed always gives the same case.
/// </summary>
internal sealed class CaseGenerator
{
    private readonly Random _rnd;
    private readonly ExprGenerator _exprs;

    /// <summary>The generator's source of randomness (shared with the schema-directed generator).</summary>
    internal Random Random => _rnd;

    /// <summary>The expression generator (for its uid and type picks).</summary>
    internal ExprGenerator Exprs => _exprs;

    public CaseGenerator(int seed, double illTyped = 0.08)
    {
        _rnd = new Random(seed);
        _exprs = new ExprGenerator(_rnd, illTyped);
    }

    /// <summary>The authorization case for <paramref name="seed"/>.</summary>
    public static DiffCase Generate(string name, int seed) => new CaseGenerator(seed).Case(name);

    /// <summary>
    /// The strict-validation case for <paramref name="seed"/>: a random schema and a few policies, typed with fewer
    /// deliberate mistakes so that both verdicts are common.
    /// </summary>
    public static DiffCase GenerateValidation(string name, int seed)
    {
        var generator = new CaseGenerator(seed, illTyped: 0.02);
        var schema = new SchemaGenerator(generator._rnd).Model().Declarations();
        var policies = Enumerable.Range(0, generator._rnd.Next(1, 4)).Select(_ => generator.Policy(maxDepth: 2)).ToArray();
        return new DiffCase(name, policies, [], [], Schema: schema, ValidateOnly: true);
    }

    /// <summary>
    /// The fixed-schema validation case for <paramref name="seed"/>: <see cref="FixedSchemaPolicies"/> policies with
    /// random conditions over <see cref="Validation.ValidatorTests.SchemaText"/> (see <see cref="FixedSchemaConditions"/>).
    /// </summary>
    public static DiffCase GenerateFixedSchemaValidation(string name, int seed)
    {
        var text = new FixedSchemaConditions(new Random(seed)).Generate(FixedSchemaPolicies);
        return new DiffCase(name, [], [], [], RawPolicies: text, Schema: [Validation.ValidatorTests.SchemaText], ValidateOnly: true);
    }

    /// <summary>Policies per fixed-schema validation case.</summary>
    public const int FixedSchemaPolicies = 25;

    private DiffCase Case(string name)
    {
        var policies = Enumerable.Range(0, _rnd.Next(1, 6)).Select(_ => Policy()).ToArray();
        var entities = Entities();
        var requests = Enumerable.Range(0, _rnd.Next(2, 6)).Select(_ => Request()).ToArray();
        return new DiffCase(name, policies, entities, requests);
    }

    /// <summary>
    /// The value-focused case for <paramref name="seed"/>: many one-condition policies over literal-built values
    /// (arithmetic, extension constructors and methods, comparisons, <c>like</c>) and one request with no entities, so
    /// each policy's verdict (determining, erroring or neither) compares one computed value between the engines.
    /// </summary>
    public static DiffCase GenerateValues(string name, int seed)
    {
        var rnd = new Random(seed);
        var exprs = new ExprGenerator(rnd, illTyped: 0.03, literalsOnly: true);
        var policies = Enumerable.Range(0, 40)
            .Select(_ => new GenPolicy([], true, "principal", "action", "resource", [new GenCondition(rnd.NextDouble() < 0.8, exprs.ValueCheck(rnd.Next(0, 3)))]))
            .ToArray();
        var request = new GenRequest(new GenUid("User", "alice"), new GenUid("Action", "read"), new GenUid("Doc", "d1"), []);
        return new DiffCase(name, policies, [], [request]);
    }

    /// <summary>A random policy.</summary>
    internal GenPolicy Policy(int maxDepth = 3)
    {
        var annotations = new List<string>();
        foreach (var (key, value) in new[] { ("id", "policy-\"x\""), ("advice", "ünï \\ text"), ("note", ""), ("reason", "line\nbreak") })
        {
            if (Chance(0.12))
            {
                annotations.Add(Chance(0.2) && value.Length == 0 ? "@" + key : "@" + key + "(" + CedarText.Quote(value, _rnd.Next(15)) + ")");
            }
        }

        var conditions = new List<GenCondition>();
        for (var i = _rnd.Next(0, 3); i > 0; i--)
        {
            conditions.Add(new GenCondition(Chance(0.55), _exprs.Condition(_rnd.Next(1, maxDepth + 1))));
        }

        return new GenPolicy(annotations, Chance(0.65), Scope("principal"), ActionScope(), Scope("resource"), conditions);
    }

    private string Scope(string variable) => _rnd.Next(12) switch
    {
        0 or 1 or 2 or 3 or 4 => variable,
        5 or 6 => $"{variable} == {CedarText.Uid(ScopeUid(variable), _rnd.Next(15))}",
        7 or 8 => $"{variable} in {CedarText.Uid(ScopeUid(variable), _rnd.Next(15))}",
        9 or 10 => $"{variable} is {ScopeType(variable)}",
        _ => $"{variable} is {ScopeType(variable)} in {CedarText.Uid(ScopeUid(variable), _rnd.Next(15))}",
    };

    // Scope constraints mostly name the entities requests use, so that conditions get evaluated.
    private GenUid ScopeUid(string variable) => Chance(0.25)
        ? _exprs.PickUid()
        : variable == "principal"
            ? Pick(HotPrincipals)
            : Pick(HotResources);

    private string ScopeType(string variable) => Chance(0.3)
        ? _exprs.PickEntityType()
        : variable == "principal" ? "User" : Pick(["Doc", "Folder"]);

    private static readonly GenUid[] HotPrincipals = [new("User", "alice"), new("User", "bob"), new("Group", "admins"), new("Group", "staff"), new("Org::Team", "t1")];

    private static readonly GenUid[] HotResources = [new("Doc", "d1"), new("Doc", "d2"), new("Folder", "root")];

    private string ActionScope() => _rnd.Next(10) switch
    {
        0 or 1 or 2 or 3 or 4 => "action",
        5 or 6 => $"action == {CedarText.Uid(ActionUid())}",
        7 => $"action in {CedarText.Uid(ActionUid())}",
        _ => "action in [" + string.Join(", ", Enumerable.Range(0, _rnd.Next(0, 4)).Select(_ => CedarText.Uid(ActionUid()))) + "]",
    };

    // Requests mostly read or write; policies name every action (and groups).
    private GenUid ActionUid() => new("Action", Chance(0.6) ? Pick(["read", "write"]) : Pick(Vocabulary.ActionIds));

    private GenEntity[] Entities()
    {
        // Pick the stored entities, then an order: parents come later in it, so the hierarchy is (almost always) acyclic.
        var uids = Vocabulary.EntityTypes
            .SelectMany(t => t.Ids.Select(id => new GenUid(t.Type, id)))
            .Where(_ => Chance(0.45))
            .ToList();
        if (Chance(0.5))
        {
            uids.AddRange(Vocabulary.ActionIds.Select(id => new GenUid("Action", id)));
        }

        var order = uids.OrderBy(_ => _rnd.Next()).ToList();
        var entities = new List<GenEntity>(order.Count);
        for (var i = 0; i < order.Count; i++)
        {
            var uid = order[i];
            var parents = new List<GenUid>();
            if (uid.Type == "Action")
            {
                parents.AddRange(Vocabulary.ActionGroups.Where(g => g.Child == uid.Id).Select(g => new GenUid("Action", g.Parent)));
                if (Chance(0.01))
                {
                    // An action under a non-action entity, which Cedar refuses.
                    parents.Add(_exprs.PickUid());
                }
            }
            else
            {
                var later = order.Skip(i + 1).Where(u => Vocabulary.ParentTypes[uid.Type].Contains(u.Type) || Chance(0.05)).ToList();
                for (var n = _rnd.Next(0, 3); n > 0 && later.Count > 0; n--)
                {
                    parents.Add(Pick(later));
                }

                if (Chance(0.01) && i > 0)
                {
                    // Now and then a back edge: a cycle, which Cedar refuses.
                    parents.Add(order[_rnd.Next(i)]);
                }

                if (Chance(0.05))
                {
                    // A parent that is not in the store.
                    parents.Add(Chance(0.5) ? Vocabulary.Ghost : new GenUid("Group", "nobody"));
                }
            }

            var attrs = uid.Type == "Action" && Chance(0.7)
                ? []
                : Vocabulary.Attributes.Where(_ => Chance(0.2)).Select(a => Attr(a.Name, a.Type)).ToList();
            var tags = Chance(0.3)
                ? Vocabulary.TagKeys.Where(_ => Chance(0.5)).Select(k => Attr(k, Pick(Vocabulary.AllTypes))).ToList()
                : null;
            entities.Add(new GenEntity(uid, attrs, parents.Distinct().ToList(), tags));
        }

        if (entities.Count > 0 && Chance(0.02))
        {
            // The same entity twice: identical entries are accepted, conflicting ones refused (as Cedar does).
            var twin = Pick(entities);
            entities.Add(Chance(0.6) ? twin : twin with { Parents = [] , Attrs = [new("age", JsonValue.Create(1))] });
        }

        return [.. entities.OrderBy(_ => _rnd.Next())];
    }

    private GenRequest Request()
    {
        var principal = _rnd.Next(20) switch
        {
            < 12 => Pick(HotPrincipals[..2]),
            < 15 => new GenUid("User", Pick(Vocabulary.EntityTypes[0].Ids)),
            15 => Vocabulary.Ghost,
            _ => _exprs.PickUid(),
        };
        var resource = _rnd.Next(10) switch
        {
            < 6 => Pick(HotResources),
            < 8 => new GenUid(Pick(["Doc", "Folder"]), Pick(["d1", "d2", "ドキュメント", "root", "sub"])),
            _ => _exprs.PickUid(),
        };
        var context = Vocabulary.Attributes.Where(_ => Chance(0.25)).Select(a => Attr(a.Name, a.Type)).ToList();
        // Without a schema any entity may be the action; now and then it is not an Action at all.
        var action = Chance(0.03) ? _exprs.PickUid() : ActionUid();
        return new GenRequest(principal, action, resource, context);
    }

    private KeyValuePair<string, JsonNode?> Attr(string name, GenType type) =>
        new(name, Value(Chance(0.1) ? Pick(Vocabulary.AllTypes) : type, 2));

    /// <summary>A Cedar JSON value of a type (integers within ±2^53: the oracle receives them as JavaScript numbers).</summary>
    internal JsonNode Value(GenType type, int depth)
    {
        switch (type)
        {
            case GenType.Bool:
                return JsonValue.Create(Chance(0.5));
            case GenType.Long:
                return JsonValue.Create(Pick(Vocabulary.JsonLongs));
            case GenType.String:
                return JsonValue.Create(Pick(Vocabulary.Strings));
            case GenType.Entity:
                {
                    var uid = _exprs.PickUid();
                    return Chance(0.05) ? uid.ToJson() : new JsonObject { ["__entity"] = uid.ToJson() };
                }

            case GenType.Set:
                {
                    var t = Pick(Vocabulary.AllTypes);
                    var array = new JsonArray();
                    for (var i = depth > 0 ? _rnd.Next(0, 4) : 0; i > 0; i--)
                    {
                        array.Add(Value(t == GenType.Set || t == GenType.Record ? GenType.String : t, depth - 1));
                    }

                    return array;
                }

            case GenType.Record:
                {
                    var obj = new JsonObject();
                    if (depth > 0)
                    {
                        foreach (var (key, keyType) in Vocabulary.RecordKeys.Where(_ => Chance(0.5)))
                        {
                            obj[key] = Value(keyType, depth - 1);
                        }
                    }

                    return obj;
                }

            case GenType.Ip:
                return Extension("ip", Vocabulary.ValidIps, Vocabulary.InvalidIps);
            case GenType.Decimal:
                return Extension("decimal", Vocabulary.ValidDecimals, Vocabulary.InvalidDecimals);
            case GenType.Datetime:
                return Extension("datetime", Vocabulary.ValidDatetimes, Vocabulary.InvalidDatetimes);
            default:
                return Extension("duration", Vocabulary.ValidDurations, Vocabulary.InvalidDurations);
        }
    }

    private JsonObject Extension(string function, string[] valid, string[] invalid)
    {
        // Invalid literals make the whole entity set (or context) unreadable on both sides: keep them rare.
        var arg = Chance(0.997) ? Pick(valid) : Pick(invalid);
        return new JsonObject { ["__extn"] = new JsonObject { ["fn"] = function, ["arg"] = arg } };
    }

    private bool Chance(double p) => _rnd.NextDouble() < p;

    private T Pick<T>(IReadOnlyList<T> items) => items[_rnd.Next(items.Count)];
}
