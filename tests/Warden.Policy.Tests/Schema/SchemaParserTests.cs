using Warden.Policy.Schemas;
using Warden.Policy.Types;

namespace Warden.Policy.Tests.Schemas;

public sealed class SchemaParserTests
{
    [Fact]
    public void Parse_EntityWithParentsAttributesAndTags_ProducesShape()
    {
        var schema = Schema.Parse("""
            entity Group;
            entity User in [Group] {
                name: String,
                age?: Long,
                "quoted name": Bool,
                address: { street: String, zip?: Long },
                friends: Set<User>,
            } tags String;
            """);

        var user = schema.GetEntityType("User")!;
        Assert.Equal(["Group"], user.MemberOfTypes.ToArray());
        Assert.Equal(StringType.Instance, user.Tags);
        Assert.Equal(new AttributeType(StringType.Instance, true), user.Attributes.Attributes["name"]);
        Assert.Equal(new AttributeType(LongType.Instance, false), user.Attributes.Attributes["age"]);
        Assert.True(user.Attributes.Attributes.ContainsKey("quoted name"));
        Assert.Equal(new AttributeType(new SetType(new EntityType("User")), true), user.Attributes.Attributes["friends"]);
        var address = Assert.IsType<RecordType>(user.Attributes.Attributes["address"].Type);
        Assert.False(address.Attributes["zip"].Required);
        Assert.Contains("User", schema.GetEntityType("Group")!.DescendantTypes);
    }

    [Fact]
    public void Parse_EqualsFormAndSingleParentWithoutBrackets_AreAccepted()
    {
        var schema = Schema.Parse("entity G; entity U in G = { a: Long };");

        Assert.Equal(["G"], schema.GetEntityType("U")!.MemberOfTypes.ToArray());
        Assert.Single(schema.GetEntityType("U")!.Attributes.Attributes);
    }

    [Fact]
    public void Parse_SeveralEntityNamesInOneDeclaration_DeclaresEachWithTheSameShape()
    {
        var schema = Schema.Parse("entity A, B, C { x: Long };");

        Assert.Equal(["A", "B", "C"], schema.EntityTypes.Select(e => e.Name));
        Assert.All(schema.EntityTypes, e => Assert.True(e.Attributes.Attributes.ContainsKey("x")));
    }

    [Fact]
    public void Parse_EnumEntity_ListsIdsInOrder()
    {
        var schema = Schema.Parse("""entity Color enum ["Red", "Green", ""];""");

        var color = schema.GetEntityType("Color")!;
        Assert.True(color.IsEnum);
        Assert.Equal(["Red", "Green", ""], color.EnumIds!.Value.ToArray());
        Assert.Equal(["Red", "Green", ""], schema.FindEntityType("Color")!.EnumIds);
    }

    [Fact]
    public void Parse_ActionsWithGroupsAndAppliesTo_ProduceActionShapes()
    {
        var schema = Schema.Parse("""
            entity User; entity Doc;
            action read;
            action "view doc", edit in [read] appliesTo {
                principal: User,
                resource: [Doc],
                context: { ip: ipaddr, level?: Long },
            };
            """);

        var view = schema.GetAction("Action", "view doc")!;
        Assert.Equal([("Action", "read")], view.MemberOf.ToArray());
        Assert.Equal(["User"], view.PrincipalTypes.ToArray());
        Assert.Equal(["Doc"], view.ResourceTypes.ToArray());
        Assert.Equal(ExtensionType.IpAddr, view.Context.Attributes["ip"].Type);
        Assert.Contains(("Action", "view doc"), schema.GetAction("Action", "read")!.Descendants);
        Assert.Contains(("Action", "read"), view.Ancestors);
        Assert.False(schema.GetAction("Action", "read")!.DeclaresAppliesTo);
        Assert.Empty(schema.GetAction("Action", "read")!.PrincipalTypes);
        Assert.Equal(3, schema.Actions.Count());
        Assert.Equal(view.Shape, schema.FindAction("Action", "view doc"));
    }

