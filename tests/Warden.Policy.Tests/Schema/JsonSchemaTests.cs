using Warden.Policy.Schemas;
using Warden.Policy.Types;

namespace Warden.Policy.Tests.Schemas;

public sealed class JsonSchemaTests
{
    private const string PhotoFlash = """
        {
          "PhotoFlash": {
            "commonTypes": {
              "Name": { "type": "String" },
              "Ctx": { "type": "Record", "attributes": { "ip": { "type": "Extension", "name": "ipaddr" } } }
            },
            "entityTypes": {
              "User": {
                "memberOfTypes": ["UserGroup"],
                "shape": { "type": "Record", "attributes": {
                  "name": { "type": "Name" },
                  "level": { "type": "Long", "required": false },
                  "owner": { "type": "Entity", "name": "User" },
                  "friends": { "type": "Set", "element": { "type": "EntityOrCommon", "name": "User" } }
                } },
                "tags": { "type": "String" }
              },
              "UserGroup": {},
              "Color": { "enum": ["Red", "Green"] }
            },
            "actions": {
              "read": {},
              "view": {
                "memberOf": [{ "id": "read" }],
                "appliesTo": { "principalTypes": ["User"], "resourceTypes": ["UserGroup"], "context": { "type": "Ctx" } }
              }
            }
          }
        }
        """;

    private const string PhotoFlashCedar = """
        namespace PhotoFlash {
          type Name = String;
          type Ctx = { ip: ipaddr };
          entity User in [UserGroup] { name: Name, level?: Long, owner: User, friends: Set<User> } tags String;
          entity UserGroup;
          entity Color enum ["Red", "Green"];
          action read;
          action view in [read] appliesTo { principal: User, resource: UserGroup, context: Ctx };
        }
        """;

    [Fact]
    public void ParseJson_SameSchemaAsCedarFormat_GivesTheSameShapes()
    {
        var fromJson = Schema.ParseJson(PhotoFlash);
        var fromCedar = Schema.Parse(PhotoFlashCedar);

        Assert.Equal(fromCedar.EntityTypes.Select(e => e.Shape), fromJson.EntityTypes.Select(e => e.Shape), new ShapeComparer());
        Assert.Equal(fromCedar.ActionDeclarations.Select(a => a.Shape), fromJson.ActionDeclarations.Select(a => a.Shape), new ActionComparer());
        Assert.False(fromJson.GetEntityType("PhotoFlash::User")!.Attributes.Attributes["level"].Required);
    }

    [Fact]
    public void ParseJson_AdditionalAttributes_MakesAnOpenRecord()
    {
        var schema = Schema.ParseJson("""{ "": { "entityTypes": { "A": { "shape": { "type": "Record", "attributes": {}, "additionalAttributes": true } } }, "actions": {} } }""");

        Assert.True(schema.GetEntityType("A")!.Attributes.AdditionalAttributes);
    }

    [Theory]
    [InlineData("""{ "": { "entityTypes": {} } }""", "missing field `actions`")]
    [InlineData("""{ "": { "entityTypes": {}, "actions": {}, "bogus": 1 } }""", "unexpected field `bogus`")]
    [InlineData("""{ "": { "entityTypes": { "A": { "shape": { "type": "Set" } } }, "actions": {} } }""", "missing field `element`")]
    [InlineData("""{ "": { "entityTypes": { "in": {} }, "actions": {} } }""", "reserved identifier")]
    [InlineData("""{ "": { "entityTypes": { "A": { "shape": { "type": "Long" } } }, "actions": {} } }""", "must be a record")]
    [InlineData("""{ "": { "entityTypes": { "A": { "shape": { "type": "Record", "attributes": { "x": { "type": "Nope" } } } } }, "actions": {} } }""", "undeclared type `Nope`")]
    [InlineData("""{ "": { "entityTypes": { "A": { "shape": { "type": "Extension", "name": "money" } } }, "actions": {} } }""", "unknown extension type `money`")]
    [InlineData("""{ "": { "entityTypes": {}, "actions": { "a": { "attributes": { "x": 1 } } } } }""", "declares attributes")]
    [InlineData("""{ "": { "entityTypes": { "A": { "enum": [] } }, "actions": {} } }""", "at least one id")]
    [InlineData("""{ "": { "entityTypes": { "A": { "memberOfTypes": ["A::"] } }, "actions": {} } }""", "not a valid name")]
    public void ParseJson_InvalidSchema_NamesTheProblemAndJsonPath(string json, string message)
    {
        var error = Assert.Throws<SchemaException>(() => Schema.ParseJson(json));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseJson_MalformedJson_NamesLineAndColumn()
    {
        var error = Assert.Throws<SchemaException>(() => Schema.ParseJson("{\n  \"\": { ,\n}"));

        Assert.Equal(2, error.Line);
        Assert.True(error.Column > 0);
    }

    [Fact]
    public void ParseJson_DeepNesting_IsAnErrorNotAStackOverflow()
    {
        var json = """{ "": { "entityTypes": { "A": { "shape": """ + string.Concat(Enumerable.Repeat("""{ "type": "Set", "element": """, 5_000)) + """{ "type": "Long" }""" + new string('}', 5_000) + " } }, \"actions\": {} } }";

        Assert.Throws<SchemaException>(() => Schema.ParseJson(json));
    }

    private sealed class ShapeComparer : IEqualityComparer<EntityShape>
    {
        public bool Equals(EntityShape? x, EntityShape? y) =>
            x is not null && y is not null && x.Name == y.Name && x.Attributes.Equals(y.Attributes) && Equals(x.Tags, y.Tags)
            && x.MemberOfTypes.SequenceEqual(y.MemberOfTypes)
            && (x.EnumIds ?? []).SequenceEqual(y.EnumIds ?? []);

        public int GetHashCode(EntityShape obj) => obj.Name.GetHashCode(StringComparison.Ordinal);
    }

    private sealed class ActionComparer : IEqualityComparer<ActionShape>
    {
        public bool Equals(ActionShape? x, ActionShape? y) =>
            x is not null && y is not null && x.Type == y.Type && x.Id == y.Id && x.Context.Equals(y.Context)
            && x.MemberOf.SequenceEqual(y.MemberOf) && x.PrincipalTypes.SequenceEqual(y.PrincipalTypes) && x.ResourceTypes.SequenceEqual(y.ResourceTypes);

        public int GetHashCode(ActionShape obj) => obj.Id.GetHashCode(StringComparison.Ordinal);
    }
}
