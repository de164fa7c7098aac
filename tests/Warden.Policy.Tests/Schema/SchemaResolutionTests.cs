using Warden.Policy.Schemas;
using Warden.Policy.Types;

namespace Warden.Policy.Tests.Schemas;

public sealed class SchemaResolutionTests
{
    private static CedarType AttributeOf(Schema schema, string entityType, string attribute) =>
        schema.GetEntityType(entityType)!.Attributes.Attributes[attribute].Type;

    [Fact]
    public void Resolve_NameInNamespace_RefersToTheNamespacesDeclaration()
    {
        // RFC 70 forbids declaring the same basename in the empty namespace too, so the namespace-first rule is only
        // observable against the built-in names (see the ipaddr test below).
        var schema = Schema.Parse("namespace NS { entity Other; entity User { a: Other }; }");

        Assert.Equal(new EntityType("NS::Other"), AttributeOf(schema, "NS::User", "a"));
    }

    [Fact]
    public void Resolve_NameMissingFromNamespace_FallsBackToTheEmptyNamespace()
    {
        var schema = Schema.Parse("entity Top; namespace NS { entity User { a: Top }; }");

        Assert.Equal(new EntityType("Top"), AttributeOf(schema, "NS::User", "a"));
    }

    [Fact]
    public void Resolve_QualifiedName_RefersToExactlyThatNamespace()
    {
        var schema = Schema.Parse("namespace A::B { entity C; } namespace X { entity Y { c: A::B::C }; }");

        Assert.Equal(new EntityType("A::B::C"), AttributeOf(schema, "X::Y", "c"));
    }

    [Fact]
    public void Resolve_CommonTypeAndEntityTypeOfOneName_PrefersTheCommonType()
    {
        var schema = Schema.Parse("namespace NS { type T = Long; entity T; entity U { a: T }; }");

        Assert.Equal(LongType.Instance, AttributeOf(schema, "NS::U", "a"));
    }

    [Fact]
    public void Resolve_CommonTypesReferringToEachOther_AreInlined()
    {
        var schema = Schema.Parse("""
            type Name = String;
            type Person = { name: Name, tags: Set<Name> };
            entity U { p: Person };
            entity A; action act appliesTo { principal: A, resource: A, context: Person };
            """);

        var person = Assert.IsType<RecordType>(AttributeOf(schema, "U", "p"));
        Assert.Equal(StringType.Instance, person.Attributes["name"].Type);
        Assert.Equal(new SetType(StringType.Instance), person.Attributes["tags"].Type);
        Assert.Equal(person, schema.GetAction("Action", "act")!.Context);
    }

    [Fact]
    public void Resolve_BuiltinNames_AreTheBuiltinTypesUnlessDeclaredInTheEmptyNamespace()
    {
        var schema = Schema.Parse("""
            entity String;
            entity U { a: String, b: __cedar::String, c: Long, d: decimal, e: __cedar::ipaddr, f: datetime, g: duration, h: Bool };
            """);

        Assert.Equal(new EntityType("String"), AttributeOf(schema, "U", "a"));
        Assert.Equal(StringType.Instance, AttributeOf(schema, "U", "b"));
        Assert.Equal(LongType.Instance, AttributeOf(schema, "U", "c"));
        Assert.Equal(ExtensionType.Decimal, AttributeOf(schema, "U", "d"));
        Assert.Equal(ExtensionType.IpAddr, AttributeOf(schema, "U", "e"));
        Assert.Equal(ExtensionType.Datetime, AttributeOf(schema, "U", "f"));
        Assert.Equal(ExtensionType.Duration, AttributeOf(schema, "U", "g"));
        Assert.Equal(BoolType.Instance, AttributeOf(schema, "U", "h"));
    }

    [Fact]
    public void Resolve_NamespacedCommonTypeNamedLikeABuiltin_ShadowsItInsideTheNamespace()
    {
        var schema = Schema.Parse("namespace NS { type ipaddr = Long; entity H { ip: ipaddr, other: decimal }; }");

        Assert.Equal(LongType.Instance, AttributeOf(schema, "NS::H", "ip"));
        Assert.Equal(ExtensionType.Decimal, AttributeOf(schema, "NS::H", "other"));
    }

    [Fact]
    public void Resolve_ActionType_IsAnEntityTypeForAttributesOnlyWhereActionsAreDeclared()
    {
        var schema = Schema.Parse("namespace NS { action a; entity U { act: Action }; }");

        Assert.Equal(new EntityType("NS::Action"), AttributeOf(schema, "NS::U", "act"));
        Assert.Throws<SchemaException>(() => Schema.Parse("entity U { act: Action };"));
    }

