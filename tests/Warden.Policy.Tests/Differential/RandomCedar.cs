using System.Globalization;
using System.Text;
using System.Text.Json;
using Warden.Policy.Values;

namespace Warden.Policy.Tests.Differential;

/// <summary>One generated case: policy text, entities JSON and requests (uids and context as JSON).</summary>
internal sealed record RandomCase(string Policies, string EntitiesJson, IReadOnlyList<RandomRequest> Requests);

/// <summary>A generated request; each part is Cedar JSON.</summary>
internal sealed record RandomRequest(string Principal, string Action, string Resource, string Context);

/// <summary>
/// Generates random but mostly well-formed Cedar: policies over a small universe of entities and attributes, with
/// every operator, extension function and error source (type errors, missing attributes, overflow, bad literals).
/// Deterministic for a seed.
/// </summary>
internal sealed class RandomCedar(int seed)
{
    private static readonly string[] Principals = ["User::\"alice\"", "User::\"bob\"", "User::\"\"", "User::\"\\0\"", "Group::\"g1\"", "Group::\"g2\"", "NS::Group::\"top\""];
    private static readonly string[] Resources = ["Photo::\"p1\"", "Photo::\"p2\"", "NS::Doc::\"d\"", "Photo::\"missing\""];
    private static readonly string[] Actions = ["Action::\"view\"", "Action::\"edit\"", "Action::\"all\"", "NS::Action::\"x\""];
    private static readonly string[] Types = ["User", "Group", "Photo", "NS::Doc", "NS::Group"];
    private static readonly string[] Attributes = ["a", "n", "s", "owner", "tags", "rec", "ip", "d", "x y"];
    private static readonly string[] Strings = ["", "a", "alice", "x y", "\0", "\U0001F600", "ham and eggs", "10.1.2.3", "1.5", "*"];
    private static readonly string[] Patterns = ["*", "a*", "*a", "\\*", "a\\**", "", "*a*m*", "\U0001F600*"];
    private static readonly long[] Longs = [0, 1, -1, 7, 42, long.MaxValue, long.MinValue, 9007199254740993, -5];

    // The oracle receives JSON through JavaScript, whose numbers are doubles: JSON integers stay within 2^53 there
    // (the conformance corpus and unit tests cover the larger ones).
    private static readonly long[] JsonLongs = [0, 1, -1, 7, 42, -5, 9007199254740991, -9007199254740991];
    private static readonly string[] IpTexts = ["10.0.0.0/8", "10.1.2.3", "127.0.0.1", "::1", "ff00::2", "192.168.0.1/24", "1.2.3.04", "::ffff:1.2.3.4"];
    private static readonly string[] DecimalTexts = ["1.5", "-0.5", "0.0", "922337203685477.5807", "1.23456", "-1.0"];
    private static readonly string[] DatetimeTexts = ["2024-10-15", "2024-10-15T11:35:00Z", "1969-12-31T23:00:00-0100", "2024-02-30", "0000-01-01"];
    private static readonly string[] DurationTexts = ["1h", "-1d12h", "0ms", "9223372036854775807ms", "1s1d", "106751991167d"];

    private static readonly string[] ValidIps = ["10.0.0.0/8", "10.1.2.3", "127.0.0.1", "::1", "ff00::2", "192.168.0.1/24"];
    private static readonly string[] ValidDecimals = ["1.5", "-0.5", "0.0", "922337203685477.5807", "-1.0"];
    private static readonly string[] ValidDatetimes = ["2024-10-15", "2024-10-15T11:35:00Z", "1969-12-31T23:00:00-0100", "0000-01-01"];
    private static readonly string[] ValidDurations = ["1h", "-1d12h", "0ms", "9223372036854775807ms", "106751991167d"];

    private readonly Random _random = new(seed);
    private bool _invalidExtensionAllowed;

    public RandomCase Next()
    {
        var policies = new StringBuilder();
        var count = 1 + _random.Next(5);
        for (var i = 0; i < count; i++)
        {
            policies.Append(Policy()).Append('\n');
        }

        // One case in twenty may carry an invalid extension value in its JSON (which both engines must reject).
        _invalidExtensionAllowed = _random.Next(20) == 0;
        var requests = new List<RandomRequest>();
        for (var i = 0; i < 4; i++)
        {
            requests.Add(new RandomRequest(
                UidJson(Pick(Principals.Concat(["User::\"zed\""]).ToArray())),
                UidJson(Pick(Actions)),
                UidJson(Pick(Resources)),
                Json(w => RecordJson(w, 2))));
        }

        return new RandomCase(policies.ToString(), EntitiesJson(), requests);
    }

