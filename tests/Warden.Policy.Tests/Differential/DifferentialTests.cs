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
    // How many disagreements are shrunk and printed in full; the rest are listed by seed.
    private const int ShrinkLimit = 3;

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
            found = new DiffRunner(_fixture.Oracle).Run(cases, stats);
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
        var sb = new StringBuilder();
        sb.Append($"{found.Count} of {total} {kind} cases disagree with cedar-wasm (base seed {baseSeed}).\n");
        sb.Append($"Replay one with WARDEN_DIFF_REPLAY=<case seed> (see docs/cedar-differential.md).\n\n");
        foreach (var d in found.Take(ShrinkLimit))
        {
            Disagreement shrunk;
            lock (_fixture.Gate)
            {
                shrunk = Shrinker.Shrink(d, Check);
            }

            sb.Append($"=== case seed {d.Case.Name} (shrunk)\n").Append(shrunk.Describe()).Append('\n');
        }

        if (found.Count > ShrinkLimit)
        {
            sb.Append("other disagreeing cases: ").Append(string.Join(", ", found.Skip(ShrinkLimit).Select(d => d.Case.Name))).Append('\n');
        }

        return sb.ToString();
    }

    private Disagreement? Check(DiffCase c)
    {
        lock (_fixture.Gate)
        {
            return new DiffRunner(_fixture.Oracle).Check(c);
        }
    }
}
