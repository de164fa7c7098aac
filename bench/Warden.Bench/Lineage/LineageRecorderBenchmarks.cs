using System.Collections.Immutable;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Warden.Events;
using Warden.Grains.Lineage;
using Warden.Grains.Sessions;
using Warden.Lineage.Chain;
using Warden.Lineage.Logs.Memory;
using Warden.Sessions;

namespace Warden.Bench.Lineage;

/// <summary>
/// What the durable-lineage recorder spends in a session's turn before the append, per batch of 64 decisions (the load
/// generator's stream depth): mapping each decision to its lineage event and redacting its tool arguments. Divide by
/// 64 for the cost per decision.
/// </summary>
[MemoryDiagnoser(displayGenColumns: false)]
[MedianColumn]
[Config(typeof(InProcessConfig))]
public class LineageRecorderBenchmarks
{
    private const int BatchSize = 64;

    // The load generator's tool arguments (bench/Warden.LoadGen/Infrastructure/LoadSetup.cs).
    private const string LoadGenInput = """{"sql":"select id, total from orders where day = $1","rows":100}""";

    private LineageRecorder _recorder = null!;
    private LineageWriter _writer = null!;
    private SessionState _state = null!;
    private List<SessionEvent> _events = [];
    private ImmutableArray<Decision> _decisions;
    private ImmutableArray<EvaluationRequest> _sameArguments;
    private ImmutableArray<EvaluationRequest> _distinctArguments;

    [GlobalSetup]
    public void Setup()
    {
        var options = new WardenLineageOptions { ContextKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray(), AppendInProcess = true };
        _writer = new LineageWriter(new InMemoryLineageLog(), new LineageWriterOptions(), null, NullLogger<LineageWriter>.Instance);
        _recorder = new LineageRecorder(null!, _writer, new InMemoryLineageLog(), Options.Create(options), NullLogger<LineageRecorder>.Instance);
        _state = new SessionState { AgentId = "agent-1", Intent = new Intent("nightly report", "reporting", "prompt-7", string.Empty, "user-9") };
        var at = DateTimeOffset.UnixEpoch;
        var decisions = ImmutableArray.CreateBuilder<Decision>(BatchSize);
        var same = ImmutableArray.CreateBuilder<EvaluationRequest>(BatchSize);
        var distinct = ImmutableArray.CreateBuilder<EvaluationRequest>(BatchSize);
        for (var i = 0; i < BatchSize; i++)
        {
            var decision = new Decision($"dec-{i}", DecisionEffect.Allow, [new DecisionReason("policy", "permit-orders-read")], ["permit-orders-read"], null, null, 3, at, i + 1, [], null);
            decisions.Add(decision);

            // New string objects, as read off the wire.
            same.Add(new EvaluationRequest("db.query", new ResourceRef("Table", "orders", null, []), new StringBuilder(LoadGenInput).ToString()));
            distinct.Add(new EvaluationRequest("db.query", new ResourceRef("Table", "orders", null, []), LoadGenInput.Replace("100", (100 + i).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)));
            _events.Add(new DecisionEvent
            {
                TenantId = "tenant-1",
                At = at,
                Actor = "agent-1",
                SessionId = "session-1",
                AgentId = "agent-1",
                Sequence = i + 1,
                Action = "db.query",
                ResourceType = "Table",
                ResourceId = "orders",
                Labels = [],
                InputDigest = "digest",
                Decision = decision,
            });
        }

        _decisions = decisions.MoveToImmutable();
        _sameArguments = same.MoveToImmutable();
        _distinctArguments = distinct.MoveToImmutable();
    }

    [GlobalCleanup]
    public void Cleanup() => _writer.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>The batch's lineage events with the load generator's arguments.</summary>
    internal List<Warden.Lineage.Records.LineageEvent> Events() => _recorder.MapDecisionBatch("tenant-1", _state, _events, _sameArguments, _decisions);

    /// <summary>Every decision with the same arguments (the load generator's case).</summary>
    [Benchmark(Baseline = true)]
    public int Batch64_SameArguments() => _recorder.MapDecisionBatch("tenant-1", _state, _events, _sameArguments, _decisions).Count;

    /// <summary>Every decision with its own arguments.</summary>
    [Benchmark]
    public int Batch64_DistinctArguments() => _recorder.MapDecisionBatch("tenant-1", _state, _events, _distinctArguments, _decisions).Count;
}
