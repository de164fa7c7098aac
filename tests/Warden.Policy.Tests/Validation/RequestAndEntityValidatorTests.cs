using Warden.Policy.Authorization;
using Warden.Policy.Entities;
using Warden.Policy.Extensions;
using Warden.Policy.Validation;
using Warden.Policy.Values;

namespace Warden.Policy.Tests.Validation;

public sealed class RequestAndEntityValidatorTests
{
    private static readonly EntityUid Alice = new("User", "alice");
    private static readonly EntityUid Doc = new("Doc", "d1");
    private static readonly EntityUid View = new("Action", "view");

    private static CedarRecord Record(params (string Name, CedarValue Value)[] attributes) =>
        CedarRecord.Create(attributes.Select(a => new KeyValuePair<string, CedarValue>(a.Name, a.Value)));

    private static CedarRecord ViewContext(params (string Name, CedarValue Value)[] extra) =>
        Record([("ip", CedarValue.FromIpAddress(IpAddress.Parse("10.0.0.1"))), ("flags", CedarValue.Set([CedarValue.FromString("a")])), .. extra]);

    private static CedarRecord UserAttributes(params (string Name, CedarValue Value)[] replace)
    {
        var attributes = new Dictionary<string, CedarValue>(StringComparer.Ordinal)
        {
            ["name"] = CedarValue.FromString("Alice"),
            ["age"] = CedarValue.FromLong(30),
            ["groups"] = CedarValue.Set([CedarValue.FromEntity(new EntityUid("Group", "g"))]),
            ["profile"] = CedarValue.Record([new("email", CedarValue.FromString("a@x"))]),
            ["ip"] = CedarValue.FromIpAddress(IpAddress.Parse("10.0.0.1")),
            ["score"] = CedarValue.FromDecimal(CedarDecimal.Parse("1.5")),
            ["born"] = CedarValue.FromDatetime(CedarDatetime.Parse("2000-01-01")),
            ["tenure"] = CedarValue.FromDuration(CedarDuration.Parse("1d")),
        };
        foreach (var (name, value) in replace)
        {
            if (value.IsNone)
            {
                attributes.Remove(name);
            }
            else
            {
                attributes[name] = value;
            }
        }

        return CedarRecord.Create(attributes);
    }

    [Fact]
    public void ValidateRequest_ConformingRequest_HasNoViolations()
    {
        var request = new AuthorizationRequest(Alice, View, Doc, ViewContext(("level", CedarValue.FromLong(2))));

        Assert.Empty(RequestValidator.Validate(ValidatorTests.Schema, request));
    }

