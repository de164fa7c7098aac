using System.Globalization;
using System.Text;
using Warden.Lineage.Privacy;
using Warden.Lineage.Tests.Privacy.Reference;

namespace Warden.Lineage.Tests.Privacy;

/// <summary>
/// The streaming redactor against the former JsonNode-tree one (<see cref="LegacyContextRedactor"/>): same redacted
/// JSON, same digest, same count, same refusals, for generated contexts with and without sensitive paths.
/// </summary>
public sealed class ContextRedactorDifferentialTests
{
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    private static readonly string[] Names =
    [
        "a", "b", "B", "input", "password", "token", "items", "headers", "authorization", "id", "note", "api.key",
        "z", "Ä", "é", "日本", "a b", "<tag>", "q\"uote", "back\\slash", "ctl\u0001", "emoji😀", "", "aa", "a\u0000b",
    ];

    private static readonly string[] PathPool =
    [
        "$", "$.a", "$.b", "$.input", "$.input.password", "input.headers.authorization", "$.input.items[*].token",
        "$.items[0]", "$.items[1].id", "$.items[*]", "$.*", "$.*.*", "$.*.token", "$['api.key']", "$['a b']", "$.note",
        "$.a.b", "$.a.*", "$.a[*]", "$[0]", "$[*].id", "$.Ä", "$.日本", "$.missing", "$.list[3]", "$.headers.*",
        "$['q\"uote']", "$.B.a", "a", "b.a", "$.items[*].*",
    ];

    private static readonly string[] Scalars =
    [
        "null", "true", "false", "0", "-0", "1", "1.0", "1.50", "1e5", "1E-7", "-12.5e+3", "12345678901234567890123",
        "0.1", "\"\"", "\"plain\"", "\"hunter2\"", "\"<script>&amp;</script>\"", "\"caf\\u00e9\"", "\"日本語\"",
        "\"emoji 😀\"", "\"quote \\\" back \\\\ slash\"", "\"ctl \\u0001 \\t \\n\"", "\"\\ud83d\\ude00\"", "\"+/'`\"",
    ];

    [Fact]
    public void Redact_GeneratedContexts_ByteIdenticalToTheTreeImplementation()
    {
        var random = new Random(20261130);
        var withMatches = 0;
        for (var i = 0; i < 3000; i++)
        {
            var json = Value(random, depth: 0, pretty: random.Next(3) == 0);
            var paths = Enumerable.Range(0, random.Next(0, 5)).Select(_ => PathPool[random.Next(PathPool.Length)]).ToArray();

            var expected = LegacyContextRedactor.Redact(json, paths, Key);
            var actual = ContextRedactor.Redact(json, paths, Key);

            Assert.True(expected.Json == actual.Json, $"redacted JSON differs for {json} with [{string.Join(", ", paths)}]:\n{expected.Json}\n{actual.Json}");
            Assert.Equal(expected.Digest, actual.Digest);
            Assert.Equal(expected.RedactedValueCount, actual.RedactedValueCount);
            withMatches += expected.RedactedValueCount > 0 ? 1 : 0;
        }

        // The generator can fail to exercise redaction; it must not.
        Assert.InRange(withMatches, 300, 3000);
    }

    [Theory]
    [InlineData("""{ "input": { "to": "bob@example.com", "password": "hunter2", "headers": { "authorization": "Bearer s3cr3t-t0ken" }, "items": [ { "id": 1, "token": "tok-A" }, { "id": 2, "token": "tok-B" } ], "note": null }, "intent": "send the report" }""")]
    [InlineData("""{"b":1,"a":{"y":"secret","x":2}}""")]
    [InlineData("""{"creds":{"user":"u","pass":"p"},"k":"v"}""")]
    [InlineData("""{"a":"secret"}""")]
    [InlineData("""{"a":1}""")]
    [InlineData("""[1,{"id":2},[3]]""")]
    [InlineData("\"just a string\"")]
    [InlineData("null")]
    [InlineData("{\"input\":{\"password\":\"pa55\",\"apiKey\":\"pa55-1\",\"query\":\"visible\"}}")]
    public void Redact_KnownContexts_ByteIdenticalToTheTreeImplementation(string json)
    {
        string[][] pathSets =
        [
            [], ["$"], ["$.input.password", "input.headers.authorization", "$.input.items[*].token", "$.input.note"],
            ["$.a.y"], ["$.creds.pass", "$.creds", "$['creds'].user"], ["$.missing", "$.a.b", "$.list[3]"],
            ["$[1].id", "$[2][0]", "$[*]"], ["$.input.password", "$.input.apiKey"],
        ];
        foreach (var paths in pathSets)
        {
            var expected = LegacyContextRedactor.Redact(json, paths, Key);
            var actual = ContextRedactor.Redact(json, paths, Key);

            Assert.Equal(expected, actual);
        }
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("""{"a":1,"a":2}""")]
    [InlineData("""{"a":{"b":1,"b":1}}""")]
    [InlineData("")]
    [InlineData("{\"a\":1,}")]
    [InlineData("// comment\n{}")]
    [InlineData("{} {}")]
    public void Redact_InvalidJson_BothRefuse(string json)
    {
        Assert.Throws<ArgumentException>(() => LegacyContextRedactor.Redact(json, ["$.a"], Key));
        Assert.Throws<ArgumentException>(() => ContextRedactor.Redact(json, ["$.a"], Key));
    }

    [Fact]
    public void Redact_DeeperThanTheLimit_BothRefuse()
    {
        var json = new string('[', 65) + new string(']', 65);

        Assert.Throws<ArgumentException>(() => LegacyContextRedactor.Redact(json, [], Key));
        Assert.Throws<ArgumentException>(() => ContextRedactor.Redact(json, [], Key));
    }

    [Theory]
    [InlineData("\"hunter2\"")]
    [InlineData("""{"pass":"p","user":"u"}""")]
    [InlineData("""{ "user" : "u", "pass" : "p" }""")]
    [InlineData("[1, 2.50, null]")]
    public void HashValue_SameAsTheTreeImplementation(string value)
    {
        Assert.Equal(LegacyContextRedactor.HashValue(value, Key), ContextRedactor.HashValue(value, Key));
    }

    private static string Value(Random random, int depth, bool pretty)
    {
        var roll = depth >= 5 ? 10 : random.Next(12);
        var space = pretty ? " " : string.Empty;
        switch (roll)
        {
            case < 4:
                var count = random.Next(0, 6);
                var names = Names.OrderBy(_ => random.Next()).Take(count).ToArray();
                var members = names.Select(n => Quote(n) + space + ":" + space + Value(random, depth + 1, pretty));
                return "{" + space + string.Join("," + space, members) + space + "}";
            case < 6:
                var items = Enumerable.Range(0, random.Next(0, 5)).Select(_ => Value(random, depth + 1, pretty));
                return "[" + string.Join("," + space, items) + "]";
            default:
                return Scalars[random.Next(Scalars.Length)];
        }
    }

    // A JSON string for a name, escaped in varied (all valid) ways so both parsers must unescape it.
    private static string Quote(string name)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in name)
        {
            builder.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                < ' ' => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                'é' => "\\u00e9",
                _ => c.ToString(),
            });
        }

        return builder.Append('"').ToString();
    }
}