    [Fact]
    public void Resolve_ActionGroupReferences_FollowTheNamespaceRules()
    {
        var schema = Schema.Parse("""
            action top;
            namespace NS {
                action local;
                action a in [local, "local", Action::"local", Action::"top", top];
            }
            namespace Other { action b in [NS::Action::"a"]; }
            """);

        var a = schema.GetAction("NS::Action", "a")!;
        Assert.Equal(
            new[] { ("Action", "top"), ("NS::Action", "local") },
            a.MemberOf.Order());
        Assert.Contains(("Other::Action", "b"), schema.GetAction("Action", "top")!.Descendants);
    }

    [Fact]
    public void Resolve_EntityHierarchyCycle_IsAllowed()
    {
        var schema = Schema.Parse("entity A in B; entity B in A; entity C in C;");

        Assert.Contains("A", schema.GetEntityType("A")!.DescendantTypes);
        Assert.Contains("B", schema.GetEntityType("A")!.DescendantTypes);
        Assert.Contains("C", schema.GetEntityType("C")!.DescendantTypes);
    }

    [Fact]
    public void Resolve_DuplicateAttribute_KeepsTheLastDeclarationAsCedarDoes()
    {
        var schema = Schema.Parse("entity A { x: Long, x: String };");

        Assert.Equal(StringType.Instance, AttributeOf(schema, "A", "x"));
    }

    [Theory]
    [InlineData("entity A; namespace N { entity A; }", "`N::A` shadows `A`")]
    [InlineData("type A = Long; namespace N { type A = String; }", "`N::A` shadows `A`")]
    [InlineData("entity A; namespace N { type A = Long; }", "`N::A` shadows `A`")]
    [InlineData("action a; namespace N { action a; }", "shadows `Action::\"a\"`")]
    [InlineData("entity A; entity A;", "entity type `A` is declared twice")]
    [InlineData("entity A, A;", "entity type `A` is declared twice")]
    [InlineData("type T = Long; type T = Long;", "common type `T` is declared twice")]
    [InlineData("action a; action \"a\";", "is declared twice")]
    [InlineData("namespace N { entity A; } namespace N { entity B; }", "namespace `N` is declared twice")]
    [InlineData("entity A { a: Undeclared };", "undeclared type `Undeclared`")]
    [InlineData("namespace NS { entity Y { a: NS::Long }; }", "undeclared type `NS::Long`")]
    [InlineData("namespace N { entity B; } namespace M { entity C { b: B }; }", "neither `M::B` nor `B` is declared")]
    [InlineData("entity A in Missing;", "undeclared type `Missing`")]
    [InlineData("type C = Long; entity A; action a appliesTo { principal: A, resource: A, context: C };", "context of action `a` must be a record")]
    [InlineData("entity A; action a appliesTo { principal: A, resource: A, context: A };", "undeclared type `A`")]
    [InlineData("action a; entity A; action b appliesTo { principal: Action, resource: A };", "`Action` is not a declared entity type")]
    [InlineData("action x; entity A in Action;", "`Action` is not a declared entity type")]
    [InlineData("action a in b;", "undeclared action `Action::\"b\"`")]
    [InlineData("namespace N { action a; } namespace M { action b in [a]; }", "undeclared action")]
    [InlineData("entity Action;", "`Action` cannot be declared as an entity type")]
    [InlineData("namespace __cedar { entity A; }", "reserved")]
    [InlineData("entity __cedar;", "reserved")]
    [InlineData("type Set = Long;", "`Set` is a reserved type name")]
    [InlineData("type Boolean = Long;", "`Boolean` is a reserved type name")]
    [InlineData("entity A { a: __cedar::Foo };", "undeclared type `__cedar::Foo`")]
    public void Resolve_InvalidSchema_IsRejectedWithAReason(string text, string message)
    {
        var error = Assert.Throws<SchemaException>(() => Schema.Parse(text));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_UndeclaredType_ErrorNamesTheReference()
    {
        var error = Assert.Throws<SchemaException>(() => Schema.Parse("entity A {\n  a: Long,\n  b: Nope,\n};"));

        Assert.Equal((3, 6), (error.Line, error.Column));
    }

    [Theory]
    [InlineData("type T = A; type A = T; entity X;")]
    [InlineData("type T = Set<T>;")]
    [InlineData("type T = { a: U }; type U = Set<T>; entity X;")]
    public void Resolve_CycleAmongCommonTypes_IsAnError(string text)
    {
        var error = Assert.Throws<SchemaException>(() => Schema.Parse(text));

        Assert.Contains("cycle among common types", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("action a in a;")]
    [InlineData("action a in b; action b in c; action c in a;")]
    public void Resolve_CycleAmongActionGroups_IsAnError(string text)
    {
        var error = Assert.Throws<SchemaException>(() => Schema.Parse(text));

        Assert.Contains("cycle in the action hierarchy", error.Message, StringComparison.Ordinal);
    }
}
