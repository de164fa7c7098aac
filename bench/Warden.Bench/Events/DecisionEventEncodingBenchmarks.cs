using System.Buffers;
using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.Serialization;
using Orleans.Serialization.Buffers;
using Orleans.Serialization.Codecs;
using Orleans.Serialization.Serializers;
using Orleans.Serialization.Session;
using Warden.Events;
using Warden.Sessions;

namespace Warden.Bench.Events;

/// <summary>
/// One tenant stream message of <see cref="Events"/> decision events, encoded as the memory stream provider encodes it
/// (each event an object field of one session): the codec Orleans generates for <see cref="DecisionEvent"/> against
/// the hand-written <see cref="DecisionEventCodec"/>, and the whole <c>MemoryMessageBody</c> through the serializer
/// (which now picks the hand-written codec). The events are shaped like the load generator's unary run: 32 sessions of
/// one tenant interleaved, each session's tenant, agent, actor, grant, allow reason and policy list one instance (as the
/// session grain reuses them), action, resource, digest, decision and request ids new per decision.
/// </summary>
[MemoryDiagnoser(displayGenColumns: false)]
[MedianColumn]
[Config(typeof(InProcessLongConfig))]
public class DecisionEventEncodingBenchmarks
{
    private const int SessionsInMessage = 32;

    private readonly ArrayBufferWriter<byte> _buffer = new(256 * 1024);
    private SerializerSessionPool _sessions = null!;
    private Serializer<MemoryMessageBody> _bodies = null!;
    private IFieldCodec<DecisionEvent> _generated = null!;
    private IFieldCodec<DecisionEvent> _handWritten = null!;
    private List<object> _events = [];

    /// <summary>Decisions in the message (the unary run at 20,000/s publishes about 200 per 10 ms round).</summary>
    [Params(200)]
    public int Events { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection().AddSerializer(b => b.AddAssembly(typeof(MemoryMessageBody).Assembly)).BuildServiceProvider();
        var codecs = services.GetRequiredService<ICodecProvider>();
        _sessions = services.GetRequiredService<SerializerSessionPool>();
        _bodies = services.GetRequiredService<Serializer<MemoryMessageBody>>();
        _generated = new OrleansCodeGen.Warden.Events.Codec_DecisionEvent(codecs, codecs.GetActivator<DecisionEvent>());
        _handWritten = codecs.GetCodec<DecisionEvent>();
        if (_handWritten is not DecisionEventCodec)
        {
            throw new InvalidOperationException($"DecisionEvent's codec is {_handWritten.GetType()}");
        }

        _events = [.. Message(Events)];
        Console.WriteLine($"// message bytes: generated codec {Write(_generated)}, hand-written codec {Write(_handWritten)}, MemoryMessageBody {Body()}");
    }

    [Benchmark(Baseline = true, Description = "generated codec")]
    public int Generated() => Write(_generated);

    [Benchmark(Description = "hand-written codec")]
    public int HandWritten() => Write(_handWritten);

    [Benchmark(Description = "MemoryMessageBody (serializer)")]
    public int Body() => _bodies.SerializeToArray(new MemoryMessageBody(_events, null)).Length;

    internal static IEnumerable<DecisionEvent> Message(int events)
    {
        const string tenant = "load-c22d3c22";
        var at = new DateTimeOffset(2026, 12, 7, 20, 0, 0, TimeSpan.Zero);
        var sessions = Enumerable.Range(0, SessionsInMessage).Select(i => new
        {
            Id = $"s-{i:D4}-9f3c2a71",
            Agent = $"agent-{i:D2}",
            Actor = $"agent:agent-{i:D2}",
            Grant = $"g-{i:D4}-1",
            Reason = new DecisionReason(ReasonCodes.Allowed, $"grant g-{i:D4}-1 and policies permit-doc-read, permit-reports"),
            Policies = ImmutableArray.Create("permit-doc-read", "permit-reports"),
            Labels = ImmutableArray.Create("internal"),
        }).ToArray();
        for (var n = 0; n < events; n++)
        {
            var s = sessions[n % sessions.Length];
            var sequence = 10 + (n / sessions.Length);
            yield return new DecisionEvent
            {
                TenantId = tenant,
                At = at,
                Actor = s.Actor,
                SessionId = s.Id,
                AgentId = s.Agent,
                Sequence = sequence,
                Action = new string("doc.read"),
                ResourceType = new string("Acme::Doc"),
                ResourceId = $"reports/{n}",
                Labels = s.Labels,
                InputDigest = Convert.ToHexStringLower(BitConverter.GetBytes((long)n).Concat(new byte[24]).ToArray()),
                Decision = new Decision($"{s.Id}.{sequence}", DecisionEffect.Allow, [s.Reason], s.Policies, s.Grant, null, 3, at, sequence, [], $"req-{n:D8}"),
            };
        }
    }

    private int Write(IFieldCodec<DecisionEvent> codec)
    {
        _buffer.ResetWrittenCount();
        using var session = _sessions.GetSession();
        var writer = Writer.Create(_buffer, session);
        foreach (DecisionEvent e in _events)
        {
            codec.WriteField(ref writer, 0, typeof(object), e);
        }

        writer.Commit();
        return _buffer.WrittenCount;
    }
}
