using System.Text;

namespace Warden.Policy.Tests.Differential.Generation;

/// <summary>
/// Random Cedar expressions aimed at a type: mostly well-typed, sometimes deliberately not (ill-typed operands,
/// missing attributes, invalid extension literals, i64 overflow), so both the happy path and every error path are
/// compared.
/// </summary>
internal sealed class ExprGenerator
{
    private static readonly string[] CompareOps = ["<", "<=", ">", ">="];
    private static readonly string[] ArithOps = ["+", "-", "*"];
    private static readonly string[] DecimalMethods = ["lessThan", "lessThanOrEqual", "greaterThan", "greaterThanOrEqual"];
    private static readonly string[] IpPredicates = ["isIpv4", "isIpv6", "isLoopback", "isMulticast"];
    private static readonly string[] DurationToLong = ["toMilliseconds", "toSeconds", "toMinutes", "toHours", "toDays"];
    private static readonly string[] EntityVars = ["principal", "resource", "action"];

    private readonly Random _rnd;
    private readonly double _illTyped;
    private readonly bool _literalsOnly;

    /// <param name="rnd">The source of randomness.</param>
    /// <param name="illTyped">How often a subexpression aims at a random type instead of the one asked for.</param>
    /// <param name="literalsOnly">Build values from literals only (no attributes, tags or entities): value-focused cases.</param>
    public ExprGenerator(Random rnd, double illTyped, bool literalsOnly = false)
    {
        _rnd = rnd;
        _illTyped = illTyped;
        _literalsOnly = literalsOnly;
    }

    /// <summary>
    /// A check on values: a comparison, extension method, arithmetic or <c>like</c> over literal-built operands,
    /// so a wrong value on either side shows as a different decision or error.
    /// </summary>
    public GenExpr ValueCheck(int depth)
    {
        var d = depth;
        switch (_rnd.Next(12))
        {
            case 0:
            case 1:
                return new BinaryExpr(Pick(CompareOps), Gen(GenType.Long, d), Gen(GenType.Long, d), GenExpr.RelationLevel);
            case 2:
                return new BinaryExpr("==", Gen(GenType.Long, d), Gen(GenType.Long, d), GenExpr.RelationLevel);
            case 3:
            case 4:
                {
                    var t = Chance(0.5) ? GenType.Datetime : GenType.Duration;
                    return new BinaryExpr(Pick(["<", "<=", ">", ">=", "==", "!="]), Gen(t, d), Gen(t, d), GenExpr.RelationLevel);
                }

            case 5:
                return new MethodExpr(Gen(GenType.Decimal, d), Pick(DecimalMethods), [Gen(GenType.Decimal, d)]);
            case 6:
                return new BinaryExpr("==", Gen(GenType.Decimal, d), Gen(GenType.Decimal, d), GenExpr.RelationLevel);
            case 7:
                return Chance(0.5)
                    ? new MethodExpr(Gen(GenType.Ip, d), Pick(IpPredicates), [])
                    : new MethodExpr(Gen(GenType.Ip, d), "isInRange", [Gen(GenType.Ip, d)]);
            case 8:
                return new BinaryExpr("==", Gen(GenType.Ip, d), Gen(GenType.Ip, d), GenExpr.RelationLevel);
            case 9:
                return new LikeExpr(StringLiteral(), Pattern());
            case 10:
                {
                    var t = Pick(Vocabulary.AllTypes);
                    return new BinaryExpr("==", Gen(t, d), Gen(t, d), GenExpr.RelationLevel);
                }

            default:
                return BoolComposite(d);
        }
    }

    /// <summary>A boolean condition of at most <paramref name="depth"/> levels.</summary>
    public GenExpr Condition(int depth) => Gen(GenType.Bool, depth);

    /// <summary>An expression aimed at <paramref name="type"/>.</summary>
    public GenExpr Gen(GenType type, int depth)
    {
        if (Chance(_illTyped))
        {
            type = Pick(Vocabulary.AllTypes);
        }

        var e = depth <= 0 || Chance(0.2) ? Leaf(type, depth) : Composite(type, depth - 1);
        return Chance(0.06) ? e with { Paren = true } : e;
    }

