using Warden.Policy.Entities;
using Warden.Policy.Json;
using Warden.Policy.Values;
using static Warden.Policy.Tests.Support.Expressions;

namespace Warden.Policy.Tests.Evaluation;

public sealed class EvaluatorTests
{
    private static readonly EntityStore Hierarchy = CedarJson.ParseEntities("""
        [
          {"uid": {"type": "User", "id": "alice"}, "attrs": {"age": 30, "name": "Alice", "manager": {"__entity": {"type": "User", "id": "bob"}},
           "address": {"city": "Paris", "zip": "75001"}}, "parents": [{"type": "Group", "id": "staff"}], "tags": {"clearance": 3}},
          {"uid": {"type": "Group", "id": "staff"}, "attrs": {}, "parents": [{"type": "Group", "id": "everyone"}]},
          {"uid": {"type": "Group", "id": "everyone"}, "attrs": {}, "parents": []},
          {"uid": {"type": "Photo", "id": "p"}, "attrs": {"owner": {"__entity": {"type": "User", "id": "alice"}}}, "parents": []}
        ]
        """);

    [Theory]
    [InlineData("9223372036854775807 + 1")]
    [InlineData("-9223372036854775807 - 2")]
    [InlineData("9223372036854775807 * 2")]
    [InlineData("-9223372036854775808 * -1")]
    [InlineData("--9223372036854775808")]
    [InlineData("-(-9223372036854775808)")]
    public void Arithmetic_Overflow_IsAnError(string expression)
    {
        Assert.Contains("overflow", Error(expression), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("9223372036854775806 + 1", 9223372036854775807)]
    [InlineData("-9223372036854775808", long.MinValue)]
    [InlineData("-9223372036854775807 - 1", long.MinValue)]
    [InlineData("5 * -3", -15)]
    [InlineData("- 5", -5)]
    [InlineData("--5", 5)]
    [InlineData("3037000499 * 3037000499", 9223372030926249001)]
    public void Arithmetic_InRange_IsExact(string expression, long expected)
    {
        Assert.Equal(CedarValue.FromLong(expected), Value(expression));
    }

    [Theory]
    [InlineData("1 + \"a\"")]
    [InlineData("true * 2")]
    [InlineData("-\"a\"")]
    [InlineData("!1")]
    [InlineData("3 < \"3\"")]
    [InlineData("decimal(\"1.0\") < decimal(\"2.0\")")]
    [InlineData("datetime(\"2024-01-01\") < duration(\"1h\")")]
    [InlineData("[1] < [2]")]
    public void Operators_WrongTypes_AreErrors(string expression)
    {
        Assert.StartsWith("type error", Error(expression), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("false && (1 + \"a\" == 2)", false)]
    [InlineData("true || (1 + \"a\" == 2)", true)]
    [InlineData("false && 3", false)]
    [InlineData("true || 3", true)]
    [InlineData("if false then 1 + \"a\" else true", true)]
    [InlineData("if true then true else 1 + \"a\"", true)]
    public void LogicalOperators_ShortCircuit(string expression, bool expected)
    {
        Assert.Equal(expected, True(expression));
    }

    [Theory]
    [InlineData("true && 3")]
    [InlineData("3 && false")]
    [InlineData("false || 3")]
    [InlineData("3 || true")]
    [InlineData("if 1 then true else false")]
    public void LogicalOperators_RequireBooleans(string expression)
    {
        Assert.StartsWith("type error: expected bool", Error(expression), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1 == \"1\"", false)]
    [InlineData("User::\"alice\" == Admin::\"alice\"", false)]
    [InlineData("[1, 2, 40] == [40, 2, 1, 1]", true)]
    [InlineData("[1, -33, 707] == [1, -33]", false)]
    [InlineData("{a: 1, b: [2]} == {b: [2], a: 1}", true)]
    [InlineData("{a: 1} == {a: 1, b: 2}", false)]
    [InlineData("decimal(\"1.0\") == decimal(\"1.0000\")", true)]
    [InlineData("ip(\"192.168.0.1/24\") == ip(\"192.168.0.8/24\")", false)]
    [InlineData("ip(\"127.0.0.1\") == \"127.0.0.1\"", false)]
    [InlineData("datetime(\"1970-01-01\") == duration(\"0ms\")", false)]
    [InlineData("duration(\"1d2h\") == duration(\"26h\")", true)]
    [InlineData("1 != 2", true)]
    public void Equality_AcrossAndWithinTypes_NeverErrors(string expression, bool expected)
    {
        Assert.Equal(expected, True(expression));
    }

    [Theory]
    [InlineData("principal in Group::\"staff\"", true)]
    [InlineData("principal in Group::\"everyone\"", true)]
    [InlineData("principal in User::\"alice\"", true)]
    [InlineData("Group::\"everyone\" in principal", false)]
    [InlineData("principal in [Group::\"nobody\", Group::\"everyone\"]", true)]
    [InlineData("principal in []", false)]
    [InlineData("Stranger::\"jimmy\" in Stranger::\"jimmy\"", true)]
    [InlineData("Stranger::\"jimmy\" in Group::\"everyone\"", false)]
    [InlineData("Stranger::\"jimmy\" in [Group::\"everyone\", Stranger::\"jimmy\"]", true)]
    public void In_FollowsHierarchyTransitively_AndMissingEntitiesOnlyEqual(string expression, bool expected)
    {
        Assert.Equal(expected, True(expression, Hierarchy));
    }

    [Theory]
    [InlineData("1 in Group::\"staff\"")]
    [InlineData("principal in [Group::\"staff\", 1]")]
    [InlineData("principal in 1")]
    [InlineData("\"some\" in [\"some\"]")]
    public void In_NonEntities_AreErrors(string expression)
    {
        Assert.StartsWith("type error", Error(expression, Hierarchy), StringComparison.Ordinal);
    }

    [Fact]
    public void In_SetWithNonEntityAfterMatch_StillErrors()
    {
        Assert.StartsWith("type error", Error("principal in [principal, 1]", Hierarchy), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("principal.age == 30", true)]
    [InlineData("principal[\"name\"] == \"Alice\"", true)]
    [InlineData("principal.address.city == \"Paris\"", true)]
    [InlineData("principal.manager == User::\"bob\"", true)]
    [InlineData("resource.owner == principal", true)]
    [InlineData("principal has age", true)]
    [InlineData("principal has height", false)]
    [InlineData("principal has address.city", true)]
    [InlineData("principal has address.country", false)]
    [InlineData("principal has manager.x", false)]
    [InlineData("User::\"nobody\" has age", false)]
    [InlineData("{a: {b: 1}} has a.b", true)]
    [InlineData("principal is User", true)]
    [InlineData("principal is Group", false)]
    [InlineData("principal is User in Group::\"everyone\"", true)]
    [InlineData("principal is Group in Group::\"everyone\"", false)]
    public void Attributes_AccessPresenceAndType(string expression, bool expected)
    {
        Assert.Equal(expected, True(expression, Hierarchy));
    }

    [Theory]
    [InlineData("principal.height", "does not have the attribute")]
    [InlineData("User::\"nobody\".age", "does not exist")]
    [InlineData("principal.manager.age", "does not exist")]
    [InlineData("context.missing", "record does not have the attribute")]
    [InlineData("\"a\".b", "type error")]
    [InlineData("1 has a", "type error")]
    [InlineData("\"a\" is User", "type error")]
    public void Attributes_MissingOrWrongTarget_AreErrors(string expression, string message)
    {
        Assert.Contains(message, Error(expression, Hierarchy), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("principal.getTag(\"clearance\") == 3", true)]
    [InlineData("principal.hasTag(\"clearance\")", true)]
    [InlineData("principal.hasTag(\"age\")", false)]
    [InlineData("User::\"nobody\".hasTag(\"x\")", false)]
    public void Tags_ReadAndTest(string expression, bool expected)
    {
        Assert.Equal(expected, True(expression, Hierarchy));
    }

    [Theory]
    [InlineData("principal.getTag(\"age\")", "does not have the tag")]
    [InlineData("User::\"nobody\".getTag(\"x\")", "does not exist")]
    [InlineData("principal.getTag(1)", "type error")]
    [InlineData("{}.hasTag(\"x\")", "type error")]
    public void Tags_MissingOrWrongTypes_AreErrors(string expression, string message)
    {
        Assert.Contains(message, Error(expression, Hierarchy), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"eggs\" like \"ham*\"", false)]
    [InlineData("\"ham and eggs\" like \"*ham*\"", true)]
    [InlineData("\"ham and eggs\" like \"*h*a*m*\"", true)]
    [InlineData("\"eggs and ham\" like \"*ham\"", true)]
    [InlineData("\"Gotham\" like \"ham*\"", false)]
    [InlineData("\"ham\" like \"*ham\"", true)]
    [InlineData("\"ham and ham\" like \"ham*\"", true)]
    [InlineData("\"ham\" like \"*ham and eggs*\"", false)]
    [InlineData("\"\\\\afterslash\" like \"\\\\*\"", true)]
    [InlineData("\"string*with*stars\" like \"string\\*with\\*stars\"", true)]
    [InlineData("\"stringXwithXstars\" like \"string\\*with\\*stars\"", false)]
    [InlineData("\"\" like \"*\"", true)]
    [InlineData("\"\" like \"\"", true)]
    [InlineData("\"abcabd\" like \"*abd\"", true)]
    [InlineData("\"aXbXc\" like \"a*b*c\"", true)]
    [InlineData("\"ab\" like \"a*b*c\"", false)]
    [InlineData("\"\U0001F600x\" like \"*x\"", true)]
    public void Like_MatchesCedarGlobs(string expression, bool expected)
    {
        Assert.Equal(expected, True(expression));
    }

    [Theory]
    [InlineData("[1, 2, 3].contains(1)", true)]
    [InlineData("[1, \"something\", 2].contains(\"Something\")", false)]
    [InlineData("[].contains(100)", false)]
    [InlineData("[1, -22, 34].containsAll([-22, 1])", true)]
    [InlineData("[1, 34].containsAll([1, 101, 34])", false)]
    [InlineData("[2, 43].containsAll([])", true)]
    [InlineData("[].containsAll([2, 43])", false)]
    [InlineData("[1, 101].containsAny([1, -22, 34])", true)]
    [InlineData("[1, 101].containsAny([-22, 34])", false)]
    [InlineData("[\"bob\"].containsAny([])", false)]
    [InlineData("[[1], {a: 2}].contains({a: 2})", true)]
    [InlineData("[].isEmpty()", true)]
    [InlineData("[1].isEmpty()", false)]
    public void Sets_Membership(string expression, bool expected)
    {
        Assert.Equal(expected, True(expression));
    }

    [Theory]
    [InlineData("\"ham\".contains(\"h\")")]
    [InlineData("[1].containsAll(1)")]
    [InlineData("{a: 1}.containsAny({a: 1})")]
    [InlineData("\"\".isEmpty()")]
    public void Sets_WrongTypes_AreErrors(string expression)
    {
        Assert.StartsWith("type error", Error(expression), StringComparison.Ordinal);
    }

    [Fact]
    public void Context_IsTheRequestRecord()
    {
        var context = CedarJson.ParseContext("""{"n": 9007199254740993, "tags": ["a"], "ip": {"__extn": {"fn": "ip", "arg": "10.1.2.3"}}}""");

        Assert.True(True("context.n == 9007199254740993 && context.n != 9007199254740992", context: context));
        Assert.True(True("context.tags.contains(\"a\") && context.ip.isInRange(ip(\"10.0.0.0/8\"))", context: context));
    }

    [Fact]
    public void Records_And_Sets_BuiltFromRequestValues()
    {
        Assert.True(True("{owner: principal, n: 1 + 1} == {n: 2, owner: User::\"alice\"}", Hierarchy));
        Assert.True(True("[principal, resource.owner].contains(User::\"alice\")", Hierarchy));
    }
}
