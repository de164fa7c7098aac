using Warden.Policy.Syntax;
using Warden.Policy.Values;

namespace Warden.Policy.Tests.Syntax;

public sealed class ParserTests
{
    private static Expr When(string expression) =>
        Assert.Single(PolicySet.Parse($"permit(principal, action, resource) when {{ {expression} }};").Policies).Conditions[0].Body;

    private static CedarParseException Fails(string text) => Assert.Throws<CedarParseException>(() => PolicySet.Parse(text));

    private static CedarParseException FailsInWhen(string expression) =>
        Fails($"permit(principal, action, resource) when {{ {expression} }};");

    [Fact]
    public void Parse_PoliciesInText_NumbersThemByPosition()
    {
        var set = PolicySet.Parse("""
            @id("first") permit(principal, action, resource);
            forbid(principal, action, resource) unless { false };
            """);

        Assert.Equal(["policy0", "policy1"], set.Policies.Select(p => p.Id));
        Assert.Equal("first", set.Policies[0].AnnotatedId);
        Assert.Equal(Effect.Forbid, set.Policies[1].Effect);
        Assert.False(set.Policies[1].Conditions[0].IsWhen);
    }

    [Fact]
    public void Parse_EveryScopeForm_ProducesConstraints()
    {
        var set = PolicySet.Parse("""
            permit(principal == User::"a", action == Action::"view", resource in Folder::"f");
            permit(principal is User, action in [Action::"a", NS::Action::"b",], resource is Photo in Album::"x");
            permit(principal is NS::User in Group::"g", action in Action::"group", resource);
            """);

        var p0 = set.Policies[0];
        Assert.Equal(ScopeKind.Eq, p0.Principal.Kind);
        Assert.Equal(new EntityUid("User", "a"), p0.Principal.Entity);
        Assert.Equal(ActionScopeKind.Eq, p0.Action.Kind);
        Assert.Equal(ScopeKind.In, p0.Resource.Kind);

        var p1 = set.Policies[1];
        Assert.Equal(ScopeKind.Is, p1.Principal.Kind);
        Assert.Equal("User", p1.Principal.EntityType);
        Assert.Equal(ActionScopeKind.In, p1.Action.Kind);
        Assert.True(p1.Action.IsList);
        Assert.Equal(2, p1.Action.Entities.Length);
        Assert.Equal(ScopeKind.IsIn, p1.Resource.Kind);
        Assert.Equal("Photo", p1.Resource.EntityType);

        var p2 = set.Policies[2];
        Assert.Equal("NS::User", p2.Principal.EntityType);
        Assert.False(p2.Action.IsList);
        Assert.Equal(ScopeKind.Any, p2.Resource.Kind);
    }

    [Fact]
    public void Parse_NegativeLiteral_FoldsIntoLiteralIncludingLongMinValue()
    {
        Assert.Equal(CedarValue.FromLong(long.MinValue), Assert.IsType<LiteralExpr>(Assert.IsType<BinaryExpr>(When("-9223372036854775808 == 1")).Left).Value);
        var doubled = Assert.IsType<UnaryExpr>(Assert.IsType<BinaryExpr>(When("--9223372036854775808 == 1")).Left);
        Assert.Equal(UnaryOp.Neg, doubled.Op);
        Assert.Equal(CedarValue.FromLong(long.MinValue), Assert.IsType<LiteralExpr>(doubled.Operand).Value);
    }

    [Fact]
    public void Parse_Sugar_DesugarsAsCedarDoes()
    {
        var greater = Assert.IsType<UnaryExpr>(When("1 > 2"));
        Assert.Equal(UnaryOp.Not, greater.Op);
        Assert.Equal(BinaryOp.LessEq, Assert.IsType<BinaryExpr>(greater.Operand).Op);

        var notEqual = Assert.IsType<UnaryExpr>(When("1 != 2"));
        Assert.Equal(BinaryOp.Eq, Assert.IsType<BinaryExpr>(notEqual.Operand).Op);

        var has = Assert.IsType<AndExpr>(When("principal has a.b"));
        Assert.Equal("a", Assert.IsType<HasAttrExpr>(has.Left).Attribute);
        var second = Assert.IsType<HasAttrExpr>(has.Right);
        Assert.Equal("b", second.Attribute);
        Assert.Equal("a", Assert.IsType<GetAttrExpr>(second.Target).Attribute);

        var isIn = Assert.IsType<AndExpr>(When("principal is User in Group::\"g\""));
        Assert.Equal("User", Assert.IsType<IsExpr>(isIn.Left).EntityType);
        Assert.Equal(BinaryOp.In, Assert.IsType<BinaryExpr>(isIn.Right).Op);
    }