    private GenExpr Composite(GenType type, int d) => type switch
    {
        GenType.Bool => BoolComposite(d),
        GenType.Long => _rnd.Next(9) switch
        {
            0 or 1 or 2 => Arithmetic(d),
            3 => Negate(Gen(GenType.Long, d)),
            4 => new MethodExpr(Gen(GenType.Duration, d), Pick(DurationToLong), []),
            5 => GetTag(d),
            6 => If(GenType.Long, d),
            7 => new AccessExpr(RecordLiteral(d), Accessor("level")),
            _ => Attribute(GenType.Long, d),
        },
        GenType.String => _rnd.Next(4) switch
        {
            0 => If(GenType.String, d),
            1 => GetTag(d),
            _ => Attribute(GenType.String, d),
        },
        GenType.Entity => _rnd.Next(5) switch
        {
            0 => If(GenType.Entity, d),
            1 => GetTag(d),
            _ => Attribute(GenType.Entity, d),
        },
        GenType.Set => _rnd.Next(4) switch
        {
            0 => If(GenType.Set, d),
            1 => Attribute(GenType.Set, d),
            _ => SetLiteral(d),
        },
        GenType.Record => _rnd.Next(4) switch
        {
            0 => If(GenType.Record, d),
            1 => Attribute(GenType.Record, d),
            _ => RecordLiteral(d),
        },
        GenType.Ip => _rnd.Next(4) switch
        {
            0 => If(GenType.Ip, d),
            1 => new CallExpr("ip", [Gen(GenType.String, d)]),
            _ => Attribute(GenType.Ip, d),
        },
        GenType.Decimal => _rnd.Next(4) switch
        {
            0 => If(GenType.Decimal, d),
            1 => new CallExpr("decimal", [Gen(GenType.String, d)]),
            _ => Attribute(GenType.Decimal, d),
        },
        GenType.Datetime => _rnd.Next(5) switch
        {
            0 => new MethodExpr(Gen(GenType.Datetime, d), "offset", [Gen(GenType.Duration, d)]),
            1 => new MethodExpr(Gen(GenType.Datetime, d), "toDate", []),
            2 => If(GenType.Datetime, d),
            3 => new CallExpr("datetime", [Gen(GenType.String, d)]),
            _ => Attribute(GenType.Datetime, d),
        },
        _ => _rnd.Next(5) switch
        {
            0 => new MethodExpr(Gen(GenType.Datetime, d), "durationSince", [Gen(GenType.Datetime, d)]),
            1 => new MethodExpr(Gen(GenType.Datetime, d), "toTime", []),
            2 => If(GenType.Duration, d),
            3 => new CallExpr("duration", [Gen(GenType.String, d)]),
            _ => Attribute(GenType.Duration, d),
        },
    };

