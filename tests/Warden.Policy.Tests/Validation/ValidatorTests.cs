using Warden.Policy.Schemas;
using Warden.Policy.Validation;

namespace Warden.Policy.Tests.Validation;

public sealed class ValidatorTests
{
    internal const string SchemaText = """
        entity Group;
        entity Folder;
        entity Plain;
        entity Color enum ["Red", "Green"];
        entity User in [Group] {
            name: String,
            age: Long,
            nick?: String,
            manager?: User,
            groups: Set<Group>,
            profile: { email: String, phone?: String },
            ip: ipaddr,
            score: decimal,
            born: datetime,
            tenure: duration,
        } tags Long;
        entity Doc in [Folder] { owner: User, public: Bool, labels: Set<String> };
        action read, write;
        action view in [read] appliesTo { principal: [User], resource: [Doc], context: { ip: ipaddr, level?: Long, flags: Set<String> } };
        action edit in [write] appliesTo { principal: [User], resource: [Doc, Folder], context: {} };
        action paint appliesTo { principal: [User], resource: [Plain], context: { color: Color } };
        """;

    internal static readonly Schema Schema = Schema.Parse(SchemaText);

    internal static ValidationResult Validate(string policies) => Validator.Validate(Schema, PolicySet.Parse(policies));

    [Theory]
    [InlineData("permit(principal, action, resource);")]
    [InlineData("permit(principal == User::\"a\", action == Action::\"view\", resource in Folder::\"f\") when { principal.age > 3 && principal.name like \"a*\" };")]
    [InlineData("permit(principal is User in Group::\"g\", action in [Action::\"read\", Action::\"write\"], resource is Doc);")]
    [InlineData("permit(principal, action == Action::\"view\", resource) when { context.ip.isLoopback() && context.flags.contains(\"x\") };")]
    [InlineData("permit(principal, action in Action::\"read\", resource) when { context has level && context.level > 1 };")]
    [InlineData("permit(principal, action == Action::\"paint\", resource) when { context.color == Color::\"Red\" };")]
    [InlineData("permit(principal, action, resource) when { resource is Doc && resource.owner == principal && resource.labels.containsAny([\"a\"]) };")]
    [InlineData("permit(principal, action, resource) when { principal.tenure.toDays() > 3 && principal.born < datetime(\"2024-01-01\").offset(duration(\"1d2h\")) };")]
    [InlineData("permit(principal, action, resource) when { principal.ip.isInRange(ip(\"10.0.0.0/8\")) && principal.score.lessThan(decimal(\"1.5\")) };")]
    [InlineData("permit(principal, action, resource) when { principal in principal.groups && !principal.groups.isEmpty() };")]
    [InlineData("permit(principal, action, resource) unless { principal.age * 2 - 1 >= -5 };")]
    [InlineData("permit(principal, action, resource) when { {a: 1, b: \"x\"}.a == 1 && [principal.age, 3].contains(principal.age) };")]
    public void Validate_WellTypedPolicy_Passes(string policy)
    {
        var result = Validate(policy);

        Assert.True(result.Passed, string.Join("\n", result.Errors));
    }

    [Theory]
    [InlineData("principal has nick && principal.nick == \"x\"")]
    [InlineData("if principal has nick then principal.nick == \"x\" else false")]
    [InlineData("principal has manager && principal.manager has nick && principal.manager.nick == \"x\"")]
    [InlineData("principal has manager.nick && principal.manager.nick == \"x\"")]
    [InlineData("principal.profile has phone && principal.profile.phone == \"1\"")]
    [InlineData("(principal has nick || principal has nick) && principal.nick == \"x\"")]
    [InlineData("(principal has nick && principal.age > 1) && principal.nick == \"x\"")]
    [InlineData("(if principal.age > 1 then principal has nick else principal has nick) && principal.nick == \"x\"")]
    [InlineData("principal.hasTag(\"t\") && principal.getTag(\"t\") > 1")]
    [InlineData("principal.hasTag(\"t\") && (principal.getTag(\"t\") > 1 || principal.getTag(\"t\") < 0)")]
    public void Validate_AccessGuardedByHas_Passes(string condition)
    {
        var policy = $"permit(principal, action == Action::\"edit\", resource) when {{ {condition} }};";

        var result = Validate(policy);

        Assert.True(result.Passed, string.Join("\n", result.Errors));
    }