    [Fact]
    public void Parse_AnnotationsAndComments_AreKeptAndIgnoredRespectively()
    {
        var schema = Schema.Parse("""
            // a comment
            @doc("users") @flag
            entity User { // trailing comment
                @doc("the name") name: String,
            };
            @doc("ns") namespace NS { @doc("act") action a; }
            """);

        var user = schema.GetEntityType("User")!;
        Assert.Equal("users", user.Annotations["doc"]);
        Assert.Equal(string.Empty, user.Annotations["flag"]);
        Assert.Equal("act", schema.GetAction("NS::Action", "a")!.Annotations["doc"]);
    }

    [Fact]
    public void Parse_StringEscapes_AreUnescapedAsInCedar()
    {
        var schema = Schema.Parse("""action "a\n\t\"\\\u{1F600}\x41\0";""");

        Assert.Equal("a\n\t\"\\\U0001F600A\0", schema.ActionDeclarations.Single().Id);
    }

    [Fact]
    public void Parse_EmptyText_GivesTheEmptySchema()
    {
        var schema = Schema.Parse("  // nothing\n");

        Assert.Empty(schema.EntityTypes);
        Assert.Empty(schema.ActionDeclarations);
    }

    [Fact]
    public void Parse_ActionAttributesBlock_IsAcceptedAndIgnored()
    {
        var schema = Schema.Parse("entity U; action a appliesTo { principal: U, resource: U } attributes {};");

        Assert.NotNull(schema.GetAction("Action", "a"));
    }

    [Theory]
    [InlineData("entity A", 1, 9, "expected `in`, `=`, `{`, `tags`, `enum` or `;`")]
    [InlineData("entity A {\n  x: Long\n  y: Long };", 3, 3, "unexpected `y`, expected `,` or `}`")]
    [InlineData("entity in;", 1, 8, "`in` is a reserved identifier")]
    [InlineData("entity A { if: Long };", 1, 12, "`if` is a reserved identifier")]
    [InlineData("entity A { a: Set<Long, > };", 1, 23, "expected `>`")]
    [InlineData("entity 1A;", 1, 8, "unexpected number `1`")]
    [InlineData("entity A €;", 1, 10, "invalid character `€`")]
    [InlineData("action \"abc;", 1, 8, "unterminated string literal")]
    [InlineData("action \"a\\qb\";", 1, 8, "invalid escape `\\q`")]
    [InlineData("action \"\\u{D800}\";", 1, 8, "not a Unicode scalar value")]
    [InlineData("entity A = ;", 1, 12, "expected `{`")]
    [InlineData("entity A enum [];", 1, 16, "expected a string literal")]
    [InlineData("action a in [];", 1, 14, "unexpected `]`")]
    [InlineData("entity U;\naction a appliesTo {};", 2, 21, "expected `principal`, `resource` or `context`")]
    [InlineData("@doc(\"a\") @doc(\"b\") entity A;", 1, 12, "duplicate annotation `@doc`")]
    [InlineData("namespace N { namespace M { } }", 1, 15, "expected `entity`, `action`, `type` or `namespace`")]
    public void Parse_SyntaxError_NamesLineAndColumn(string text, int line, int column, string message)
    {
        var error = Assert.Throws<SchemaException>(() => Schema.Parse(text));

        Assert.Equal(line, error.Line);
        Assert.Equal(column, error.Column);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Contains($"line {line}, column {column}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("entity U; action a appliesTo { principal: [], resource: U };", "must list at least one entity type")]
    [InlineData("entity U; action a appliesTo { resource: U };", "without `principal`")]
    [InlineData("entity U; action a appliesTo { principal: U };", "without `resource`")]
    [InlineData("entity U; action a appliesTo { principal: U, principal: U, resource: U };", "duplicate `principal`")]
    [InlineData("entity U; action a appliesTo { principal: U, resource: U, context: {}, context: {} };", "duplicate `context`")]
    public void Parse_InvalidAppliesTo_IsRejected(string text, string message)
    {
        var error = Assert.Throws<SchemaException>(() => Schema.Parse(text));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_InvalidText_ReturnsTheErrorWithoutThrowing()
    {
        Assert.False(Schema.TryParse("entity", out var schema, out var error));
        Assert.Null(schema);
        Assert.Equal(1, error.Line);
        Assert.True(Schema.TryParse("entity A;", out schema, out error));
        Assert.NotNull(schema);
        Assert.Null(error);
    }
}
