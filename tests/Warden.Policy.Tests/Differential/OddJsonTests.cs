using System.Text.Json.Nodes;
using Warden.Policy.Tests.Differential.Generation;
using Warden.Policy.Tests.Differential.Oracle;

namespace Warden.Policy.Tests.Differential;

/// <summary>Unusual Cedar JSON values in a context and in an entity attribute, read as cedar-wasm reads them.</summary>
[Collection(CedarOracleCollection.Name)]
public sealed class OddJsonTests
{
    // Policies that reveal how the value was read: its type, its equality with itself, and its fields.
    private const string Probe = """
        permit(principal, action, resource) when { context.x == context.x };
        permit(principal, action, resource) when { context.x is User };
        permit(principal, action, resource) when { context.x has type };
        permit(principal, action, resource) when { context.x.isEmpty() };
        permit(principal, action, resource) when { principal.x == principal.x };
        permit(principal, action, resource) when { principal.x is User };
        permit(principal, action, resource) when { principal.x has type };
        permit(principal, action, resource) when { principal.x == context.x };
        """;

    private readonly CedarOracleFixture _fixture;

    public OddJsonTests(CedarOracleFixture fixture)
    {
        _fixture = fixture;
    }

    public static TheoryData<string, bool> Cases()
    {
        var data = new TheoryData<string, bool>();
        foreach (var (name, _) in OddJson.Values)
        {
            data.Add(name, true);
            data.Add(name, false);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void CedarJson_OddValue_ReadAsCedarWasmReadsIt(string name, bool inContext)
    {
        var value = OddJson.Values.Single(v => v.Name == name).Value;
        var alice = new GenUid("User", "alice");
        var entity = new GenEntity(alice, inContext ? [] : [new("x", value())], [], null);
        var request = new GenRequest(alice, new GenUid("Action", "read"), new GenUid("Doc", "d1"), inContext ? [new("x", value())] : []);
        var c = new DiffCase("odd-json-" + name, [], [entity], [request], RawPolicies: Probe);

        Disagreement? disagreement;
        lock (_fixture.Gate)
        {
            disagreement = new DiffRunner(_fixture).Check(c);
        }

        Assert.True(disagreement is null, disagreement?.Describe());
    }

    public static TheoryData<string> EntityCases()
    {
        var data = new TheoryData<string>();
        foreach (var (name, _) in OddJson.Entities)
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EntityCases))]
    public void CedarJson_OddEntityEntry_ReadAsCedarWasmReadsIt(string name)
    {
        var entity = OddJson.Entities.Single(e => e.Name == name).Entity();
        var policies = """
            permit(principal, action, resource) when { principal in Group::"admins" };
            permit(principal, action, resource) when { principal has x };
            permit(principal, action, resource) when { action in principal };
            """;
        var request = new JsonObject
        {
            ["principal"] = new JsonObject { ["type"] = "User", ["id"] = "alice" },
            ["action"] = new JsonObject { ["type"] = "Action", ["id"] = "read" },
            ["resource"] = new JsonObject { ["type"] = "Doc", ["id"] = "d1" },
            ["context"] = new JsonObject(),
        };
        var oracleCase = new JsonObject
        {
            ["id"] = "odd-entity-" + name,
            ["op"] = "authorize",
            ["policies"] = policies,
            ["entities"] = new JsonArray(entity),
            ["requests"] = new JsonArray(request),
        };

        Outcome cedar;
        lock (_fixture.Gate)
        {
            cedar = Outcome.FromOracle(_fixture.Send([oracleCase], _ => 1)[0][0]);
        }

        var warden = WardenEngine.EvaluateRaw(policies, new JsonArray(OddJson.Entities.Single(e => e.Name == name).Entity()).ToJsonString(), request);

        Assert.True(warden.SameAs(cedar), $"entity {entity.ToJsonString()}\n  Warden    : {warden.Summary()}\n  cedar-wasm: {cedar.Summary()}");
    }
}