    [Theory]
    [InlineData("principal is Doc && principal.undefined", "`is` a type the variable never has is False: the rest is never checked")]
    [InlineData("false && 1 + \"a\" == 2", "`false && …` short-circuits")]
    [InlineData("true || 1 + \"a\" == 2", "`true || …` short-circuits")]
    [InlineData("if false then 1 + \"a\" else true", "the then branch of `if false` never runs")]
    [InlineData("if true then true else 1 + \"a\"", "the else branch of `if true` never runs")]
    [InlineData("resource.hasTag(\"t\") && resource.getTag(\"t\") == 1", "Doc has no tags, so hasTag is False")]
    [InlineData("principal has bogus && principal.bogus == 1", "User never has `bogus`, so `has` is False")]
    [InlineData("action == Action::\"view\" && context.ip.isLoopback()", "the action is known in each environment")]
    [InlineData("action in [Action::\"read\"] && context.ip.isLoopback()", "the action hierarchy is known in each environment")]
    [InlineData("principal == resource", "entities of different types compare as False")]
    [InlineData("1 == \"a\"", "literals compare as True or False")]
    public void Validate_UnreachableOrDecidedCode_IsNotAnError(string condition, string why)
    {
        var result = Validate($"permit(principal, action, resource) when {{ {condition} }};");

        Assert.True(result.Passed, why + "\n" + string.Join("\n", result.Errors));
    }

    [Theory]
    [InlineData("principal.bogus == 1", ValidationErrorKind.UnsafeAttributeAccess)]
    [InlineData("principal.nick == \"x\"", ValidationErrorKind.UnsafeOptionalAttributeAccess)]
    [InlineData("principal has nick || principal.nick == \"x\"", ValidationErrorKind.UnsafeOptionalAttributeAccess)]
    [InlineData("!(principal has nick) || principal.nick == \"x\"", ValidationErrorKind.UnsafeOptionalAttributeAccess)]
    [InlineData("principal.profile.phone == \"1\"", ValidationErrorKind.UnsafeOptionalAttributeAccess)]
    [InlineData("(principal has nick || principal.age > 1) && principal.nick == \"x\"", ValidationErrorKind.UnsafeOptionalAttributeAccess)]
    [InlineData("if principal has nick then true else principal.nick == \"x\"", ValidationErrorKind.UnsafeOptionalAttributeAccess)]
    [InlineData("principal.getTag(\"t\") > 1", ValidationErrorKind.UnsafeTagAccess)]
    [InlineData("principal.hasTag(\"a\") && principal.getTag(\"b\") > 1", ValidationErrorKind.UnsafeTagAccess)]
    [InlineData("principal.hasTag(\"t\") && principal.getTag(\"t\") == \"x\"", ValidationErrorKind.IncompatibleTypes)]
    [InlineData("1 && true", ValidationErrorKind.UnexpectedType)]
    [InlineData("principal.age > \"3\"", ValidationErrorKind.UnexpectedType)]
    [InlineData("principal.name + 1 > 0", ValidationErrorKind.UnexpectedType)]
    [InlineData("principal < principal", ValidationErrorKind.UnexpectedType)]
    [InlineData("datetime(\"2024-01-01\") < duration(\"1h\")", ValidationErrorKind.UnexpectedType)]
    [InlineData("principal.score < decimal(\"1.0\")", ValidationErrorKind.UnexpectedType)]
    [InlineData("principal in 1", ValidationErrorKind.UnexpectedType)]
    [InlineData("principal.age.isEmpty()", ValidationErrorKind.UnexpectedType)]
    [InlineData("principal.name has x", ValidationErrorKind.UnexpectedType)]
    [InlineData("principal.ip.isInRange(1)", ValidationErrorKind.UnexpectedType)]
    [InlineData("principal.age like \"1\"", ValidationErrorKind.UnexpectedType)]
    [InlineData("principal.age is User", ValidationErrorKind.UnexpectedType)]
    [InlineData("if principal.age then true else false", ValidationErrorKind.UnexpectedType)]
    [InlineData("[1, \"a\"].contains(1)", ValidationErrorKind.IncompatibleTypes)]
    [InlineData("[User::\"a\", Group::\"b\"].contains(principal)", ValidationErrorKind.IncompatibleTypes)]
    [InlineData("principal.groups.contains(\"g\")", ValidationErrorKind.IncompatibleTypes)]
    [InlineData("principal.groups.containsAll([\"g\"])", ValidationErrorKind.IncompatibleTypes)]
    [InlineData("principal.age == \"x\"", ValidationErrorKind.IncompatibleTypes)]
    [InlineData("(if principal.age > 1 then 1 else \"a\") == 1", ValidationErrorKind.IncompatibleTypes)]
    [InlineData("{a: 1} == {a: 1, b: 2}", ValidationErrorKind.IncompatibleTypes)]
    [InlineData("principal.profile == {email: \"x\"}", ValidationErrorKind.IncompatibleTypes)]
    [InlineData("[].isEmpty()", ValidationErrorKind.EmptySetForbidden)]
    [InlineData("ip(principal.name).isLoopback()", ValidationErrorKind.NonLiteralExtensionConstructor)]
    [InlineData("ip(\"999.1.1.1\").isLoopback()", ValidationErrorKind.InvalidExtensionArgument)]
    [InlineData("decimal(\"1.23456\").lessThan(principal.score)", ValidationErrorKind.InvalidExtensionArgument)]
    [InlineData("datetime(\"2024-13-01\") < principal.born", ValidationErrorKind.InvalidExtensionArgument)]
    [InlineData("duration(\"1x\") < principal.tenure", ValidationErrorKind.InvalidExtensionArgument)]
    [InlineData("principal in Nope::\"a\"", ValidationErrorKind.UnrecognizedEntityType)]
    [InlineData("principal is Nope", ValidationErrorKind.UnrecognizedEntityType)]
    [InlineData("action == Action::\"nope\"", ValidationErrorKind.UnrecognizedActionId)]
    [InlineData("Color::\"Blue\" == Color::\"Red\"", ValidationErrorKind.InvalidEnumEntity)]
    [InlineData("context.ip.isLoopback()", ValidationErrorKind.UnsafeAttributeAccess)]
    public void Validate_IllTypedCondition_FailsWithTheRightKind(string condition, ValidationErrorKind kind)
    {
        var result = Validate($"permit(principal, action, resource) when {{ {condition} }};");

        Assert.False(result.Passed);
        Assert.Contains(result.Errors, e => e.Kind == kind && e.PolicyId == "policy0");
    }

