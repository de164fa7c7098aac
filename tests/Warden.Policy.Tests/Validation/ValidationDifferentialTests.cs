using Warden.Policy.Tests.Differential;
using Warden.Policy.Validation;

namespace Warden.Policy.Tests.Validation;

/// <summary>
/// Random policies validated by Warden and by the official engine (cedar-wasm 4.13.0) must pass or fail alike.
/// Scopes are unconstrained: 4.13 reports a scope no action applies to as a warning where the 4.10 corpus (and
/// Warden) report an error, and that rule is pinned by <see cref="ValidationCorpusTests"/> instead.
/// </summary>
public sealed class ValidationDifferentialTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Validate_RandomPolicies_AgreesWithCedarWasm(int seed)
    {
        var policies = new RandomPolicies(seed).Generate(1_000);
        var set = PolicySet.Parse(policies);

        var ours = Validator.Validate(ValidatorTests.Schema, set).Errors.Select(e => e.PolicyId).ToHashSet(StringComparer.Ordinal);
        using var oracle = CedarWasmOracle.Start();
        var theirs = oracle.InvalidPolicies(ValidatorTests.SchemaText, policies);

        var disagreements = set.Policies
            .Where(p => ours.Contains(p.Id) != theirs.Contains(p.Id))
            .Select(p => $"{p.Id}: Warden {(ours.Contains(p.Id) ? "invalid" : "valid")}, cedar-wasm {(theirs.Contains(p.Id) ? "invalid" : "valid")}: {p}")
            .ToList();
        Assert.True(disagreements.Count == 0, string.Join("\n", disagreements.Take(20)));
        Assert.InRange(ours.Count, 200, 800);
    }
}