    private GenExpr BoolComposite(int d)
    {
        switch (_rnd.Next(24))
        {
            case 0:
                return Not(Gen(GenType.Bool, d));
            case 1:
            case 2:
                return new BinaryExpr("&&", Gen(GenType.Bool, d), Chance(0.15) ? Erroring(d) : Gen(GenType.Bool, d), GenExpr.AndLevel);
            case 3:
            case 4:
                return new BinaryExpr("||", Gen(GenType.Bool, d), Chance(0.15) ? Erroring(d) : Gen(GenType.Bool, d), GenExpr.OrLevel);
            case 5:
            case 6:
                return new BinaryExpr(Pick(CompareOps), Gen(GenType.Long, d), Gen(GenType.Long, d), GenExpr.RelationLevel);
            case 7:
            case 8:
                {
                    var t = Pick(Vocabulary.AllTypes);
                    return new BinaryExpr(Chance(0.5) ? "==" : "!=", Gen(t, d), Gen(Chance(0.85) ? t : Pick(Vocabulary.AllTypes), d), GenExpr.RelationLevel);
                }

            case 9:
            case 10:
                return new BinaryExpr("in", Gen(GenType.Entity, d), _rnd.Next(3) switch
                {
                    0 => new SetExpr([.. Enumerable.Range(0, _rnd.Next(4)).Select(_ => Gen(GenType.Entity, d))]),
                    1 => Attribute(GenType.Set, d),
                    _ => Gen(GenType.Entity, d),
                }, GenExpr.RelationLevel);
            case 11:
            case 12:
                return new HasExpr(Chance(0.7) ? EntityTarget(d) : Gen(GenType.Record, d), HasPath());
            case 13:
                return new LikeExpr(Gen(GenType.String, d), Pattern());
            case 14:
                return new IsExpr(Gen(GenType.Entity, d), PickEntityType(), Chance(0.4) ? (Chance(0.7) ? Gen(GenType.Entity, d) : Gen(GenType.Set, d)) : null);
            case 15:
                return _rnd.Next(4) switch
                {
                    0 => new MethodExpr(Gen(GenType.Set, d), "contains", [Gen(Pick(Vocabulary.AllTypes), d)]),
                    1 => new MethodExpr(Gen(GenType.Set, d), "containsAll", [Gen(GenType.Set, d)]),
                    2 => new MethodExpr(Gen(GenType.Set, d), "containsAny", [Gen(GenType.Set, d)]),
                    _ => new MethodExpr(Gen(GenType.Set, d), "isEmpty", []),
                };
            case 16:
                return new MethodExpr(EntityTarget(d), "hasTag", [TagKey(d)]);
            case 17:
                return Chance(0.7)
                    ? new MethodExpr(Gen(GenType.Ip, d), Pick(IpPredicates), [])
                    : new MethodExpr(Gen(GenType.Ip, d), "isInRange", [Gen(GenType.Ip, d)]);
            case 18:
                return new MethodExpr(Gen(GenType.Decimal, d), Pick(DecimalMethods), [Gen(GenType.Decimal, d)]);
            case 19:
                {
                    var t = Chance(0.5) ? GenType.Datetime : GenType.Duration;
                    return new BinaryExpr(Chance(0.8) ? Pick(CompareOps) : Pick(["==", "!="]), Gen(t, d), Gen(t, d), GenExpr.RelationLevel);
                }

            case 20:
                return Chance(0.5) ? If(GenType.Bool, d) : GuardedAccess(d);
            case 21:
                return Attribute(GenType.Bool, d);
            case 22:
                // `<` and friends on decimals and other non-longs: an error (or, for datetime/duration, a comparison).
                {
                    var t = Pick(Vocabulary.AllTypes);
                    return new BinaryExpr(Pick(CompareOps), Gen(t, d), Gen(t, d), GenExpr.RelationLevel);
                }

            default:
                return Chance(0.5) ? Erroring(d) : new UnaryExpr("!", Erroring(d));
        }
    }

    /// <summary>
    /// An attribute or tag read behind a test for it (<c>e has a &amp;&amp; e.a …</c>, <c>if e has a then … else …</c>,
    /// <c>!(e has a) || …</c>, <c>e.hasTag(k) &amp;&amp; e.getTag(k) …</c>): the shapes the validator's optional-attribute
    /// tracking must accept, and the near misses it must refuse.
    /// </summary>
    private GenExpr GuardedAccess(int d)
    {
        var target = EntityTarget(d);
        var (name, type) = Pick(Vocabulary.Attributes);
        var useTag = Chance(0.25);
        var key = Pick(Vocabulary.TagKeys);
        GenExpr test = useTag
            ? new MethodExpr(target, "hasTag", [new AtomExpr(CedarText.Quote(key))])
            : new HasExpr(target, CedarText.IsIdentifier(name) ? name : CedarText.Quote(name));

        // Now and then the guard tests one thing and the read uses another: the near miss.
        var readTarget = Chance(0.85) ? target : EntityTarget(d);
        GenExpr read = useTag
            ? new MethodExpr(readTarget, "getTag", [new AtomExpr(CedarText.Quote(Chance(0.9) ? key : Pick(Vocabulary.TagKeys)))])
            : new AccessExpr(readTarget, Accessor(Chance(0.9) ? name : Pick(Vocabulary.Attributes).Name));
        var use = new BinaryExpr("==", read, Gen(useTag ? Pick(Vocabulary.AllTypes) : type, 0), GenExpr.RelationLevel);
        return _rnd.Next(4) switch
        {
            0 => new IfExpr(test, use, new AtomExpr(Chance(0.5) ? "true" : "false")),
            1 => new BinaryExpr("||", new UnaryExpr("!", test), use, GenExpr.OrLevel),
            2 => new BinaryExpr("&&", use, test, GenExpr.AndLevel),
            _ => new BinaryExpr("&&", test, use, GenExpr.AndLevel),
        };
    }

