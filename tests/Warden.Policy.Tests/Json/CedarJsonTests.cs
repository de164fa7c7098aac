using Warden.Policy.Entities;
using Warden.Policy.Json;
using Warden.Policy.Tests.Support;
using Warden.Policy.Types;
using Warden.Policy.Values;
using static Warden.Policy.Tests.Support.TestSchemaShapes;

namespace Warden.Policy.Tests.Json;

public sealed class CedarJsonTests
{
    private static readonly EntityUid Alice = new("User", "alice");

    private static TestSchemaShapes Schema() => new TestSchemaShapes()
        .Entity("User", Record(
            Required("manager", new EntityType("User")),
            Required("home", ExtensionType.IpAddr),
            Required("score", ExtensionType.Decimal),
            Optional("since", ExtensionType.Datetime),
            Optional("ttl", ExtensionType.Duration),
            Optional("reports", new SetType(new EntityType("User"))),
            Optional("profile", Record(Required("level", LongType.Instance)))),
            memberOf: ["Group"],
            tags: LongType.Instance)
        .Entity("Group")
        .Entity("Color", enumIds: ["red", "green"])
        .Action("read", Record(Required("ip", ExtensionType.IpAddr), Optional("note", StringType.Instance)), memberOf: ["all"])
        .Action("all");

    private const string AliceJson = """
        {"uid": {"type": "User", "id": "alice"},
         "attrs": {"manager": {"type": "User", "id": "bob"}, "home": "10.0.0.1", "score": "1.5",
                   "since": "2024-10-15", "ttl": {"fn": "duration", "arg": "1h"},
                   "reports": [{"type": "User", "id": "carol"}, {"__entity": {"type": "User", "id": "dan"}}],
                   "profile": {"level": 3}},
         "parents": [{"type": "Group", "id": "g"}], "tags": {"visits": 3}}
        """;

    [Fact]
    public void ParseEntities_WithSchema_ReadsImplicitForms()
    {
        var store = CedarJson.ParseEntities($"[{AliceJson}]", Schema());

        Assert.True(store.TryGetEntity(Alice, out var alice));
        Assert.Equal(CedarValue.FromEntity(new EntityUid("User", "bob")), Get(alice, "manager"));
        Assert.Equal(CedarValueKind.IpAddr, Get(alice, "home").Kind);
        Assert.Equal(15_000, Get(alice, "score").AsDecimal().Scaled);
        Assert.Equal(CedarValueKind.Datetime, Get(alice, "since").Kind);
        Assert.Equal(3_600_000, Get(alice, "ttl").AsDuration().Milliseconds);
        Assert.Equal(2, Get(alice, "reports").AsSet().Count);
        Assert.True(alice.Tags.TryGetValue("visits", out var visits) && visits == CedarValue.FromLong(3));
    }

    [Fact]
    public void ParseEntities_WithSchema_AddsActionsWithTheirGroups()
    {
        var store = CedarJson.ParseEntities("[]", Schema());

        Assert.True(store.IsInHierarchy(new EntityUid("Action", "read"), new EntityUid("Action", "all")));
        Assert.Equal(2, store.Count);
    }

    [Fact]
    public void ParseEntities_WithoutSchema_ImplicitEntityIsARecord()
    {
        var store = CedarJson.ParseEntities("""[{"uid": {"type": "User", "id": "alice"}, "attrs": {"manager": {"type": "User", "id": "bob"}, "home": "10.0.0.1"}, "parents": []}]""");

        Assert.True(store.TryGetEntity(Alice, out var alice));
        Assert.Equal(CedarValueKind.Record, Get(alice, "manager").Kind);
        Assert.Equal(CedarValueKind.String, Get(alice, "home").Kind);
    }

