using System.Collections.Immutable;
using System.Text.Json;
using Warden.Grains.Policy;
using Warden.Policy.Types;
using Warden.Policy.Values;

namespace Warden.Grains.Tests.Policy;

/// <summary>The flat reader of tool arguments gives exactly what the document path gives, or leaves the text to it.</summary>
public sealed class JsonProjectionTests
{
    private static readonly RecordType Sql = Record(("sql", StringType.Instance, false));
    private static readonly RecordType Mail = Record(("subject", StringType.Instance, false), ("to", StringType.Instance, true));
    private static readonly RecordType Mixed = Record(("dry", BoolType.Instance, false), ("rows", LongType.Instance, true), ("sql", StringType.Instance, false));
    private static readonly RecordType Nested = Record(("filter", Sql, false), ("sql", StringType.Instance, false));

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        string[] texts =
        [
            """{}""",
            """{"sql":"select 1"}""",
            """{"sql":"select id, total from orders where day = $1","rows":100}""",
            """{"sql":"a\"b\\c\u00e9\ud83d\ude00","rows":-9223372036854775808,"dry":true}""",
            """{"s\u0071l":"escaped name"}""",
            """{"sql":"first","sql":"second"}""",
            """{"sql":1}""",
            """{"sql":null}""",
            """{"rows":1.5}""",
            """{"rows":9223372036854775808}""",
            """{"rows":1e3}""",
            """{"dry":"true","rows":1}""",
            """{"rows":2,"dry":false,"extra":{"deep":[1,2,{"x":null}]},"sql":"x"}""",
            """{"to":"a@example.com"}""",
            """{"subject":"no recipient"}""",
            """{"to":"a@example.com","to":"b@example.com"}""",
            """{"filter":{"sql":"x"},"sql":"y"}""",
            """{"filter":{"sql":1}}""",
            """[]""",
            """ "text" """,
            """  {"sql":"padded"}  """,
            """{"sql":"x"} trailing""",
            """{"sql":"x"}{}""",
            """{"sql":"x",}""",
            """{"sql":"x" /* comment */}""",
            """{"sql":"unterminated}""",
            """{"sql":"\ud800"}""",
            "{\"sql\":\"lone \ud800 surrogate\"}",
            """{"rows":1,"deep":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}""",
            """{"rows":1,"deep":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}""",
            "{\"sql\":\"" + new string('x', 5000) + "\"}",
        ];
        string[] types = [nameof(Sql), nameof(Mail), nameof(Mixed), nameof(Nested)];
        foreach (var text in texts)
        {
            foreach (var type in types)
            {
                data.Add(text, type);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TryProjectFlat_AgreesWithTheDocumentPath(string json, string typeName)
    {
        var type = TypeNamed(typeName);
        var expected = ProjectByDocument(json, type);

        var taken = JsonProjection.TryProjectFlat(json, type, 64, out var flat);

        if (taken)
        {
            // The flat reader answers only where the document path answers with the same value.
            Assert.True(expected.Value.HasValue, $"flat reader answered where the document path fails: {expected.Failure}");
            Assert.Equal(expected.Value.Value, flat);
        }
    }

    [Theory]
    [InlineData("""{"sql":"select id, total from orders where day = $1","rows":100}""", nameof(Sql))]
    [InlineData("""{"to":"a@example.com","subject":"hello","cc":["x"]}""", nameof(Mail))]
    [InlineData("""{"rows":3,"dry":false}""", nameof(Mixed))]
    [InlineData("""{}""", nameof(Sql))]
    public void TryProjectFlat_UsualToolArguments_AreReadWithoutADocument(string json, string typeName)
    {
        var type = TypeNamed(typeName);

        Assert.True(JsonProjection.TryProjectFlat(json, type, 64, out var flat));
        Assert.Equal(ProjectByDocument(json, type).Value, flat);
    }

    [Theory]
    [InlineData("""{"sql":"first","sql":"second"}""", nameof(Sql))]
    [InlineData("""{"sql":1}""", nameof(Sql))]
    [InlineData("""{"subject":"no recipient"}""", nameof(Mail))]
    [InlineData("""{"sql":"x"} trailing""", nameof(Sql))]
    [InlineData("""{"filter":{"sql":"x"}}""", nameof(Nested))]
    public void TryProjectFlat_WhatItCannotBeSureOf_IsLeftToTheDocumentPath(string json, string typeName) =>
        Assert.False(JsonProjection.TryProjectFlat(json, TypeNamed(typeName), 64, out _));

    private static (CedarValue? Value, string? Failure) ProjectByDocument(string json, CedarType type)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
            return (JsonProjection.Project(document.RootElement, type, "context.input"), null);
        }
        catch (Exception ex) when (ex is JsonException or ProjectionException or InvalidOperationException or ArgumentException)
        {
            return (null, ex.GetType().Name);
        }
    }

    private static RecordType TypeNamed(string name) => name switch
    {
        nameof(Sql) => Sql,
        nameof(Mail) => Mail,
        nameof(Mixed) => Mixed,
        _ => Nested,
    };

    private static RecordType Record(params (string Name, CedarType Type, bool Required)[] attributes) =>
        new(ImmutableSortedDictionary.CreateRange(
            StringComparer.Ordinal,
            attributes.Select(a => KeyValuePair.Create(a.Name, new AttributeType(a.Type, a.Required)))));
}