    /// <summary>An expression that usually errors at evaluation: exercises short-circuiting and error reporting.</summary>
    private GenExpr Erroring(int d) => _rnd.Next(10) switch
    {
        0 => new BinaryExpr(">", new BinaryExpr("+", new AtomExpr("9223372036854775807"), Gen(GenType.Long, d), GenExpr.AddLevel), new AtomExpr("0"), GenExpr.RelationLevel),
        1 => new BinaryExpr("==", new BinaryExpr("*", new AtomExpr("-9223372036854775808"), new AtomExpr(Pick(["-1", "2", "1"])), GenExpr.MulLevel), new AtomExpr("0"), GenExpr.RelationLevel),
        2 => new BinaryExpr("<", new AtomExpr("1"), Gen(GenType.String, d), GenExpr.RelationLevel),
        3 => new AccessExpr(EntityTarget(d), Accessor("nope")),
        4 => new MethodExpr(new CallExpr("ip", [new AtomExpr(CedarText.Quote(Pick(Vocabulary.InvalidIps)))]), "isIpv4", []),
        5 => new BinaryExpr("==", new AccessExpr(new AtomExpr(CedarText.Uid(Vocabulary.Ghost)), Accessor("name")), new AtomExpr("\"x\""), GenExpr.RelationLevel),
        6 => new MethodExpr(new AtomExpr(CedarText.Uid(Vocabulary.Ghost)), "hasTag", [new AtomExpr("\"k1\"")]),
        7 => new BinaryExpr("==", new UnaryExpr("-", new AtomExpr("-9223372036854775808")), new AtomExpr("1"), GenExpr.RelationLevel),
        8 => new BinaryExpr("==", new MethodExpr(EntityTarget(d), "getTag", [new AtomExpr("\"nope\"")]), new AtomExpr("1"), GenExpr.RelationLevel),
        _ => new AccessExpr(new AtomExpr("context"), Accessor("missing")),
    };

    private GenExpr Leaf(GenType type, int depth) => type switch
    {
        GenType.Bool => _rnd.Next(5) switch
        {
            0 => Attribute(GenType.Bool, 0),
            1 => new AtomExpr("false"),
            _ => new AtomExpr("true"),
        },
        GenType.Long => Chance(0.7) ? new AtomExpr(Pick(Vocabulary.TextLongs)) : Attribute(GenType.Long, 0),
        GenType.String => Chance(0.75) ? StringLiteral() : Attribute(GenType.String, 0),
        GenType.Entity => _rnd.Next(6) switch
        {
            0 or 1 => new AtomExpr(Pick(EntityVars)),
            2 => new AtomExpr("principal"),
            3 => Attribute(GenType.Entity, 0),
            _ => new AtomExpr(CedarText.Uid(PickUid(), _rnd.Next(15))),
        },
        GenType.Set => _rnd.Next(3) switch
        {
            0 => Attribute(GenType.Set, 0),
            1 => new SetExpr([]),
            _ => SetLiteral(0),
        },
        GenType.Record => _rnd.Next(4) switch
        {
            0 => new AtomExpr("context"),
            1 => Attribute(GenType.Record, 0),
            2 => new RecordExpr([], []),
            _ => RecordLiteral(0),
        },
        GenType.Ip => Chance(0.75) ? ExtLiteral("ip", Vocabulary.ValidIps, Vocabulary.InvalidIps) : Attribute(GenType.Ip, 0),
        GenType.Decimal => Chance(0.75) ? ExtLiteral("decimal", Vocabulary.ValidDecimals, Vocabulary.InvalidDecimals) : Attribute(GenType.Decimal, 0),
        GenType.Datetime => Chance(0.75) ? ExtLiteral("datetime", Vocabulary.ValidDatetimes, Vocabulary.InvalidDatetimes) : Attribute(GenType.Datetime, 0),
        _ => Chance(0.75) ? ExtLiteral("duration", Vocabulary.ValidDurations, Vocabulary.InvalidDurations) : Attribute(GenType.Duration, 0),
    };

