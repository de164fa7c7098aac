using Warden.Policy.Tests.Differential.Generation;
using Warden.Policy.Tests.Differential.Oracle;

namespace Warden.Policy.Tests.Differential;

/// <summary>A request on which the two engines answered differently.</summary>
/// <param name="Case">The case.</param>
/// <param name="Request">The index of the request in the case.</param>
/// <param name="Warden">Warden's answer.</param>
/// <param name="Cedar">cedar-wasm's answer.</param>
internal sealed record Disagreement(DiffCase Case, int Request, Outcome Warden, Outcome Cedar)
{
    /// <summary>What differs, with the case to reproduce it.</summary>
    public string Describe() =>
        $"request #{Request}: {Case.Requests[Request].ToJson().ToJsonString()}\n" +
        $"  Warden    : {Warden.Summary()}\n" +
        $"  cedar-wasm: {Cedar.Summary()}\n" +
        Case.Describe();
}

/// <summary>Runs cases through both engines and compares every request.</summary>
internal sealed class DiffRunner
{
    // Cases per round trip: big enough that the pipe stays busy, small enough to keep memory flat.
    private const int BatchSize = 400;

    private readonly CedarOracle _oracle;

    public DiffRunner(CedarOracle oracle)
    {
        _oracle = oracle;
    }

    /// <summary>Runs the cases; returns every disagreeing request (at most one per case: the first).</summary>
    public List<Disagreement> Run(IReadOnlyList<DiffCase> cases, Stats stats)
    {
        var found = new List<Disagreement>();
        for (var start = 0; start < cases.Count; start += BatchSize)
        {
            var batch = cases.Skip(start).Take(BatchSize).ToArray();

            // Warden evaluates on the thread pool while Node works on the same batch.
            var ours = Task.Run(() => batch.Select(WardenEngine.Evaluate).ToArray());
            var theirs = _oracle.Send([.. batch.Select(c => c.ToOracleJson())], c => ((System.Text.Json.Nodes.JsonArray)c["requests"]!).Count);
            var wardenOutcomes = ours.GetAwaiter().GetResult();
            for (var i = 0; i < batch.Length; i++)
            {
                stats.Add([.. theirs[i].Select(Outcome.FromOracle)]);
                if (FirstDifference(batch[i], wardenOutcomes[i], theirs[i]) is { } d)
                {
                    found.Add(d);
                }
            }
        }

        return found;
    }

    /// <summary>The first disagreeing request of one case, or null when the engines agree on all of them.</summary>
    public Disagreement? Check(DiffCase c)
    {
        if (c.Requests.Count == 0)
        {
            return null;
        }

        var theirs = _oracle.Send([c.ToOracleJson()], _ => c.Requests.Count)[0];
        return FirstDifference(c, WardenEngine.Evaluate(c), theirs);
    }

    private static Disagreement? FirstDifference(DiffCase c, Outcome[] ours, System.Text.Json.Nodes.JsonObject[] theirs)
    {
        for (var r = 0; r < ours.Length; r++)
        {
            var cedar = Outcome.FromOracle(theirs[r]);
            if (!ours[r].SameAs(cedar))
            {
                return new Disagreement(c, r, ours[r], cedar);
            }
        }

        return null;
    }
}
