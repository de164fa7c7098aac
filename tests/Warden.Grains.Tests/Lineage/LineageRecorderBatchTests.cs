using System.Collections.Immutable;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Warden.Events;
using Warden.Grains.Lineage;
using Warden.Grains.Sessions;
using Warden.Lineage.Chain;
using Warden.Lineage.Logs.Memory;
using Warden.Lineage.Privacy;
using Warden.Lineage.Records;
using Warden.Sessions;

namespace Warden.Grains.Tests.Lineage;

/// <summary>
/// A batch of decisions becomes one lineage event per decision, each with the digest and redacted context of its own
/// arguments, however the arguments repeat within the batch.
/// </summary>
public sealed class LineageRecorderBatchTests
{
    private const string TenantId = "tenant-1";
    private static readonly byte[] ContextKey = Enumerable.Range(11, 32).Select(i => (byte)i).ToArray();
    private static readonly List<string> Sensitive = ["$.input.password"];
    private static readonly DateTimeOffset At = new(2026, 12, 7, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task MapDecisionBatch_RepeatedAndAlternatingArguments_EachDecisionRedactedFromItsOwn()
    {
        // New string objects for equal texts (as read off the wire), equal neighbours, a return to an earlier text, and
        // decisions without arguments between them.
        string?[] inputs =
        [
            Copy("""{"sql":"select 1","rows":100}"""),
            Copy("""{"sql":"select 1","rows":100}"""),
            Copy("""{"password":"hunter2","to":"bob"}"""),
            Copy("""{"password":"hunter2","to":"bob"}"""),
            Copy("""{"password":"hunter3","to":"bob"}"""),
            Copy("""{"sql":"select 1","rows":100}"""),
            null,
            Copy("""{"sql":"select 1","rows":100}"""),
            string.Empty,
            string.Empty,
            Copy("""{"sql":"select 1","rows":101}"""),
        ];
        await using var recorder = new RecorderUnderTest(recordArguments: true);
        var (events, requests, decisions) = Batch(inputs);

        var output = recorder.Recorder.MapDecisionBatch(TenantId, State(), events, requests, decisions);

        Assert.Equal(inputs.Length, output.Count);
        var key = recorder.Recorder.TenantKey(TenantId);
        for (var i = 0; i < inputs.Length; i++)
        {
            Assert.Equal($"dec-{i}", output[i].DecisionId);
            if (string.IsNullOrEmpty(inputs[i]))
            {
                Assert.Null(output[i].ContextDigest);
                Assert.Null(output[i].RedactedContext);
                continue;
            }

            var expected = ContextRedactor.Redact("{\"input\":" + inputs[i] + "}", SensitivePaths.Parse(Sensitive), key);
            Assert.Equal(expected.Digest, output[i].ContextDigest);
            Assert.Equal(expected.Json, output[i].RedactedContext);
        }

        // The password never appears in clear, in the repeated decisions either.
        Assert.DoesNotContain(output, e => e.RedactedContext?.Contains("hunter", StringComparison.Ordinal) == true);
        Assert.Equal(output[2].RedactedContext, output[3].RedactedContext);
        Assert.NotEqual(output[3].ContextDigest, output[4].ContextDigest);
    }

    [Fact]
    public async Task MapDecisionBatch_ArgumentsNotRecorded_OnlyTheDigestOfEachDecision()
    {
        string?[] inputs = [Copy("""{"a":1}"""), Copy("""{"a":1}"""), Copy("""{"a":2}""")];
        await using var recorder = new RecorderUnderTest(recordArguments: false);
        var (events, requests, decisions) = Batch(inputs);

        var output = recorder.Recorder.MapDecisionBatch(TenantId, State(), events, requests, decisions);

        Assert.All(output, e => Assert.Null(e.RedactedContext));
        Assert.Equal(output[0].ContextDigest, output[1].ContextDigest);
        Assert.NotNull(output[0].ContextDigest);
        Assert.NotEqual(output[1].ContextDigest, output[2].ContextDigest);
    }

    [Fact]
    public async Task MapDecisionBatch_InvalidArgumentsAfterValidOnes_Refused()
    {
        await using var recorder = new RecorderUnderTest(recordArguments: true);
        var (events, requests, decisions) = Batch([Copy("""{"a":1}"""), Copy("""{"a":1}"""), "{not json"]);

        Assert.Throws<ArgumentException>(() => recorder.Recorder.MapDecisionBatch(TenantId, State(), events, requests, decisions));
    }

    [Fact]
    public async Task RecordDecisionsAsync_Durable_ReturnsTheHighestSequenceOnceStored()
    {
        await using var recorder = new RecorderUnderTest(recordArguments: true);
        var (events, requests, decisions) = Batch([Copy("""{"a":1}"""), Copy("""{"a":1}"""), Copy("""{"a":2}""")]);

        var highest = await recorder.Recorder.RecordDecisionsAsync(TenantId, State(), events, requests, decisions);

        Assert.Equal(3, highest);
        var stored = new List<LineageRecord>();
        await foreach (var record in recorder.Log.ReadAsync(TenantId, 1))
        {
            stored.Add(record);
        }

        Assert.Equal(["dec-0", "dec-1", "dec-2"], stored.Select(r => r.Event.DecisionId));
        Assert.Equal(stored[0].Event.ContextDigest, stored[1].Event.ContextDigest);
        Assert.NotEqual(stored[1].Event.ContextDigest, stored[2].Event.ContextDigest);
    }

    [Fact]
    public async Task RecordDecisionsAsync_InvalidArguments_NullAndNothingStored()
    {
        await using var recorder = new RecorderUnderTest(recordArguments: true);
        var (events, requests, decisions) = Batch([Copy("""{"a":1}"""), "{not json"]);

        var highest = await recorder.Recorder.RecordDecisionsAsync(TenantId, State(), events, requests, decisions);

        Assert.Null(highest);
        Assert.Null(await recorder.Log.ReadHeadAsync(TenantId));
    }

    private static string Copy(string text) => new StringBuilder(text).ToString();

    private static SessionState State() => new() { AgentId = "agent-1", Intent = new Intent("report", "reporting", "prompt-1", string.Empty, "user-1") };

    private static (List<SessionEvent> Events, ImmutableArray<EvaluationRequest> Requests, ImmutableArray<Decision> Decisions) Batch(string?[] inputs)
    {
        var events = new List<SessionEvent>();
        var requests = ImmutableArray.CreateBuilder<EvaluationRequest>(inputs.Length);
        var decisions = ImmutableArray.CreateBuilder<Decision>(inputs.Length);
        for (var i = 0; i < inputs.Length; i++)
        {
            var decision = new Decision($"dec-{i}", DecisionEffect.Allow, [new DecisionReason("policy", "permit")], ["permit"], null, null, 1, At, i + 1, [], null);
            decisions.Add(decision);
            requests.Add(new EvaluationRequest("db.query", new ResourceRef("Table", "orders", null, []), inputs[i]));
            events.Add(new DecisionEvent
            {
                TenantId = TenantId,
                At = At,
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

        return (events, requests.MoveToImmutable(), decisions.MoveToImmutable());
    }

    private sealed class RecorderUnderTest : IAsyncDisposable
    {
        private readonly LineageWriter _writer;

        public RecorderUnderTest(bool recordArguments)
        {
            var options = new WardenLineageOptions
            {
                ContextKey = ContextKey,
                SensitiveArguments = Sensitive,
                RecordArguments = recordArguments,
                AppendInProcess = true,
            };
            _writer = new LineageWriter(Log, new LineageWriterOptions { Durability = LineageDurability.Durable });
            Recorder = new LineageRecorder(null!, _writer, Log, Microsoft.Extensions.Options.Options.Create(options), NullLogger<LineageRecorder>.Instance);
        }

        public InMemoryLineageLog Log { get; } = new();

        public LineageRecorder Recorder { get; }

        public ValueTask DisposeAsync() => _writer.DisposeAsync();
    }
}