    [Theory]
    [InlineData("""[{"uid": {"type": "Unknown", "id": "x"}, "attrs": {}, "parents": []}]""", "not declared")]
    [InlineData("""[{"uid": {"type": "Color", "id": "blue"}, "attrs": {}, "parents": []}]""", "enumerated")]
    [InlineData("""[{"uid": {"type": "Group", "id": "g"}, "attrs": {"x": 1}, "parents": []}]""", "not declared")]
    [InlineData("""[{"uid": {"type": "Group", "id": "g"}, "attrs": {}, "parents": [{"type": "User", "id": "u"}]}]""", "ancestor of type")]
    [InlineData("""[{"uid": {"type": "Group", "id": "g"}, "attrs": {}, "parents": [], "tags": {"t": 1}}]""", "declares none")]
    [InlineData("""[{"uid": {"type": "User", "id": "a"}, "attrs": {"home": "10.0.0.1", "score": "1.5"}, "parents": []}]""", "required attribute `manager`")]
    [InlineData("""[{"uid": {"type": "User", "id": "a"}, "attrs": {"manager": {"type": "Group", "id": "g"}, "home": "10.0.0.1", "score": "1.5"}, "parents": []}]""", "of type `User`")]
    [InlineData("""[{"uid": {"type": "User", "id": "a"}, "attrs": {"manager": {"type": "User", "id": "b"}, "home": "999.0.0.1", "score": "1.5"}, "parents": []}]""", "invalid IP")]
    [InlineData("""[{"uid": {"type": "User", "id": "a"}, "attrs": {"manager": {"type": "User", "id": "b"}, "home": "10.0.0.1", "score": 1}, "parents": []}]""", "type error")]
    [InlineData("""[{"uid": {"type": "User", "id": "a"}, "attrs": {"manager": {"type": "User", "id": "b"}, "home": "10.0.0.1", "score": "1.5", "profile": {"level": "x"}}, "parents": []}]""", "expected a long")]
    [InlineData("""[{"uid": {"type": "User", "id": "a"}, "attrs": {"manager": {"type": "User", "id": "b"}, "home": "10.0.0.1", "score": "1.5"}, "parents": [], "tags": {"t": "x"}}]""", "expected a long")]
    [InlineData("""[{"uid": {"type": "Action", "id": "write"}, "attrs": {}, "parents": []}]""", "not declared")]
    public void ParseEntities_NotMatchingSchema_IsAnErrorNamingWhere(string json, string message)
    {
        var error = Assert.Throws<CedarJsonException>(() => CedarJson.ParseEntities(json, Schema()));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseEntities_ErrorPath_PointsIntoTheDocument()
    {
        var error = Assert.Throws<CedarJsonException>(() => CedarJson.ParseEntities(
            """[{"uid": {"type": "User", "id": "a"}, "attrs": {"manager": {"type": "User", "id": "b"}, "home": "10.0.0.1", "score": "1.5", "profile": {"level": "x"}}, "parents": []}]""",
            Schema()));
        Assert.Equal("[0].attrs.profile.level", error.Path);
    }

    [Theory]
    [InlineData("9007199254740993", 9007199254740993L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    [InlineData("-9223372036854775808", long.MinValue)]
    [InlineData("-0", 0L)]
    public void ParseValue_Integers_AreExact(string json, long expected)
    {
        Assert.Equal(CedarValue.FromLong(expected), CedarJson.ParseValue(json));
    }

    [Theory]
    [InlineData("9223372036854775808")]
    [InlineData("-9223372036854775809")]
    [InlineData("1.5")]
    [InlineData("1.0")]
    [InlineData("1e3")]
    [InlineData("null")]
    [InlineData("{\"a\": 1, \"a\": 2}")]
    [InlineData("[{\"a\": 1, \"b\": {\"c\": 1, \"c\": 2}}]")]
    [InlineData("\"\\ud800\"")]
    [InlineData("{\"__expr\": \"1\"}")]
    [InlineData("{\"__extn\": {\"fn\": \"nope\", \"arg\": \"x\"}}")]
    [InlineData("{\"__extn\": {\"fn\": \"ip\", \"arg\": 1}}")]
    [InlineData("{\"__entity\": {\"type\": \"if\", \"id\": \"a\"}}")]
    [InlineData("{\"__entity\": {\"type\": \"User \", \"id\": \"a\"}}")]
    [InlineData("{\"__entity\": {\"type\": \"__cedar::X\", \"id\": \"a\"}}")]
    [InlineData("[1,]")]
    [InlineData("{ not json")]
    public void ParseValue_InvalidCedarJson_IsAnError(string json)
    {
        Assert.Throws<CedarJsonException>(() => CedarJson.ParseValue(json));
    }

    [Fact]
    public void ParseValue_Escapes_FollowCedarsRules()
    {
        Assert.Equal(CedarValue.FromEntity(new EntityUid("User", "\0")), CedarJson.ParseValue("""{"__entity": {"type": "User", "id": "\u0000", "extra": 1}}"""));
        Assert.Equal(CedarValueKind.IpAddr, CedarJson.ParseValue("""{"__extn": {"fn": "ip", "arg": "1.2.3.4"}}""").Kind);
        Assert.Equal(CedarValueKind.Datetime, CedarJson.ParseValue("""{"__extn": {"fn": "offset", "args": [{"__extn": {"fn": "datetime", "arg": "1970-01-01"}}, {"__extn": {"fn": "duration", "arg": "1d"}}]}}""").Kind);

        // An escape key next to other keys, or an escape whose value lacks its fields, is a plain record.
        Assert.Equal(CedarValueKind.Record, CedarJson.ParseValue("""{"__entity": {"type": "User", "id": "a"}, "x": 1}""").Kind);
        Assert.Equal(CedarValueKind.Record, CedarJson.ParseValue("""{"__entity": {"id": "a"}}""").Kind);
        Assert.Equal(CedarValueKind.Record, CedarJson.ParseValue("""{"__extn": {"fn": "ip"}}""").Kind);
    }

    [Fact]
    public void ParseValue_Depth_IsLimited()
    {
        var deep = new string('[', 5000) + new string(']', 5000);
        Assert.Throws<CedarJsonException>(() => CedarJson.ParseValue(deep));
        var fine = new string('[', 100) + new string(']', 100);
        Assert.Equal(CedarValueKind.Set, CedarJson.ParseValue(fine).Kind);
    }

    [Fact]
    public void ParseContext_WithSchema_TypesFromTheAction()
    {
        var read = new EntityUid("Action", "read");
        var context = CedarJson.ParseContext("""{"ip": "10.1.1.1"}""", Schema(), read);
        Assert.True(context.TryGetValue("ip", out var ip) && ip.Kind == CedarValueKind.IpAddr);

        Assert.Throws<CedarJsonException>(() => CedarJson.ParseContext("""{"ip": "10.1.1.1", "other": 1}""", Schema(), read));
        Assert.Throws<CedarJsonException>(() => CedarJson.ParseContext("""{}""", Schema(), read));
        Assert.Throws<CedarJsonException>(() => CedarJson.ParseContext("""{"ip": "10.1.1.1"}""", Schema(), new EntityUid("Action", "nope")));
        Assert.Throws<CedarJsonException>(() => CedarJson.ParseContext("""[]"""));
    }

    [Theory]
    [InlineData("""[{"uid": {"type": "User", "id": "a"}, "attrs": {}}]""", "parents")]
    [InlineData("""[{"uid": {"type": "User", "id": "a"}, "parents": []}]""", "attrs")]
    [InlineData("""[{"attrs": {}, "parents": []}]""", "uid")]
    [InlineData("""[{"uid": {"type": "User", "id": "a"}, "uid": {"type": "User", "id": "b"}, "attrs": {}, "parents": []}]""", "duplicate key")]
    [InlineData("""[{"uid": {"type": "User", "id": "a"}, "attrs": {"x": 1}, "parents": []}, {"uid": {"type": "User", "id": "a"}, "attrs": {"x": 2}, "parents": []}]""", "duplicate entity")]
    [InlineData("""[{"uid": {"type": "User", "id": "a"}, "attrs": {}, "parents": [{"type": "User", "id": "a"}]}]""", "cycle")]
    [InlineData("""[{"uid": {"type": "A", "id": "a"}, "attrs": {}, "parents": [{"type": "B", "id": "b"}]}, {"uid": {"type": "B", "id": "b"}, "attrs": {}, "parents": [{"type": "A", "id": "a"}]}]""", "cycle")]
    [InlineData("""{"uid": {"type": "User", "id": "a"}}""", "array")]
    public void ParseEntities_Malformed_IsAnError(string json, string message)
    {
        var error = Assert.Throws<CedarJsonException>(() => CedarJson.ParseEntities(json));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseEntities_IdenticalDuplicates_AreAccepted()
    {
        var one = """{"uid": {"type": "User", "id": "a"}, "attrs": {"x": 1}, "parents": []}""";
        Assert.Equal(1, CedarJson.ParseEntities($"[{one}, {one}]").Count);
    }

    private static CedarValue Get(Entity entity, string attribute)
    {
        Assert.True(entity.Attributes.TryGetValue(attribute, out var value), attribute);
        return value;
    }
}
