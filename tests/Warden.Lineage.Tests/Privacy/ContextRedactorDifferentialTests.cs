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

    // Names whose UTF-16 ordinal order differs from their UTF-8 byte order (supplementary characters against
    // U+E000–U+FFFF), names equal only after unescaping, and plain ones.
    private static readonly string[] WideNames =
    [
        "a", "b", "aa", "A", "\uE000", "\uFF5A", "\uFFFD", "\U0001F600", "a\U0001F600", "a\uFF5A", "a\uE000x", "\U00010000",
        "é", "e\u0301", "日本", "\u2028", "\u007F", "", " ", "\u0000", "<", "+", "`", "'", "\"", "\\", "z",
    ];

    private static readonly string[] WideScalars =
    [
        "0", "-0", "-0.0", "0E0", "1e+10", "1E-400", "123456789012345678901234567890e-5", "3.14159265358979323846264338327950288",
        "true", "false", "null", "\"\"", "\"\\u00e9\u00e9\"", "\"\\u2028\\u2029\"", "\"\\u007f\u007f\"", "\"\\ud83d\\ude00 \U0001F600\"",
        "\"\\/ \\b \\f \\r\"", "\"\uFF5A\uE000\"", "\"select id, total from orders where day = $1\"", "\"<&>'+`\"",
    ];

    [Fact]
    public void Redact_WideGeneratedContexts_SameAsTheTreeImplementationAndTheUtf8Overload()
    {
        // Deeper nesting, escaped and unescaped spellings of one name (duplicates after unescaping), names whose UTF-16
        // and UTF-8 orders differ, unusual numbers, line-break whitespace, unpaired escaped surrogates.
        var random = new Random(20261207);
        int equal = 0, refused = 0, redacted = 0;
        for (var i = 0; i < 4000; i++)
        {
            var json = WideValue(random, depth: 0);
            var paths = Enumerable.Range(0, random.Next(0, 4)).Select(_ => PathPool[random.Next(PathPool.Length)]).ToArray();

            RedactedContext? expected;
            try
            {
                expected = LegacyContextRedactor.Redact(json, paths, Key);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                // The tree implementation refuses an unpaired escaped surrogate only when it reads the string
                // (InvalidOperationException); the streaming one refuses every refused context as ArgumentException.
                expected = null;
            }

            if (expected is null)
            {
                Assert.Throws<ArgumentException>(() => ContextRedactor.Redact(json, paths, Key));
                if (StrictUtf8OrNull(json) is { } utf8)
                {
                    Assert.Throws<ArgumentException>(() => ContextRedactor.Redact(utf8, SensitivePaths.Parse(paths), Key));
                }

                refused++;
                continue;
            }

            var actual = ContextRedactor.Redact(json, paths, Key);
            var fromUtf8 = ContextRedactor.Redact(Encoding.UTF8.GetBytes(json), SensitivePaths.Parse(paths), Key);

            Assert.True(expected.Json == actual.Json, $"redacted JSON differs for {json} with [{string.Join(", ", paths)}]:\n{expected.Json}\n{actual.Json}");
            Assert.Equal(expected.Digest, actual.Digest);
            Assert.Equal(expected.RedactedValueCount, actual.RedactedValueCount);
            Assert.Equal(actual, fromUtf8);
            equal++;
            redacted += actual.RedactedValueCount > 0 ? 1 : 0;
        }

        // The generator can fail to exercise each outcome; it must not.
        Assert.InRange(equal, 2000, 4000);
        Assert.InRange(refused, 50, 2000);
        Assert.InRange(redacted, 200, 4000);
    }

    [Theory]
    [InlineData("{\"\U0001F600\":1,\"\uFF5A\":2,\"\uE000\":3,\"a\":4}")]
    [InlineData("{\"a\U0001F600\":1,\"a\uFFFD\":2,\"a\":3,\"b\":4}")]
    [InlineData("{\"\\ud83d\\ude00\":1,\"\\uff5a\":2}")]
    [InlineData("{\"input\":{\"sql\":\"select id, total from orders where day = $1\",\"rows\":100}}")]
    public void Redact_NamesOrderedByUtf16CodeUnits_SameAsTheTreeImplementation(string json)
    {
        var expected = LegacyContextRedactor.Redact(json, Array.Empty<string>(), Key);

        Assert.Equal(expected, ContextRedactor.Redact(json, Array.Empty<string>(), Key));
        Assert.Equal(expected, ContextRedactor.Redact(Encoding.UTF8.GetBytes(json), SensitivePaths.None, Key));
    }

    [Theory]
    [InlineData("{\"é\":1,\"\\u00e9\":2}")]
    [InlineData("{\"a\":{\"x\":1},\"b\":[{\"y\":1,\"\\u0079\":2}]}")]
    [InlineData("\"\\ud800\"")]
    [InlineData("{\"\\udc00\":1}")]
    public void Redact_DuplicateNamesAndUnpairedSurrogates_Refused(string json)
    {
        Assert.ThrowsAny<Exception>(() => LegacyContextRedactor.Redact(json, ["$.a"], Key));
        Assert.Throws<ArgumentException>(() => ContextRedactor.Redact(json, ["$.a"], Key));
        Assert.Throws<ArgumentException>(() => ContextRedactor.HashValue(json, Key));
    }

    [Fact]
    public void Redact_UnpairedSurrogateInTheText_Refused()
    {
        var json = "{\"a\":\"x\ud800\"}";

        Assert.Throws<ArgumentException>(() => LegacyContextRedactor.Redact(json, ["$.a"], Key));
        Assert.Throws<ArgumentException>(() => ContextRedactor.Redact(json, ["$.a"], Key));
    }

    [Fact]
    public void Redact_InvalidUtf8_Refused()
    {
        byte[] json = [(byte)'"', 0xC3, 0x28, (byte)'"'];

        Assert.Throws<ArgumentException>(() => ContextRedactor.Redact(json, SensitivePaths.None, Key));
    }

    [Fact]
    public void Redact_ManyContextsOnOneThread_NoStateCarriesOver()
    {
        // The per-thread buffers are reused: a long context, then a short one, then a refused one, then the first again.
        var paths = SensitivePaths.Parse(["$.input.password"]);
        var longOne = "{\"input\":{\"password\":\"p\",\"pad\":\"" + new string('x', 5000) + "\"}}";
        var first = ContextRedactor.Redact(longOne, paths, Key);
        var shortOne = ContextRedactor.Redact("{\"input\":{\"b\":1,\"a\":2}}", paths, Key);
        Assert.Throws<ArgumentException>(() => ContextRedactor.Redact("{\"input\":{\"a\":1,\"a\":2}}", paths, Key));
        var again = ContextRedactor.Redact(longOne, paths, Key);

        Assert.Equal(first, again);
        Assert.Equal(1, first.RedactedValueCount);
        Assert.Equal("{\"input\":{\"a\":2,\"b\":1}}", shortOne.Json);
        Assert.Equal(LegacyContextRedactor.Redact(longOne, ["$.input.password"], Key), first);
    }

    private static string WideValue(Random random, int depth)
    {
        var roll = depth >= 7 ? 10 : random.Next(12);
        var space = random.Next(8) switch { 0 => " ", 1 => "\n\t", 2 => "\r\n ", _ => string.Empty };
        switch (roll)
        {
            case < 4:
                var count = random.Next(0, 6);
                var names = WideNames.OrderBy(_ => random.Next()).Take(count).ToList();
                if (names.Count > 0 && random.Next(25) == 0)
                {
                    names.Add(names[random.Next(names.Count)]); // a duplicate, maybe spelt differently
                }

                var members = names.Select(n => WideQuote(random, n) + space + ":" + space + WideValue(random, depth + 1));
                return "{" + space + string.Join("," + space, members) + space + "}";
            case < 6:
                var items = Enumerable.Range(0, random.Next(0, 5)).Select(_ => WideValue(random, depth + 1));
                return "[" + space + string.Join("," + space, items) + space + "]";
            case 6 when random.Next(40) == 0:
                return random.Next(2) == 0 ? "\"\\ud800\"" : "\"x\\udc00y\"";
            default:
                return WideScalars[random.Next(WideScalars.Length)];
        }
    }

    // A JSON string for a name: each character written as is or as a \u escape, at random.
    private static string WideQuote(Random random, string name)
    {
        var builder = new StringBuilder("\"");
        for (var i = 0; i < name.Length; i++)
        {
            // A surrogate pair is escaped or kept whole (half of each would be an unpaired surrogate in the text).
            var width = char.IsHighSurrogate(name[i]) ? 2 : 1;
            var escape = name[i] is '"' or '\\' or < ' ' || random.Next(4) == 0;
            for (var k = i; k < i + width; k++)
            {
                if (escape)
                {
                    builder.Append("\\u").Append(((int)name[k]).ToString("x4", CultureInfo.InvariantCulture));
                }
                else
                {
                    builder.Append(name[k]);
                }
            }

            i += width - 1;
        }

        return builder.Append('"').ToString();
    }

    private static byte[]? StrictUtf8OrNull(string text)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetBytes(text);
        }
        catch (EncoderFallbackException)
        {
            return null;
        }
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
