using System.Text.Json.Nodes;
using Warden.Policy.Authorization;
using Warden.Policy.Entities;
using Warden.Policy.Json;
using Warden.Policy.Values;

namespace Warden.Policy.Tests.Differential;

/// <summary>
/// Random policies, entities and requests decided by Warden's engine and by the official one (cedar-wasm 4.13.0):
/// parse acceptance, decisions, reason sets and error sets must agree.
/// </summary>
public sealed class DifferentialTests
{
    [Theory]
    [InlineData(1, 150)]
    [InlineData(2, 150)]
    [InlineData(3, 150)]
    public void RandomCases_AgreeWithCedarWasm(int seed, int cases)
    {
        var generator = new RandomCedar(seed);
        using var oracle = CedarWasmOracle.Start();
        var disagreements = new List<string>();
        var compared = 0;
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var n = 0; n < cases; n++)
        {
            var test = generator.Next();
            var expected = oracle.Ask(test);
            var parsed = PolicySet.TryParse(test.Policies, out var policies, out var parseError);
            if (expected["parseError"] is { } oracleParseError)
            {
                if (parsed)
                {
                    disagreements.Add($"case {n}: cedar rejects the policies ({oracleParseError}) but Warden parses them:\n{test.Policies}");
                }

                continue;
            }

            if (!parsed)
            {
                disagreements.Add($"case {n}: Warden rejects the policies ({parseError!.Message}) but cedar parses them:\n{test.Policies}");
                continue;
            }

            var answers = expected["answers"]!.AsArray();
            EntityStore? entities = null;
            string? entityError = null;
            try
            {
                entities = CedarJson.ParseEntities(test.EntitiesJson);
            }
            catch (CedarJsonException e)
            {
                entityError = e.Message;
            }

            var authorizer = new Authorizer(policies!);
            for (var r = 0; r < test.Requests.Count; r++)
            {
                var answer = answers[r]!.AsObject();
                var request = test.Requests[r];
                string? warden = null;
                try
                {
                    if (entityError is not null)
                    {
                        warden = "failure: " + entityError;
                    }
                    else
                    {
                        var context = CedarJson.ParseContext(request.Context);
                        var response = authorizer.IsAuthorized(
                            CedarJson.ParseEntityUid(request.Principal),
                            CedarJson.ParseEntityUid(request.Action),
                            CedarJson.ParseEntityUid(request.Resource),
                            context,
                            entities!);
                        warden = Describe(response.IsAllowed ? "allow" : "deny", response.DeterminingPolicyIds, response.Errors.Select(e => e.PolicyId));
                    }
                }
                catch (CedarJsonException e)
                {
                    warden = "failure: " + e.Message;
                }

                var cedar = answer["failure"] is { } failure
                    ? "failure: " + failure
                    : Describe(answer["decision"]!.GetValue<string>(), Strings(answer["reasons"]), Strings(answer["errors"]));
                compared++;
                var outcome = cedar.StartsWith("failure", StringComparison.Ordinal) ? "failure"
                    : cedar.Contains("errors=[]", StringComparison.Ordinal) ? cedar[..cedar.IndexOf(' ', StringComparison.Ordinal)] : "with-errors";
                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
                var bothFailed = warden.StartsWith("failure", StringComparison.Ordinal) && cedar.StartsWith("failure", StringComparison.Ordinal);
                if (!bothFailed && warden != cedar)
                {
                    disagreements.Add($"case {n} request {r}: cedar {cedar}, Warden {warden}\n  policies: {test.Policies}\n  entities: {test.EntitiesJson}\n  request: {request}\n  cedar messages: {answer["messages"]?.ToJsonString()}");
                }
            }
        }

        Assert.True(disagreements.Count == 0, $"{disagreements.Count} disagreements out of {compared} requests:\n" + string.Join("\n\n", disagreements.Take(5)));
        Assert.True(compared > cases, $"only {compared} requests compared");

        // The generator must exercise every kind of outcome, or agreement would prove little.
        var summary = string.Join(", ", outcomes.Select(o => $"{o.Key}={o.Value}"));
        Assert.True(outcomes.GetValueOrDefault("allow") > 5, summary);
        Assert.True(outcomes.GetValueOrDefault("deny") > 5, summary);
        Assert.True(outcomes.GetValueOrDefault("with-errors") > 5, summary);
    }

    private static IEnumerable<string> Strings(JsonNode? array) => array!.AsArray().Select(n => n!.GetValue<string>());

    private static string Describe(string decision, IEnumerable<string> reasons, IEnumerable<string> errors) =>
        $"{decision} reasons=[{string.Join(",", reasons.Order(StringComparer.Ordinal))}] errors=[{string.Join(",", errors.Order(StringComparer.Ordinal))}]";
}