    /// <summary>A literal-built value of a type (for value-focused cases).</summary>
    private GenExpr Literal(GenType type, int d) => type switch
    {
        GenType.Bool => new AtomExpr(Chance(0.5) ? "true" : "false"),
        GenType.Long => new AtomExpr(Pick(Vocabulary.TextLongs)),
        GenType.String => StringLiteral(),
        GenType.Entity => new AtomExpr(CedarText.Uid(PickUid())),
        GenType.Set => SetLiteral(Math.Max(0, d - 1)),
        GenType.Record => RecordLiteral(Math.Max(0, d - 1)),
        GenType.Ip => ExtLiteral("ip", Vocabulary.ValidIps, Vocabulary.InvalidIps),
        GenType.Decimal => ExtLiteral("decimal", Vocabulary.ValidDecimals, Vocabulary.InvalidDecimals),
        GenType.Datetime => ExtLiteral("datetime", Vocabulary.ValidDatetimes, Vocabulary.InvalidDatetimes),
        _ => ExtLiteral("duration", Vocabulary.ValidDurations, Vocabulary.InvalidDurations),
    };

    private CallExpr ExtLiteral(string function, string[] valid, string[] invalid) =>
        new(function, [new AtomExpr(CedarText.Quote(Chance(0.88) ? Pick(valid) : Pick(invalid)))]);

    private AtomExpr StringLiteral() => new(CedarText.Quote(Pick(Vocabulary.Strings), _rnd.Next(15)));

    private BinaryExpr Arithmetic(int d)
    {
        var op = Pick(ArithOps);
        return new BinaryExpr(op, Gen(GenType.Long, d), Gen(GenType.Long, d), op == "*" ? GenExpr.MulLevel : GenExpr.AddLevel);
    }

    private GenExpr Not(GenExpr e) =>
        e is UnaryExpr { Paren: false } ? new UnaryExpr("!", e with { Paren = Chance(0.5) }) : new UnaryExpr("!", e);

    private GenExpr Negate(GenExpr e) =>
        e is UnaryExpr { Paren: false } ? new UnaryExpr("-", e with { Paren = Chance(0.5) }) : new UnaryExpr("-", e);

    private IfExpr If(GenType type, int d) => new(Gen(GenType.Bool, d), Gen(type, d), Gen(type, d));

    private MethodExpr GetTag(int d) => new(EntityTarget(d), "getTag", [TagKey(d)]);

    private GenExpr TagKey(int d) => Chance(0.85) ? new AtomExpr(CedarText.Quote(Pick(Vocabulary.TagKeys))) : Gen(GenType.String, d);

    /// <summary>An entity to read attributes or tags from: mostly the request's own, sometimes a literal or an attribute.</summary>
    private GenExpr EntityTarget(int d) => _rnd.Next(8) switch
    {
        0 or 1 or 2 => new AtomExpr("principal"),
        3 or 4 => new AtomExpr("resource"),
        5 => new AtomExpr(CedarText.Uid(PickUid())),
        6 => new AtomExpr("action"),
        _ => d > 0 ? Gen(GenType.Entity, d - 1) : new AccessExpr(new AtomExpr("principal"), Accessor("manager")),
    };

