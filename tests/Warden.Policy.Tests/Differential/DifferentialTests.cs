using System.Diagnostics;
using System.Text;
using Warden.Policy.Tests.Differential.Generation;
using Warden.Policy.Tests.Differential.Oracle;
using Xunit.Abstractions;

namespace Warden.Policy.Tests.Differential;

/// <summary>
/// Differential tests: thousands of random policy sets, entities and requests run through Warden and through the
/// official engine (cedar-wasm under Node); decision, determining policies, erroring policies and parse acceptance
/// must agree on every request. A failure prints the case seed and a shrunk repro (see docs/cedar-differential.md).
/// </summary>
[Collection(CedarOracleCollection.Name)]
public sealed class DifferentialTests
{
    // How many kinds of disagreement are shrunk and printed in full; the rest are listed by one seed each.
    private const int ShrinkLimit = 6;

    private readonly CedarOracleFixture _fixture;
    private readonly ITestOutputHelper _output;

    public DifferentialTests(CedarOracleFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    [Fact]
    public void Oracle_Starts_IsCedarWasm4130()
    {
        Assert.Equal("4.13.0", _fixture.Oracle.Version);
    }

    [Fact]
    public void Authorization_RandomCases_AgreeWithCedarWasm()
    {
        var stats = Campaign("authorization", DiffSettings.AuthorizationCases, CaseGenerator.Generate);

        // The generator must keep reaching every kind of outcome, or agreement would mean little.
        Assert.True(stats.Allows > stats.Requests / 20, stats.ToString());
        Assert.True(stats.ForbidDenies > stats.Requests / 50, stats.ToString());
        Assert.True(stats.WithErrors > stats.Requests / 20, stats.ToString());
        Assert.True(stats.DefaultDenies > stats.Requests / 20, stats.ToString());
        Assert.True(stats.Unparsed < stats.Cases / 20, stats.ToString());
    }

    [Fact]
    public void Syntax_RandomTexts_AgreeWithCedarWasm()
    {
        var stats = Campaign("syntax", DiffSettings.SyntaxCases, SyntaxMutator.Generate);

        Assert.True(stats.Unparsed > stats.Cases / 10, stats.ToString());
        Assert.True(stats.Unparsed < stats.Cases * 9 / 10, stats.ToString());
    }

    [Fact]
    public void Values_RandomLiteralChecks_AgreeWithCedarWasm()
    {
        var stats = Campaign("values", DiffSettings.ValueCases, CaseGenerator.GenerateValues);

        // Each case has 40 policies: a good share must hold and a good share must error.
        Assert.True(stats.Unparsed < stats.Cases / 10, stats.ToString());
        Assert.True(stats.DeterminingPolicies > stats.Cases * 40 / 5, stats.ToString());
        Assert.True(stats.ErroringPolicies > stats.Cases * 40 / 10, stats.ToString());
    }

    [Fact]
    public void AuthorizationWithSchema_RandomCases_AgreeWithCedarWasm()
    {
        var stats = Campaign("schema", DiffSettings.SchemaCases, SchemaCaseGenerator.Generate);

        Assert.True(stats.Allows > stats.Requests / 50, stats.ToString());
        Assert.True(stats.Refused > stats.Requests / 50, stats.ToString());
        Assert.True(stats.Refused < stats.Requests * 3 / 4, stats.ToString());
    }

    [Fact]
    public void Validation_RandomSchemasAndPolicies_AgreeWithCedarWasm()
    {
        var stats = Campaign("validation", DiffSettings.ValidationCases, CaseGenerator.GenerateValidation);

        Assert.True(stats.Valid > stats.Cases / 20, stats.ToString());
        Assert.True(stats.Invalid > stats.Cases / 20, stats.ToString());
        Assert.True(stats.Unparsed < stats.Cases / 4, stats.ToString());

        // The documented version difference must keep being reached (and required on both sides), not avoided.
        Assert.True(stats.NoApplicableAction > 0, stats.ToString());
    }

    [Fact]
    public void ValidationFixedSchema_RandomConditions_AgreeWithCedarWasm()
    {
        var stats = Campaign("fixed-schema", DiffSettings.FixedSchemaValidationCases, CaseGenerator.GenerateFixedSchemaValidation);

        // About half the policies must fail validation, or agreement would say little about the type checker.
        var policies = stats.Cases * CaseGenerator.FixedSchemaPolicies;
        Assert.True(stats.Unparsed == 0, stats.ToString());
        Assert.InRange(stats.InvalidPolicies, policies / 5, policies * 4 / 5);
    }

    public static TheoryData<int> TrickyPolicyIndexes()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < SyntaxMutator.TrickyPolicies.Length; i++)
        {
            data.Add(i);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(TrickyPolicyIndexes))]
    public void Syntax_TrickyPolicyAlone_AgreesWithCedarWasm(int index)
    {
        var text = SyntaxMutator.TrickyPolicies[index];
        var c = new DiffCase(
            "tricky-" + index,
            [],
            KnownCases.Entities,
            KnownCases.Requests,
            RawPolicies: text);

        var disagreement = Check(c);

        Assert.True(disagreement is null, disagreement?.Describe());
    }

    private Stats Campaign(string kind, int count, Func<string, int, DiffCase> generate)
    {
        var baseSeed = DiffSettings.BaseSeed;
        var seeds = DiffSettings.Replay is { } replay
            ? [replay]
            : Enumerable.Range(0, count).Select(i => DiffSettings.CaseSeed(baseSeed, i)).ToArray();
        var cases = seeds.Select(s => generate($"{kind}-{s}", s)).ToArray();
        var clock = Stopwatch.StartNew();
        List<Disagreement> found;
        var stats = new Stats();
        lock (_fixture.Gate)
        {
            found = new DiffRunner(_fixture).Run(cases, stats);
        }

        _output.WriteLine($"{kind}: base seed {baseSeed}, {cases.Length} cases, {stats}, {found.Count} disagreeing cases, {clock.Elapsed.TotalSeconds:F1} s");
        if (DiffSettings.Replay is not null)
        {
            _output.WriteLine(cases[0].Describe());
        }

        if (found.Count > 0)
        {
            Assert.Fail(Report(kind, baseSeed, cases.Length, found));
        }

        return stats;
    }

    private string Report(string kind, int baseSeed, int total, List<Disagreement> found)
    {
        // Group by what differs (messages with names and numbers blanked), so that one frequent disagreement does not
        // hide the others: each group is shrunk once and printed with how many cases it covers.
        var groups = found.GroupBy(d => d.Signature()).OrderByDescending(g => g.Count()).ToList();
        var sb = new StringBuilder();
        sb.Append($"{found.Count} of {total} {kind} cases disagree with cedar-wasm (base seed {baseSeed}), in {groups.Count} kinds.\n");
        sb.Append("Replay one with WARDEN_DIFF_REPLAY=<case seed> (see docs/cedar-differential.md).\n\n");
        foreach (var group in groups.Take(ShrinkLimit))
        {
            var first = group.First();
            var shrunk = Shrinker.Shrink(first, Check);
            sb.Append($"=== {group.Count()} case(s) like case seed {first.Case.Name} (shrunk)\n").Append(shrunk.Describe());
            sb.Append("other cases of this kind: ").Append(string.Join(", ", group.Skip(1).Take(20).Select(d => d.Case.Name))).Append("\n\n");
        }

        foreach (var group in groups.Skip(ShrinkLimit))
        {
            sb.Append($"=== {group.Count()} more case(s) like {group.First().Case.Name}: {group.Key}\n");
        }

        return sb.ToString();
    }

    private Disagreement? Check(DiffCase c)
    {
        lock (_fixture.Gate)
        {
            return new DiffRunner(_fixture).Check(c);
        }
    }
}