    [Theory]
    [InlineData("permit(principal == Doc::\"d\", action == Action::\"view\", resource);")]
    [InlineData("permit(principal, action == Action::\"view\", resource is Folder);")]
    [InlineData("permit(principal, action == Action::\"read\", resource);")]
    [InlineData("permit(principal is User in Folder::\"f\", action, resource);")]
    [InlineData("permit(principal, action in [], resource);")]
    public void Validate_ScopeNoActionAppliesTo_IsInvalidActionApplication(string policy)
    {
        var result = Validate(policy);

        Assert.Contains(result.Errors, e => e.Kind == ValidationErrorKind.InvalidActionApplication);
    }

    [Fact]
    public void Validate_PolicyFalseInEveryEnvironment_PassesWithAWarning()
    {
        var result = Validate("permit(principal, action, resource) when { principal is Doc };");

        Assert.True(result.Passed);
        Assert.Contains(result.Warnings, w => w.PolicyId == "policy0" && w.Message.Contains("impossible", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_SeveralPolicies_ReportsErrorsPerPolicyWithPositions()
    {
        var result = Validate("""
            permit(principal, action, resource);
            forbid(principal, action, resource) when {
                principal.bogus
            };
            permit(principal, action, resource) when { 1 + true };
            """);

        Assert.DoesNotContain(result.Errors, e => e.PolicyId == "policy0");
        var bogus = Assert.Single(result.ErrorsFor("policy1"));
        Assert.Equal(ValidationErrorKind.UnsafeAttributeAccess, bogus.Kind);
        Assert.Equal(3, bogus.Line);
        Assert.Contains("bogus", bogus.Message, StringComparison.Ordinal);
        Assert.Contains(result.ErrorsFor("policy2"), e => e.Kind == ValidationErrorKind.UnexpectedType);
        Assert.StartsWith("policy1: ", bogus.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SameErrorInManyEnvironments_IsReportedOnce()
    {
        var result = Validate("permit(principal, action, resource) when { principal.bogus };");

        Assert.Single(result.Errors);
    }

    [Fact]
    public void Validate_EmptySchema_RejectsEveryScopeButAcceptsNoPolicies()
    {
        Assert.True(Validator.Validate(Schema.Empty, PolicySet.Empty).Passed);
        Assert.False(Validator.Validate(Schema.Empty, PolicySet.Parse("permit(principal, action, resource);")).Passed);
    }
}
