using Warden.Policy.Entities;
using Warden.Policy.Json;
using Warden.Policy.Schemas;
using Warden.Policy.Values;

namespace Warden.Policy.Tests.Json;

/// <summary>
/// How entity data is checked against a schema where the differential suite found Warden and Cedar apart:
/// action entities, the types a parent may have, and references to enumerated entity types.
/// </summary>
public sealed class EntityConformanceTests
{
    private static readonly Schema Actions = Schema.Parse(
        "entity User; action all; action write in [all]; action delete in [write] appliesTo { principal: [User], resource: [User] };");

    private static readonly Schema Enums = Schema.Parse("""
        entity Color enum ["red"];
        entity Doc in [Color] { color?: Color, colors?: Set<Color>, style?: { color: Color } } tags Color;
        """);

    [Theory]
    [InlineData(null)]
    [InlineData("entity User; action read;")]
    public void ParseEntities_ActionWithNonActionParent_Refused(string? schema)
    {
        const string json = """[{"uid": {"type": "Action", "id": "read"}, "attrs": {}, "parents": [{"type": "User", "id": "alice"}]}]""";

        var error = Assert.Throws<CedarJsonException>(() => CedarJson.ParseEntities(json, schema is null ? null : Schema.Parse(schema)));

        Assert.Contains("non-action parent", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseEntities_NamespacedActionWithNonActionParent_Refused()
    {
        const string json = """[{"uid": {"type": "Org::Action", "id": "read"}, "attrs": {}, "parents": [{"type": "Org::User", "id": "a"}]}]""";

        Assert.Throws<CedarJsonException>(() => CedarJson.ParseEntities(json));
    }

    [Fact]
    public void ParseEntities_ActionWithActionParentNoSchema_Accepted()
    {
        const string json = """[{"uid": {"type": "Action", "id": "read"}, "attrs": {}, "parents": [{"type": "Action", "id": "all"}]}]""";

        var store = CedarJson.ParseEntities(json);

        Assert.True(store.IsInHierarchy(new EntityUid("Action", "read"), new EntityUid("Action", "all")));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("""[{"type": "Action", "id": "other"}]""")]
    [InlineData("""[{"type": "Action", "id": "all"}]""")]
    [InlineData("""[{"type": "Action", "id": "write"}, {"type": "Action", "id": "all"}, {"type": "Action", "id": "other"}]""")]
    public void ParseEntities_ActionEntityDifferingFromSchema_Refused(string parents)
    {
        var json = $$"""[{"uid": {"type": "Action", "id": "delete"}, "attrs": {}, "parents": {{parents}}}]""";

        var error = Assert.Throws<CedarJsonException>(() => CedarJson.ParseEntities(json, Actions));

        Assert.Contains("does not match its schema declaration", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseEntities_ActionEntityWithAttributes_Refused()
    {
        const string json = """[{"uid": {"type": "Action", "id": "all"}, "attrs": {"x": 1}, "parents": []}]""";

        Assert.Throws<CedarJsonException>(() => CedarJson.ParseEntities(json, Actions));
    }

    [Theory]
    [InlineData("""[{"uid": {"type": "Action", "id": "delete"}, "attrs": {}, "parents": [{"type": "Action", "id": "write"}, {"type": "Action", "id": "all"}]}]""")]
    [InlineData("""
        [{"uid": {"type": "Action", "id": "delete"}, "attrs": {}, "parents": [{"type": "Action", "id": "write"}]},
         {"uid": {"type": "Action", "id": "write"}, "attrs": {}, "parents": [{"type": "Action", "id": "all"}]}]
        """)]
    [InlineData("""[{"uid": {"type": "Action", "id": "all"}, "attrs": {}, "parents": []}]""")]
    public void ParseEntities_ActionEntityMatchingSchema_AcceptedWithTheSchemasHierarchy(string json)
    {
        var store = CedarJson.ParseEntities(json, Actions);

        Assert.True(store.IsInHierarchy(new EntityUid("Action", "delete"), new EntityUid("Action", "all")));
        Assert.Equal(3, store.Count);
    }

    [Fact]
    public void ParseEntities_ConflictingDuplicateActionEntities_Refused()
    {
        const string json = """
            [{"uid": {"type": "Action", "id": "all"}, "attrs": {}, "parents": []},
             {"uid": {"type": "Action", "id": "all"}, "attrs": {}, "parents": [{"type": "Action", "id": "write"}]}]
            """;

        Assert.Throws<CedarJsonException>(() => CedarJson.ParseEntities(json, Actions));
    }

    [Theory]
    [InlineData("entity Folder; entity Group in [Folder]; entity User in [Group];")]
    [InlineData("entity Folder; entity Doc in [Folder]; entity Group in [Doc]; entity User in [Group];")]
    [InlineData("entity Folder; entity Doc in [Folder]; entity Group in [Group, Doc]; entity User in [Group];")]
    public void ParseEntities_ParentOfATransitivelyAllowedAncestorType_Accepted(string types)
    {
        var schema = Schema.Parse(types);
        const string json = """[{"uid": {"type": "User", "id": "a"}, "attrs": {}, "parents": [{"type": "Folder", "id": "f"}]}]""";

        var store = CedarJson.ParseEntities(json, schema);

        Assert.True(store.IsInHierarchy(new EntityUid("User", "a"), new EntityUid("Folder", "f")));
    }

    [Fact]
    public void ParseEntities_ParentOfATypeNoChainAllows_Refused()
    {
        var schema = Schema.Parse("entity Folder; entity Group in [Folder]; entity User in [Group];");
        const string json = """[{"uid": {"type": "Group", "id": "g"}, "attrs": {}, "parents": [{"type": "User", "id": "a"}]}]""";

        Assert.Throws<CedarJsonException>(() => CedarJson.ParseEntities(json, schema));
    }

    [Theory]
    [InlineData("""{"color": {"type": "Color", "id": "blue"}}""", "{}", "[]")]
    [InlineData("""{"colors": [{"type": "Color", "id": "red"}, {"type": "Color", "id": "blue"}]}""", "{}", "[]")]
    [InlineData("""{"style": {"color": {"__entity": {"type": "Color", "id": "blue"}}}}""", "{}", "[]")]
    [InlineData("{}", """{"k": {"type": "Color", "id": "blue"}}""", "[]")]
    [InlineData("{}", "{}", """[{"type": "Color", "id": "blue"}]""")]
    public void ParseEntities_ReferenceToAnUndeclaredEnumId_Refused(string attrs, string tags, string parents)
    {
        var json = $$"""[{"uid": {"type": "Doc", "id": "d"}, "attrs": {{attrs}}, "tags": {{tags}}, "parents": {{parents}}}]""";

        var error = Assert.Throws<CedarJsonException>(() => CedarJson.ParseEntities(json, Enums));

        Assert.Contains("Color::\"blue\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseEntities_ReferencesToDeclaredEnumIds_Accepted()
    {
        const string json = """
            [{"uid": {"type": "Doc", "id": "d"}, "tags": {"k": {"type": "Color", "id": "red"}}, "parents": [{"type": "Color", "id": "red"}],
              "attrs": {"color": {"type": "Color", "id": "red"}, "colors": [{"type": "Color", "id": "red"}], "style": {"color": {"type": "Color", "id": "red"}}}}]
            """;

        var store = CedarJson.ParseEntities(json, Enums);

        Assert.True(store.IsInHierarchy(new EntityUid("Doc", "d"), new EntityUid("Color", "red")));
    }
}