    private GenExpr Attribute(GenType type, int d)
    {
        if (_literalsOnly)
        {
            return Literal(type, d);
        }

        var candidates = Vocabulary.Attributes.Where(a => a.Type == type).ToArray();
        var name = candidates.Length == 0 || Chance(0.1) ? Pick(Vocabulary.Attributes).Name : Pick(candidates).Name;
        GenExpr target = _rnd.Next(5) switch
        {
            0 => new AtomExpr("context"),
            1 when d > 0 => Gen(GenType.Record, d - 1),
            _ => EntityTarget(d),
        };

        // The profile record's keys are reached through `profile`.
        if (Chance(0.15))
        {
            var keys = Vocabulary.RecordKeys.Where(k => k.Type == type).ToArray();
            if (keys.Length > 0)
            {
                return new AccessExpr(new AccessExpr(target, Accessor("profile")), Accessor(Pick(keys).Name));
            }
        }

        return new AccessExpr(target, Accessor(name));
    }

    private string Accessor(string name) =>
        CedarText.IsIdentifier(name) && Chance(0.75) ? "." + name : "[" + CedarText.Quote(name, _rnd.Next(15)) + "]";

    private string HasPath()
    {
        if (Chance(0.25))
        {
            // `has a.b.c`: identifiers only.
            var path = new List<string> { Chance(0.5) ? "profile" : Pick(["manager", "name", "age"]) };
            for (var i = _rnd.Next(1, 3); i > 0; i--)
            {
                path.Add(Pick(["nested", "flag", "level", "name"]));
            }

            return string.Join(".", path);
        }

        var name = Chance(0.8) ? Pick(Vocabulary.Attributes).Name : Pick(Vocabulary.RecordKeys).Name;
        return CedarText.IsIdentifier(name) && Chance(0.7) ? name : CedarText.Quote(name, _rnd.Next(15));
    }

    private string Pattern()
    {
        var sb = new StringBuilder("\"");
        var pieces = _rnd.Next(0, 4);
        for (var i = 0; i < pieces; i++)
        {
            if (Chance(0.35))
            {
                sb.Append('*');
            }
            else
            {
                var text = Pick(Vocabulary.Strings);
                var take = text.Length == 0 ? 0 : _rnd.Next(1, Math.Min(text.Length, 4) + 1);
                var style = _rnd.Next(15);
                foreach (var rune in text.EnumerateRunes().Take(take))
                {
                    CedarText.AppendRune(sb, rune, style, inPattern: true);
                }
            }
        }

        return sb.Append('"').ToString();
    }

    private SetExpr SetLiteral(int d)
    {
        var t = Pick(Vocabulary.AllTypes);
        var mixed = Chance(0.15);
        return new SetExpr([.. Enumerable.Range(0, _rnd.Next(0, 4)).Select(_ => Gen(mixed ? Pick(Vocabulary.AllTypes) : t, d))]);
    }

    private RecordExpr RecordLiteral(int d)
    {
        var keys = Vocabulary.RecordKeys.OrderBy(_ => _rnd.Next()).Take(_rnd.Next(0, 4)).ToArray();
        return new RecordExpr(
            [.. keys.Select(k => CedarText.IsIdentifier(k.Name) && Chance(0.7) ? k.Name : CedarText.Quote(k.Name, _rnd.Next(15)))],
            [.. keys.Select(k => Gen(k.Type, d))]);
    }

    /// <summary>A uid drawn from the entity pool, an action, or the never-stored ghost.</summary>
    public GenUid PickUid()
    {
        var roll = _rnd.Next(20);
        if (roll == 0)
        {
            return Vocabulary.Ghost;
        }

        if (roll == 1)
        {
            return new GenUid("Action", Pick(Vocabulary.ActionIds));
        }

        var (type, ids) = Pick(Vocabulary.EntityTypes);
        return new GenUid(type, Pick(ids));
    }

    /// <summary>An entity type name for <c>is</c>.</summary>
    public string PickEntityType() => _rnd.Next(10) switch
    {
        0 => "Action",
        1 => "Ghost",
        _ => Pick(Vocabulary.EntityTypes).Type,
    };

    private bool Chance(double p) => _rnd.NextDouble() < p;

    private T Pick<T>(IReadOnlyList<T> items) => items[_rnd.Next(items.Count)];
}