    [Fact]
    public void Parse_MethodsAndFunctions_MapToOperators()
    {
        Assert.Equal(BinaryOp.ContainsAll, Assert.IsType<BinaryExpr>(When("[1].containsAll([1])")).Op);
        Assert.Equal(UnaryOp.IsEmpty, Assert.IsType<UnaryExpr>(When("[].isEmpty()")).Op);
        Assert.Equal(BinaryOp.GetTag, Assert.IsType<BinaryExpr>(When("principal.getTag(\"t\") == 1")).Left switch
        {
            BinaryExpr b => b.Op,
            _ => BinaryOp.Eq,
        });
        var call = Assert.IsType<ExtensionCallExpr>(When("ip(\"1.2.3.4\").isInRange(ip(\"1.0.0.0/8\"))"));
        Assert.True(call.IsMethodCall);
        Assert.Equal("isInRange", call.Function);
        Assert.Equal(2, call.Arguments.Length);
    }

    [Fact]
    public void Parse_StringEscapes_FollowRustRules()
    {
        Assert.Equal(CedarValue.FromString("a\n\t\"\\\0'A\U0001F600"), Assert.IsType<LiteralExpr>(Assert.IsType<BinaryExpr>(When(@"""a\n\t\""\\\0\'\x41\u{1_F600}"" == """"")).Left).Value);
    }

    [Fact]
    public void Parse_LikePattern_DistinguishesEscapedStar()
    {
        var like = Assert.IsType<LikeExpr>(When(@"""x"" like ""a\**"""));
        Assert.Equal(new[] { PatternElement.Literal('a'), PatternElement.Literal('*'), PatternElement.Wildcard }, like.Pattern.Elements.ToArray());
        Assert.True(like.Pattern.IsMatch("a*bc"));
        Assert.False(like.Pattern.IsMatch("abc"));
    }

    [Theory]
    [InlineData("!-1 == 1")]
    [InlineData("-!true")]
    [InlineData("!!!!!true")]
    [InlineData("9223372036854775808 == 1")]
    [InlineData("99999999999999999999999 == 1")]
    [InlineData("principal has if")]
    [InlineData("principal has true")]
    [InlineData("principal has a::b")]
    [InlineData("{if: 1} == {}")]
    [InlineData("[1].contains(1, 2)")]
    [InlineData("[1].isEmpty(1)")]
    [InlineData("\"a\".ip()")]
    [InlineData("isEmpty([])")]
    [InlineData("principal.__cedar")]
    [InlineData("__cedar::U::\"a\" == principal")]
    [InlineData("U::__cedar::\"a\" == principal")]
    [InlineData("{\"a\": 1, \"a\": 2} == {}")]
    [InlineData("principal.foo(1)")]
    [InlineData("foo(1)")]
    [InlineData("a.b")]
    [InlineData("a")]
    [InlineData("1 < 2 < 3")]
    [InlineData("1 == 2 in 3")]
    [InlineData("\"\\u{110000}\" == \"\"")]
    [InlineData("\"\\x80\" == \"\"")]
    [InlineData("\"\\q\" == \"\"")]
    [InlineData("\"\\u{}\" == \"\"")]
    [InlineData("\"\\u{_1}\" == \"\"")]
    [InlineData("\"\\u{D800}\" == \"\"")]
    [InlineData("\"\\*\" == \"\"")]
    [InlineData("\"a\rb\" == \"\"")]
    [InlineData("[,] == []")]
    [InlineData("1 / 2 == 0")]
    [InlineData("1 % 2 == 0")]
    [InlineData("principal = principal")]
    [InlineData("principal.if")]
    [InlineData("context[\"a\" + \"b\"]")]
    [InlineData("context[1]")]
    [InlineData("principal(1)")]
    [InlineData("(1)(2)")]
    [InlineData("1 + if true then 1 else 2")]
    [InlineData("x like \"a\".y")]
    [InlineData("principal is User::\"a\"")]
    [InlineData("principal is true")]
    [InlineData("principal is in")]
    [InlineData("?principal == principal")]
    [InlineData("User::{id: \"a\"} == principal")]
    public void Parse_InvalidExpression_IsRejected(string expression)
    {
        FailsInWhen(expression);
    }