    private string Policy()
    {
        var text = new StringBuilder(_random.Next(4) == 0 ? "forbid(" : "permit(");
        text.Append(_random.Next(5) switch
        {
            0 => $"principal == {Pick(Principals)}",
            1 => $"principal in {Pick(Principals)}",
            2 => $"principal is {Pick(Types)}",
            3 => $"principal is {Pick(Types)} in {Pick(Principals)}",
            _ => "principal",
        }).Append(", ");
        text.Append(_random.Next(4) switch
        {
            0 => $"action == {Pick(Actions)}",
            1 => $"action in {Pick(Actions)}",
            2 => $"action in [{Pick(Actions)}, {Pick(Actions)}]",
            _ => "action",
        }).Append(", ");
        text.Append(_random.Next(4) switch
        {
            0 => $"resource == {Pick(Resources)}",
            1 => $"resource in {Pick(Resources)}",
            2 => $"resource is {Pick(Types)}",
            _ => "resource",
        }).Append(')');
        var conditions = _random.Next(3);
        for (var i = 0; i < conditions; i++)
        {
            text.Append(_random.Next(3) == 0 ? " unless { " : " when { ").Append(Expr(3)).Append(" }");
        }

        return text.Append(';').ToString();
    }

    private string Expr(int depth)
    {
        if (depth == 0 || _random.Next(4) == 0)
        {
            return Atom();
        }

        var d = depth - 1;
        return _random.Next(26) switch
        {
            0 => $"({Expr(d)} && {Expr(d)})",
            1 => $"({Expr(d)} || {Expr(d)})",
            2 => $"(!({Expr(d)}))",
            3 => $"(-({Expr(d)}))",
            4 => $"(if {Expr(d)} then {Expr(d)} else {Expr(d)})",
            5 => $"({Expr(d)} {Pick(["==", "!=", "<", "<=", ">", ">="])} {Expr(d)})",
            6 => $"({Expr(d)} {Pick(["+", "-", "*"])} {Expr(d)})",
            7 => $"({Expr(d)} in {Expr(d)})",
            8 => $"({Expr(d)} has {HasTarget()})",
            9 => $"({Expr(d)} like {CedarStrings.Quote(Pick(Patterns)).Replace("\\\\*", "\\*", StringComparison.Ordinal)})",
            10 => $"({Expr(d)} is {Pick(Types)})",
            11 => $"({Expr(d)} is {Pick(Types)} in {Expr(d)})",
            12 => $"({Expr(d)}).{Pick(["contains", "containsAll", "containsAny"])}({Expr(d)})",
            13 => $"({Expr(d)}).isEmpty()",
            14 => $"({Expr(d)}).{Pick(["getTag", "hasTag"])}({Expr(d)})",
            15 => $"({Expr(d)}).{Attribute()}",
            16 => $"[{Expr(d)}, {Expr(d)}]",
            17 => $"{{a: {Expr(d)}, \"x y\": {Expr(d)}}}",
            18 => $"({Expr(d)}).isInRange({Expr(d)})",
            19 => $"({Expr(d)}).{Pick(["lessThan", "greaterThanOrEqual"])}({Expr(d)})",
            20 => $"({Expr(d)}).offset({Expr(d)})",
            21 => $"({Expr(d)}).{Pick(["toDays", "toMilliseconds", "toDate", "toTime", "isLoopback", "isIpv4"])}()",
            22 => $"({Expr(d)}).durationSince({Expr(d)})",
            23 => $"{Pick(["principal", "resource", "context"])}.{Attribute()}",
            24 => $"({Expr(d)})[\"x y\"]",
            _ => ExtensionLiteral(),
        };
    }

    private string Atom() => _random.Next(12) switch
    {
        0 => Longs[_random.Next(Longs.Length)].ToString(CultureInfo.InvariantCulture),
        1 => CedarStrings.Quote(Pick(Strings)),
        2 => _random.Next(2) == 0 ? "true" : "false",
        3 => Pick(["principal", "action", "resource", "context"]),
        4 => Pick(Principals),
        5 => Pick(Resources),
        6 => $"{Pick(["principal", "resource", "context"])}.{Attribute()}",
        7 => $"context[\"x y\"]",
        8 => ExtensionLiteral(),
        9 => "[]",
        10 => "{}",
        _ => Pick(Actions),
    };

    private string ExtensionLiteral() => _random.Next(4) switch
    {
        0 => $"ip({CedarStrings.Quote(Pick(IpTexts))})",
        1 => $"decimal({CedarStrings.Quote(Pick(DecimalTexts))})",
        2 => $"datetime({CedarStrings.Quote(Pick(DatetimeTexts))})",
        _ => $"duration({CedarStrings.Quote(Pick(DurationTexts))})",
    };

    private string Attribute()
    {
        var name = Pick(Attributes);
        return name == "x y" ? "a" : name;
    }

