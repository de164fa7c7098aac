using BenchmarkDotNet.Attributes;
using Warden.Events;
using Warden.Grains.Policy;
using Warden.Grains.Sessions;
using Warden.Scopes;
using Warden.Sessions;

namespace Warden.Bench.Sessions;

/// <summary>
/// Gate 2 alone (<c>TenantPolicy.Evaluate</c>) with the load generator's 20-policy set and request, as the session
/// grain calls it: <see cref="Cached"/> with the session's input cache (<c>SessionPolicyInputs</c>), the history
/// alternating between two folds that differ as consecutive decisions do (new counts, same action and label sets);
/// <see cref="Fresh"/> builds every input per call, as before the cache.
/// </summary>
[MemoryDiagnoser(displayGenColumns: false)]
[MedianColumn]
[Config(typeof(InProcessLongConfig))]
public class PolicyGateBenchmarks
{
    private const int Ops = 256;
    private static readonly DateTimeOffset Opened = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    private readonly SessionPolicyInputs _inputs = new();
    private TenantPolicy _policy = null!;
    private SessionHistory[] _histories = [];
    private EvaluationRequest _request = null!;
    private Grant _grant = null!;
    private AgentProfile _agent = null!;
    private Intent _intent = null!;

    [GlobalSetup]
    public void Setup()
    {
        var policies = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Policies", "load.cedar"));
        var schema = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Policies", "load.cedarschema"));
        var compiled = TenantPolicy.Compile("bench", 1, policies, schema, null);
        _policy = compiled.Policy ?? throw new InvalidOperationException(string.Join("; ", compiled.Problems.Select(p => p.Description)));
        _request = new("db.query", new ResourceRef("Table", "orders-3", null, []), """{"sql":"select id, total from orders where day = $1","rows":100}""");
        _grant = new("g1", "db.query", "Table::*", Opened, Opened.AddHours(1), null, GrantOrigin.SessionOpen, null);
        _agent = new("bench@example.com", "agent-0", "low", [], [], [new ScopeEntry("db.query", "Table::*")]);
        _intent = new("load test: read order tables", "reporting", string.Empty, string.Empty, "bench@example.com");
        var first = SessionHistory.Empty.Apply(Allowed(1));
        _histories = [first, first.Apply(Allowed(2))];
        if (Run(_inputs) != PolicyOutcome.Allow || Run(null) != PolicyOutcome.Allow)
        {
            throw new InvalidOperationException("the benchmark decision is not an allow");
        }
    }

    [Benchmark(OperationsPerInvoke = Ops)]
    public bool Cached() => Run(_inputs) == PolicyOutcome.Allow;

    [Benchmark(OperationsPerInvoke = Ops, Baseline = true)]
    public bool Fresh() => Run(null) == PolicyOutcome.Allow;

    private PolicyOutcome Run(SessionPolicyInputs? inputs)
    {
        var outcome = PolicyOutcome.Invalid;
        var now = Opened.AddMinutes(1);
        for (var i = 0; i < Ops; i++)
        {
            var subject = new SessionSubject("bench", "s1", "agent-0", _agent, _intent, Opened, _histories[i & 1], inputs);
            outcome = _policy.Evaluate(new ActionQuery(subject, _request, _grant, null, now)).Outcome;
        }

        return outcome;
    }

    private DecisionEvent Allowed(long sequence) => new()
    {
        TenantId = "bench",
        SessionId = "s1",
        AgentId = "agent-0",
        Sequence = sequence,
        At = Opened,
        Actor = "agent:bench/agent-0",
        Action = "db.query",
        ResourceType = "Table",
        ResourceId = "orders-3",
        Labels = [],
        InputDigest = string.Empty,
        Decision = new Decision($"s1.{sequence}", DecisionEffect.Allow, [], [], "g1", null, 1, Opened, sequence, [], null),
    };
}
