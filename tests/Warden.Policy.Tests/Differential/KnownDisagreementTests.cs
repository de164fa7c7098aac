using Warden.Policy.Tests.Differential.Generation;
using Warden.Policy.Schemas;
using Warden.Policy.Tests.Differential.Oracle;
using Warden.Policy.Validation;

namespace Warden.Policy.Tests.Differential;

/// <summary>
/// Disagreements the random campaigns found, shrunk to minimal repros and pinned here against the live oracle: each
/// now asserts agreement (the engine was fixed) or, for the one version difference, pins both sides. The list, with
/// the cause and the fix, is in docs/cedar-differential.md.
/// </summary>
[Collection(CedarOracleCollection.Name)]
public sealed class KnownDisagreementTests
{
    private static readonly GenUid Alice = new("User", "alice");
    private static readonly GenUid Read = new("Action", "read");
    private static readonly GenUid D1 = new("Doc", "d1");

    private readonly CedarOracleFixture _fixture;

    public KnownDisagreementTests(CedarOracleFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public void Entities_ActionWithNonActionParent_RefusedAsCedarDoes()
    {
        // cedar-wasm: "error during entity deserialization: action `Action::"read"` has a non-action parent `User::"alice"`".
        var c = new DiffCase(
            "action-non-action-parent",
            [],
            [new GenEntity(Read, [], [Alice], null)],
            [new GenRequest(Alice, Read, D1, [])],
            RawPolicies: "permit(principal, action, resource);");

        AssertAgrees(c);
    }

    [Fact]
    public void Validation_NoActionAppliesToTheScope_ErrorInWardenWarningInCedarWasm413()
    {
        // The one documented version difference (docs/cedar-differential.md, disagreement 2): the packed corpus, made by
        // an older Cedar, expects shouldValidate=false for such policies and Warden follows it (InvalidActionApplication);
        // cedar-wasm 4.13 validates them with the warning "unable to find an applicable action given the policy scope
        // constraints". Both sides are pinned here, so a change on either side fails this test.
        const string schemaText = "entity User; action read;";
        const string policy = "permit(principal, action, resource);";
        var error = Assert.Single(Validator.Validate(Schema.Parse(schemaText), PolicySet.Parse(policy)).Errors);
        Assert.Equal(ValidationErrorKind.InvalidActionApplication, error.Kind);
        Assert.Equal("policy0", error.PolicyId);

        var c = new DiffCase("no-applicable-action", [], [], [], RawPolicies: policy, Schema: [schemaText], ValidateOnly: true);
        var answer = _fixture.Send([c.ToOracleJson()], _ => 1)[0][0];
        var cedar = Outcome.FromOracle(answer);
        Assert.Equal("valid", cedar.Decision);
        Assert.Equal(["policy0"], cedar.VersionDifference);
        Assert.Contains(
            (answer["warnings"] as System.Text.Json.Nodes.JsonArray ?? []).Select(w => w!.GetValue<string>()),
            w => w.StartsWith("policy0: ", StringComparison.Ordinal) && w.Contains("unable to find an applicable action", StringComparison.Ordinal));

        // The suite accepts exactly this difference and nothing more.
        var ours = WardenEngine.Evaluate(c)[0];
        Assert.Equal(["policy0"], ours.VersionDifference);
        Assert.True(ours.SameAs(cedar), ours.Summary() + " / " + cedar.Summary());
        Assert.False((ours with { NoApplicableAction = [] }).SameAs(cedar));
        Assert.False(ours.SameAs(cedar with { NoApplicableAction = [] }));
    }

    [Fact]
    public void Validation_NoActionAppliesAndAnotherError_InvalidOnBothSides()
    {
        // With a second error (an undeclared entity type) the policy is invalid for cedar-wasm too: not the version
        // difference, an ordinary agreement.
        var c = new DiffCase(
            "no-applicable-action-and-unknown-type",
            [],
            [],
            [],
            RawPolicies: "permit(principal, action, resource) when { principal is Nope };",
            Schema: ["entity User;", "action read;"],
            ValidateOnly: true);

        Assert.Empty(WardenEngine.Evaluate(c)[0].VersionDifference);
        AssertAgrees(c);
    }

    [Fact]
    public void Entities_ActionEntityDifferingFromSchema_RefusedAsCedarDoes()
    {
        // cedar-wasm: "entity does not conform to the schema: definition of action `Action::"delete"` does not match
        // its schema declaration" (the schema puts delete in write; the data gives it no parents).
        var alice = new GenUid("User", "alice");
        var c = new DiffCase(
            "action-entity-differs-from-schema",
            [],
            [new GenEntity(new GenUid("Action", "delete"), [], [], null)],
            [new GenRequest(alice, new GenUid("Action", "delete"), alice, [])],
            RawPolicies: "permit(principal, action, resource);",
            Schema: ["entity User;", "action write;", "action delete in [write] appliesTo { principal: [User], resource: [User] };"]);

        AssertAgrees(c);
    }

    [Fact]
    public void Entities_ActionEntityMatchingSchema_AcceptedAsCedarDoes()
    {
        // The control for the case above: the same action entity with the parents the schema declares.
        var alice = new GenUid("User", "alice");
        var c = new DiffCase(
            "action-entity-matches-schema",
            [],
            [new GenEntity(new GenUid("Action", "delete"), [], [new GenUid("Action", "write")], null)],
            [new GenRequest(alice, new GenUid("Action", "delete"), alice, [])],
            RawPolicies: "permit(principal, action in Action::\"write\", resource);",
            Schema: ["entity User;", "action write;", "action delete in [write] appliesTo { principal: [User], resource: [User] };"]);

        AssertAgrees(c);
    }

    [Theory]
    [InlineData("entity Folder; entity Group in [Folder]; entity User in [Group];")]
    [InlineData("entity Folder; entity Doc in [Folder]; entity Group in [Doc]; entity User in [Group];")]
    [InlineData("entity Folder; entity Doc in [Folder]; entity Group in [Group, Doc]; entity User in [Group];")]
    public void Entities_ParentOfATransitivelyAllowedAncestorType_AcceptedAsCedarDoes(string types)
    {
        // cedar-wasm checks a parent's type against every type the schema lets be an ancestor (transitively), so
        // User::"a" may have Folder::"f" as a direct parent when User in Group and Group in … Folder.
        var user = new GenUid("User", "a");
        var c = new DiffCase(
            "transitive-ancestor-type",
            [],
            [new GenEntity(user, [], [new GenUid("Folder", "f")], null)],
            [new GenRequest(user, Read, new GenUid("Folder", "f"), [])],
            RawPolicies: "permit(principal in Folder::\"f\", action, resource);",
            Schema: [types, "action read appliesTo { principal: [User], resource: [Folder] };"]);

        AssertAgrees(c);
    }

    public static TheoryData<string> EnumReferences() => ["attribute", "set-element", "record-field", "tag", "parent", "context", "principal", "entity-declared", "entity-undeclared"];

    [Theory]
    [MemberData(nameof(EnumReferences))]
    public void Entities_ReferenceToAnUndeclaredEnumId_RefusedAsCedarDoes(string where)
    {
        // cedar-wasm refuses `Color::"blue"` wherever the schema expects a Color (enum ["red"]): "entity
        // `Color::"blue"` is of an enumerated entity type, but `"blue"` is not declared as a valid eid".
        var blue = new System.Text.Json.Nodes.JsonObject { ["type"] = "Color", ["id"] = "blue" };
        var user = new GenUid("User", "a");
        var doc = new GenUid("Doc", "d");
        KeyValuePair<string, System.Text.Json.Nodes.JsonNode?> Attr(string name, System.Text.Json.Nodes.JsonNode value) => new(name, value);
        var entities = where switch
        {
            "attribute" => new[] { new GenEntity(doc, [Attr("color", blue)], [], null) },
            "set-element" => [new GenEntity(doc, [Attr("colors", new System.Text.Json.Nodes.JsonArray(blue))], [], null)],
            "record-field" => [new GenEntity(doc, [Attr("style", new System.Text.Json.Nodes.JsonObject { ["color"] = blue })], [], null)],
            "tag" => [new GenEntity(doc, [], [], [Attr("k", blue)])],
            "parent" => [new GenEntity(doc, [], [new GenUid("Color", "blue")], null)],
            "entity-declared" => [new GenEntity(new GenUid("Color", "red"), [], [], null)],
            "entity-undeclared" => [new GenEntity(new GenUid("Color", "blue"), [], [], null)],
            _ => [],
        };
        var context = where == "context" ? [Attr("color", blue)] : new List<KeyValuePair<string, System.Text.Json.Nodes.JsonNode?>>();
        var principal = where == "principal" ? new GenUid("Color", "blue") : user;
        var c = new DiffCase(
            "enum-reference-" + where,
            [],
            entities,
            [new GenRequest(principal, Read, doc, context)],
            RawPolicies: "permit(principal, action, resource);",
            Schema:
            [
                "entity Color enum [\"red\"];",
                "entity User;",
                "entity Doc in [Color] { color?: Color, colors?: Set<Color>, style?: { color: Color } } tags Color;",
                "action read appliesTo { principal: [User, Color], resource: [Doc], context: { color?: Color } };",
            ]);

        AssertAgrees(c);
    }

    private void AssertAgrees(DiffCase c)
    {
        var disagreement = new DiffRunner(_fixture).Check(c);
        Assert.True(disagreement is null, disagreement?.Describe());
    }
}