    private string HasTarget() => _random.Next(3) switch
    {
        0 => "\"x y\"",
        1 => $"{Attribute()}.{Attribute()}",
        _ => Attribute(),
    };

    private string EntitiesJson() => Json(w =>
    {
        w.WriteStartArray();
        var all = Principals.Concat(Resources).Where(u => !u.Contains("missing", StringComparison.Ordinal)).ToArray();
        for (var i = 0; i < all.Length; i++)
        {
            if (_random.Next(5) == 0)
            {
                continue;
            }

            w.WriteStartObject();
            w.WritePropertyName("uid");
            WriteUid(w, all[i]);
            w.WritePropertyName("attrs");
            RecordJson(w, 2);
            w.WritePropertyName("parents");
            w.WriteStartArray();
            for (var j = i + 1; j < all.Length; j++)
            {
                if (_random.Next(4) == 0)
                {
                    WriteUid(w, all[j]);
                }
            }

            w.WriteEndArray();
            if (_random.Next(2) == 0)
            {
                w.WritePropertyName("tags");
                RecordJson(w, 1);
            }

            w.WriteEndObject();
        }

        foreach (var (action, parent) in new[] { ("Action::\"view\"", "Action::\"all\""), ("Action::\"edit\"", "Action::\"all\""), ("Action::\"all\"", null) })
        {
            w.WriteStartObject();
            w.WritePropertyName("uid");
            WriteUid(w, action);
            w.WritePropertyName("attrs");
            w.WriteStartObject();
            w.WriteEndObject();
            w.WritePropertyName("parents");
            w.WriteStartArray();
            if (parent is not null)
            {
                WriteUid(w, parent);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
    });

    private void RecordJson(Utf8JsonWriter w, int depth)
    {
        w.WriteStartObject();
        foreach (var name in Attributes)
        {
            if (_random.Next(3) == 0)
            {
                w.WritePropertyName(name);
                ValueJson(w, depth);
            }
        }

        w.WriteEndObject();
    }

    private void ValueJson(Utf8JsonWriter w, int depth)
    {
        switch (_random.Next(depth == 0 ? 5 : 8))
        {
            case 0:
                w.WriteNumberValue(JsonLongs[_random.Next(JsonLongs.Length)]);
                break;
            case 1:
                w.WriteStringValue(Pick(Strings));
                break;
            case 2:
                w.WriteBooleanValue(_random.Next(2) == 0);
                break;
            case 3:
                WriteEscape(w, "__entity", () =>
                {
                    var uid = Pick(Principals.Concat(Resources).ToArray());
                    WriteTypeAndId(w, uid);
                });
                break;
            case 4:
                {
                    var (fn, arg) = _random.Next(4) switch
                    {
                        0 => ("ip", Pick(ValidIps)),
                        1 => ("decimal", Pick(ValidDecimals)),
                        2 => ("datetime", Pick(ValidDatetimes)),
                        _ => ("duration", Pick(ValidDurations)),
                    };
                    if (_invalidExtensionAllowed && _random.Next(3) == 0)
                    {
                        arg = _random.Next(2) == 0 ? "x" + arg : Pick(IpTexts.Concat(DecimalTexts).Concat(DatetimeTexts).Concat(DurationTexts).ToArray());
                    }

                    WriteEscape(w, "__extn", () =>
                    {
                        w.WriteStartObject();
                        w.WriteString("fn", fn);
                        w.WriteString("arg", arg);
                        w.WriteEndObject();
                    });
                    break;
                }

            case 5:
            case 6:
                w.WriteStartArray();
                var n = _random.Next(3);
                for (var i = 0; i < n; i++)
                {
                    ValueJson(w, depth - 1);
                }

                w.WriteEndArray();
                break;
            default:
                RecordJson(w, depth - 1);
                break;
        }
    }

    private static void WriteEscape(Utf8JsonWriter w, string key, Action inner)
    {
        w.WriteStartObject();
        w.WritePropertyName(key);
        inner();
        w.WriteEndObject();
    }

    private static string UidJson(string cedarUid) => Json(w => WriteTypeAndId(w, cedarUid));

    private static void WriteUid(Utf8JsonWriter w, string cedarUid) => WriteTypeAndId(w, cedarUid);

    private static void WriteTypeAndId(Utf8JsonWriter w, string cedarUid)
    {
        var uid = Assert.IsType<Warden.Policy.Syntax.LiteralExpr>(Warden.Policy.Syntax.CedarSyntax.ParseExpression(cedarUid)).Value.AsEntity();
        w.WriteStartObject();
        w.WriteString("type", uid.Type);
        w.WriteString("id", uid.Id);
        w.WriteEndObject();
    }

    private static string Json(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private T Pick<T>(T[] items) => items[_random.Next(items.Length)];
}