    [Theory]
    [InlineData("permit(principal, action, resource) when {};")]
    [InlineData("@id(\"a\") @id(\"b\") permit(principal, action, resource);")]
    [InlineData("allow(principal, action, resource);")]
    [InlineData("permit(principal, action == U::\"a\", resource);")]
    [InlineData("permit(principal, action in [Action::\"a\", U::\"b\"], resource);")]
    [InlineData("permit(action, principal, resource);")]
    [InlineData("permit(principal, action, resource, context);")]
    [InlineData("permit(principal, action);")]
    [InlineData("permit(principal in [U::\"a\"], action, resource);")]
    [InlineData("permit(principal, action, resource is R in [R::\"a\"]);")]
    [InlineData("permit(principal == ?principal, action, resource);")]
    [InlineData("permit(principal is User == User::\"a\", action, resource);")]
    [InlineData("permit(principal, action is Action, resource);")]
    [InlineData("permit(principal != User::\"a\", action, resource);")]
    [InlineData("permit(principal == User, action, resource);")]
    [InlineData("permit(principal: User, action, resource);")]
    [InlineData("permit(principal, action, resource) when { true }")]
    [InlineData("permit(principal, action, resource) iff { true };")]
    [InlineData("permit(principal, action, resource) when { true } ;;")]
    [InlineData("@a(\"x\",) permit(principal, action, resource);")]
    public void Parse_InvalidPolicy_IsRejected(string text)
    {
        Fails(text);
    }

    [Theory]
    [InlineData("permit(principal, action, resource,);")]
    [InlineData("permit(principal is principal, action, resource);")]
    [InlineData("@if permit(principal, action, resource);")]
    [InlineData("permit(principal, action in [], resource == (R::\"r\"));")]
    [InlineData("permit(principal, action, resource) when { [1, 2,] == [1] && {a: 1,} == {} && ip(\"1.2.3.4\",) == ip(\"1.2.3.4\") };")]
    [InlineData("permit(principal, action, resource) when { {principal: 1} has principal && principal has principal.foo };")]
    [InlineData("permit(principal, action, resource) when { principal.x.contains && context[\"a b\"].permit };")]
    [InlineData("permit(principal, action, resource) when { principal == principal::\"a\" || ip(\"1.1.1.1\", 2) == 3 };")]
    [InlineData("permit\u00a0(principal,\u2028action, resource) // trailing comment")]
    public void Parse_ValidButUnusual_IsAccepted(string text)
    {
        var policyText = text.EndsWith(';') ? text : text.Replace("// trailing comment", ";// trailing comment", StringComparison.Ordinal);
        Assert.Single(PolicySet.Parse(policyText).Policies);
    }

    [Fact]
    public void Parse_Error_NamesLineColumnAndExpectation()
    {
        var error = Fails("permit(principal, action, resource)\n  when { principal.name == \"a\" }\n").Error;

        Assert.Equal(3, error.Line);
        Assert.Equal(1, error.Column);
        Assert.Contains(";", error.Expected, StringComparison.Ordinal);
        Assert.StartsWith("line 3, column 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DeepNesting_IsRejectedWithoutStackOverflow()
    {
        var deep = new string('(', 100_000) + "1" + new string(')', 100_000);
        var error = FailsInWhen(deep + " == 1");
        Assert.Contains("nested", error.Message, StringComparison.Ordinal);

        var longChain = string.Join(" && ", Enumerable.Repeat("true", 5_000));
        Assert.Contains("nested", FailsInWhen(longChain).Message, StringComparison.Ordinal);

        var deepSets = new string('[', 50_000) + new string(']', 50_000);
        Assert.Contains("nested", FailsInWhen(deepSets + " == []").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ModerateNesting_IsAccepted()
    {
        var nested = new string('(', 150) + "1" + new string(')', 150);
        Assert.IsType<BinaryExpr>(When(nested + " == 1"));
        var chain = string.Join(" && ", Enumerable.Repeat("true", 500));
        Assert.IsType<AndExpr>(When(chain));
    }

    [Fact]
    public void Print_ParsedPolicy_ReparsesToSameText()
    {
        var text = """
            @id("p") permit(principal is User in Group::"g", action in [Action::"a", Action::"b"], resource)
            when { principal has a.b && context.x like "a\**" && [1, -2].containsAny([decimal("1.5")]) }
            unless { resource.owner != principal || ip("10.0.0.1/8").isInRange(ip("10.0.0.0/8")) };
            """;
        var once = PolicySet.Parse(text).ToString();
        var twice = PolicySet.Parse(once).ToString();
        Assert.Equal(once, twice);
    }
}