    [Theory]
    [InlineData("Nope", "alice", "Action", "view", "Doc", "principal", "is not declared")]
    [InlineData("User", "alice", "Action", "view", "Folder", "resource", "does not apply to resources of type `Folder`")]
    [InlineData("Doc", "x", "Action", "view", "Doc", "principal", "does not apply to principals of type `Doc`")]
    [InlineData("User", "alice", "Action", "nope", "Doc", "action", "is not an action the schema declares")]
    [InlineData("User", "alice", "Action", "read", "Doc", "principal", "applies to no entity type")]
    [InlineData("Color", "Blue", "Action", "view", "Doc", "principal", "not one of the ids")]
    public void ValidateRequest_WrongTypesOrAction_IsReported(string principalType, string principalId, string actionType, string actionId, string resourceType, string subject, string message)
    {
        var request = new AuthorizationRequest(new EntityUid(principalType, principalId), new EntityUid(actionType, actionId), new EntityUid(resourceType, "r"), ViewContext());

        var violations = RequestValidator.Validate(ValidatorTests.Schema, request);

        Assert.Contains(violations, v => v.Subject == subject && v.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void ValidateRequest_ContextMissingRequiredAttribute_IsReported()
    {
        var request = new AuthorizationRequest(Alice, View, Doc, Record(("flags", CedarValue.Set([]))));

        var violation = Assert.Single(RequestValidator.Validate(ValidatorTests.Schema, request));

        Assert.Equal("context", violation.Subject);
        Assert.Contains("ip: required attribute is missing", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateRequest_ContextWithUndeclaredOrMistypedAttribute_IsReported()
    {
        var request = new AuthorizationRequest(Alice, View, Doc, ViewContext(("extra", CedarValue.True), ("level", CedarValue.FromString("2"))));

        var violations = RequestValidator.Validate(ValidatorTests.Schema, request);

        Assert.Contains(violations, v => v.Message.Contains("extra: attribute is not declared", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Message.Contains("level: expected Long, found string", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void ValidateRequest_ContextEnumEntityWithUnlistedId_IsReported()
    {
        var paint = new EntityUid("Action", "paint");
        var valid = new AuthorizationRequest(Alice, paint, new EntityUid("Plain", "p"), Record(("color", CedarValue.FromEntity(new EntityUid("Color", "Red")))));
        var invalid = new AuthorizationRequest(Alice, paint, new EntityUid("Plain", "p"), Record(("color", CedarValue.FromEntity(new EntityUid("Color", "Blue")))));

        Assert.Empty(RequestValidator.Validate(ValidatorTests.Schema, valid));
        Assert.Contains(RequestValidator.Validate(ValidatorTests.Schema, invalid), v => v.Message.Contains("not one of the ids", StringComparison.Ordinal));
    }

    [Fact]
    public void ValidateRequest_FastConformanceCheck_AgreesWithTheReasonedCheck()
    {
        // The request path first runs a check that builds no message; it must pass exactly the contexts the reasoned
        // check finds no problem in, or a non-conforming request would reach the authorizer.
        var deep = CedarValue.FromLong(1);
        for (var i = 0; i < ValueConformance.MaxDepth + 2; i++)
        {
            deep = CedarValue.Set([deep]);
        }

        var contexts = new[]
        {
            ViewContext(),
            ViewContext(("level", CedarValue.FromLong(2))),
            ViewContext(("level", CedarValue.FromString("2"))),
            ViewContext(("extra", CedarValue.True)),
            Record(("flags", CedarValue.Set([]))),
            Record(("ip", CedarValue.FromString("10.0.0.1")), ("flags", CedarValue.Set([]))),
            Record(("ip", CedarValue.FromIpAddress(IpAddress.Parse("10.0.0.1"))), ("flags", CedarValue.Set([CedarValue.FromLong(1)]))),
            Record(("ip", CedarValue.FromIpAddress(IpAddress.Parse("10.0.0.1"))), ("flags", CedarValue.Set([CedarValue.FromString("a"), CedarValue.FromEntity(new EntityUid("Color", "Blue"))]))),
            ViewContext(("level", deep)),
            Record(("color", CedarValue.FromEntity(new EntityUid("Color", "Red")))),
            Record(("color", CedarValue.FromEntity(new EntityUid("Color", "Blue")))),
            Record(("color", CedarValue.FromEntity(new EntityUid("User", "Red")))),
            Record(("color", CedarValue.Record([new("nested", CedarValue.FromEntity(new EntityUid("Color", "Blue")))]))),
        };
        var actions = new[] { View, new EntityUid("Action", "paint") };
        var checkedAny = 0;
        foreach (var action in actions)
        {
            var declared = ValidatorTests.Schema.GetAction(action.Type, action.Id)!;
            foreach (var context in contexts)
            {
                var problems = new List<string>();
                ValueConformance.CheckEnumReferences(ValidatorTests.Schema, CedarValue.FromRecord(context), "context", problems);
                ValueConformance.CheckRecord(ValidatorTests.Schema, context, declared.Context, string.Empty, problems);

                Assert.Equal(problems.Count == 0, ValueConformance.RecordConforms(ValidatorTests.Schema, context, declared.Context));
                var resource = action == View ? Doc : new EntityUid("Plain", "p");
                Assert.Equal(problems.Count == 0, RequestValidator.Validate(ValidatorTests.Schema, new AuthorizationRequest(Alice, action, resource, context)).IsEmpty);
                checkedAny += problems.Count == 0 ? 1 : 100;
            }
        }

        // Both outcomes occurred: conforming and non-conforming contexts for each action.
        Assert.True(checkedAny % 100 >= 2 && checkedAny / 100 >= 2, $"conforming {checkedAny % 100}, non-conforming {checkedAny / 100}");
    }

    [Fact]
    public void ValidateEntities_ConformingEntities_HaveNoViolations()
    {
        var entities = new[]
        {
            new Entity(Alice, UserAttributes(), [new EntityUid("Group", "g")], Record(("t", CedarValue.FromLong(1)))),
            new Entity(new EntityUid("Group", "g")),
            new Entity(Doc, Record(("owner", CedarValue.FromEntity(Alice)), ("public", CedarValue.True), ("labels", CedarValue.Set([]))), [new EntityUid("Folder", "f")]),
            new Entity(new EntityUid("Color", "Red")),
            new Entity(View, parents: [new EntityUid("Action", "read")]),
        };

        var violations = EntityValidator.Validate(ValidatorTests.Schema, entities);

        Assert.True(violations.IsEmpty, string.Join("\n", violations));
    }

    [Theory]
    [InlineData("missing", "name: required attribute is missing")]
    [InlineData("extra", "extra: attribute is not declared")]
    [InlineData("mistyped", "age: expected Long")]
    [InlineData("wrongEntity", "groups[]: expected an entity of type `Group`")]
    [InlineData("badParent", "cannot be in entities of type `Folder`")]
    [InlineData("badTag", "tag `t`: expected Long")]
    [InlineData("nested", "profile.phone: expected String")]
    public void ValidateEntities_NonConformingUser_IsReported(string variant, string message)
    {
        var attributes = variant switch
        {
            "missing" => UserAttributes(("name", default)),
            "extra" => UserAttributes(("extra", CedarValue.True)),
            "mistyped" => UserAttributes(("age", CedarValue.FromString("30"))),
            "wrongEntity" => UserAttributes(("groups", CedarValue.Set([CedarValue.FromEntity(new EntityUid("Folder", "f"))]))),
            "nested" => UserAttributes(("profile", CedarValue.Record([new("email", CedarValue.FromString("e")), new("phone", CedarValue.FromLong(1))]))),
            _ => UserAttributes(),
        };
        EntityUid[] parents = variant == "badParent" ? [new EntityUid("Folder", "f")] : [];
        var tags = variant == "badTag" ? Record(("t", CedarValue.FromString("x"))) : null;

        var violations = EntityValidator.Validate(ValidatorTests.Schema, [new Entity(Alice, attributes, parents, tags)]);

        Assert.Contains(violations, v => v.Subject == "User::\"alice\"" && v.Message.Contains(message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Nope", "x", "is not declared")]
    [InlineData("Color", "Blue", "not one of the ids")]
    [InlineData("Action", "nope", "action is not declared")]
    public void ValidateEntities_UndeclaredTypeEnumIdOrAction_IsReported(string type, string id, string message)
    {
        var violations = EntityValidator.Validate(ValidatorTests.Schema, [new Entity(new EntityUid(type, id))]);

        Assert.Contains(violations, v => v.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void ValidateEntities_TagsOnTypeWithoutTags_AndAttributesOnEnumOrAction_AreReported()
    {
        var violations = EntityValidator.Validate(ValidatorTests.Schema, [
            new Entity(new EntityUid("Group", "g"), tags: Record(("t", CedarValue.FromLong(1)))),
            new Entity(new EntityUid("Color", "Red"), Record(("a", CedarValue.True))),
            new Entity(View, Record(("a", CedarValue.True)), [new EntityUid("Action", "write")]),
        ]);

        Assert.Contains(violations, v => v.Subject == "Group::\"g\"" && v.Message.Contains("cannot have tags", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Subject == "Color::\"Red\"" && v.Message.Contains("enumerated type", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Subject == "Action::\"view\"" && v.Message.Contains("attributes or tags", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Subject == "Action::\"view\"" && v.Message.Contains("do not match its schema declaration", StringComparison.Ordinal));
    }

    [Fact]
    public void ValidateEntities_ActionWithoutItsDeclaredGroup_IsReported()
    {
        // Cedar compares an action entity's ancestors with the schema's: too few is a mismatch, like too many.
        var violations = EntityValidator.Validate(ValidatorTests.Schema, [new Entity(View), new Entity(new EntityUid("Action", "read"))]);

        var violation = Assert.Single(violations);
        Assert.Equal("Action::\"view\"", violation.Subject);
    }

    [Fact]
    public void ValidateEntities_DeeplyNestedValue_IsReportedNotOverflowed()
    {
        var value = CedarValue.FromString("x");
        for (var i = 0; i < 2_000; i++)
        {
            value = CedarValue.Set([value]);
        }

        var schema = Warden.Policy.Schemas.Schema.Parse("entity E { a: Set<String> };");
        var violations = EntityValidator.Validate(schema, [new Entity(new EntityUid("E", "e"), Record(("a", value)))]);

        Assert.NotEmpty(violations);
    }
}
