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
    /// <summary>
    /// The kind of disagreement, so that cases showing the same bug group together: which part differs (parse,
    /// refusal, decision, determining or erroring policies) and the messages of only the policies on which the two
    /// answers differ, with quoted names, numbers and policy ids blanked.
    /// </summary>
    public string Signature()
    {
        if (Warden.Crashed)
        {
            return "Warden crashed: " + Blank(Warden.Detail);
        }

        if (Warden.Parsed != Cedar.Parsed)
        {
            return $"parse: Warden {(Warden.Parsed ? "accepts" : "refuses")}, cedar-wasm {(Cedar.Parsed ? "accepts" : "refuses")}: " + Blank(Warden.Parsed ? Cedar.Detail : Warden.Detail);
        }

        if (Warden.Accepted != Cedar.Accepted)
        {
            return $"request: Warden {(Warden.Accepted ? "accepts" : "refuses")}, cedar-wasm {(Cedar.Accepted ? "accepts" : "refuses")}: " + Blank(Warden.Accepted ? Cedar.Detail : Warden.Detail);
        }

        var onlyWarden = Warden.Errors.Except(Cedar.Errors).ToHashSet();
        var onlyCedar = Cedar.Errors.Except(Warden.Errors).ToHashSet();
        var messages = MessagesOf(Warden.Detail, onlyWarden).Select(m => "Warden only: " + m)
            .Concat(MessagesOf(Cedar.Detail, onlyCedar).Select(m => "cedar-wasm only: " + m))
            .Distinct()
            .Order(StringComparer.Ordinal);
        var reasons = Warden.Reasons.SequenceEqual(Cedar.Reasons) ? "" : " determining policies differ;";
        var decision = Warden.Decision == Cedar.Decision ? "" : $" Warden {Warden.Decision}, cedar-wasm {Cedar.Decision};";
        return $"answer:{decision}{reasons} " + string.Join(" | ", messages);
    }

    // Details are "policyN: message; policyM: message"; the messages of the given policies, blanked.
    private static IEnumerable<string> MessagesOf(string detail, HashSet<string> policies) =>
        detail.Split("; policy")
            .Select((part, i) => i == 0 ? part : "policy" + part)
            .Select(part => (Id: part.Split(':')[0].Trim(), Message: part.Contains(':') ? part[(part.IndexOf(':') + 1)..] : part))
            .Where(p => policies.Contains(p.Id))
            .Select(p => Blank(p.Message.Trim()));

    private static string Blank(string text)
    {
        var s = System.Text.RegularExpressions.Regex.Replace(text, "`[^`]*`|\"(?:[^\"\\\\]|\\\\.)*\"|policy\\d+|\\d+|\\{[^{}]*\\}", "_");
        return s.Length > 200 ? s[..200] : s;
    }

    /// <summary>What differs, with the case to reproduce it.</summary>
    public string Describe() =>
        (Case.ValidateOnly ? "strict validation:\n" : $"request #{Request}: {Case.Requests[Request].ToJson().ToJsonString()}\n") +
        $"  Warden    : {Warden.Summary()}\n" +
        $"  cedar-wasm: {Cedar.Summary()}\n" +
        Case.Describe();
}

/// <summary>Runs cases through both engines and compares every request.</summary>
internal sealed class DiffRunner
{
    // Cases per round trip: big enough that the pipe stays busy, small enough to keep memory flat.
    private const int BatchSize = 400;

    private readonly CedarOracleFixture _oracle;

    public DiffRunner(CedarOracleFixture oracle)
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
            var theirs = _oracle.Send([.. batch.Select(c => c.ToOracleJson())], c => c["op"]!.GetValue<string>() == "validate" ? 1 : ((System.Text.Json.Nodes.JsonArray)c["requests"]!).Count);
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
        if (c.AnswerCount == 0)
        {
            return null;
        }

        var theirs = _oracle.Send([c.ToOracleJson()], _ => c.AnswerCount)[0];
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
