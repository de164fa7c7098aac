using System.Buffers;
using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using Warden.Events;
using Warden.Grains.Sessions;
using Warden.Scopes;
using Warden.Sessions;

namespace Warden.Bench.Sessions;

/// <summary>
/// One session state write's encoding, as the grain-state serializer does it before every answer: the current format
/// (<see cref="SessionStateStorageSerializer"/>, the per-write part hand-laid in MessagePack) against format version 2
/// (the same cached statics, the per-write part in Orleans' generic codec), and reading the current format back. The
/// state is an open session with an agent profile, intent, two grants and <see cref="Decisions"/> allowed decisions
/// over three actions.
/// </summary>
[MemoryDiagnoser(displayGenColumns: false)]
[MedianColumn]
[Config(typeof(InProcessLongConfig))]
public class SessionStateEncodingBenchmarks
{
    private static readonly DateTimeOffset Opened = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private SessionStateStorageSerializer _serializer = null!;
    private Serializer<SessionState> _orleansStates = null!;
    private SessionState _state = new();
    private byte[] _statics = [];
    private BinaryData _written = null!;

    /// <summary>Decisions in the session's history.</summary>
    [Params(10)]
    public int Decisions { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var orleans = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();
        _serializer = new SessionStateStorageSerializer(new OrleansGrainStorageSerializer(orleans), orleans);
        _orleansStates = orleans.GetSerializer<SessionState>();
        _state = State(Decisions);
        _statics = orleans.GetSerializer<SessionStateStatics>().SerializeToArray(SessionStateStatics.Of(_state));
        _written = _serializer.Serialize(_state);
    }

    [Benchmark(Baseline = true, Description = "write, format 2 (Orleans codec)")]
    public BinaryData WriteOrleansRest()
    {
        _buffer.ResetWrittenCount();
        var header = _buffer.GetSpan(6);
        header[0] = SessionStateStorageSerializer.Marker;
        header[1] = SessionStateStorageSerializer.OrleansRestFormatVersion;
        BinaryPrimitives.WriteInt32LittleEndian(header[2..], _statics.Length);
        _buffer.Advance(6);
        _buffer.Write(_statics);
        _orleansStates.Serialize(SessionStateStatics.Without(_state), _buffer);
        return new BinaryData(_buffer.WrittenSpan.ToArray());
    }

    [Benchmark(Description = "write, format 3 (MessagePack)")]
    public BinaryData Write() => _serializer.Serialize(_state);

    [Benchmark(Description = "read, format 3")]
    public SessionState? Read() => _serializer.Deserialize<SessionState>(_written);

    private static SessionState State(int decisions)
    {
        var state = new SessionState
        {
            AgentId = "agent-07",
            Agent = new AgentProfile("alice", "Report bot", "low", ["internal"], ["ops"], [new ScopeEntry("doc.read", "Acme::Doc::*")]),
        };
        state = state.Apply(new SessionOpenedEvent
        {
            TenantId = "load-c22d3c22", At = Opened, Actor = "agent:agent-07", SessionId = "s-0123456789", AgentId = "agent-07", Sequence = 1,
            Intent = new Intent("summarise the quarterly reports", "reporting", "p1", "h1", "alice"),
            RequestedScope = [new ScopeRequest("doc.read", "Acme::Doc::*"), new ScopeRequest("db.query", "Acme::Table::*")],
            ExpiresAt = Opened.AddHours(1),
            PolicyVersion = 1,
        });
        foreach (var (grant, action) in new[] { ("g1", "doc.read"), ("g2", "db.query") })
        {
            state = state.Apply(new GrantIssuedEvent
            {
                TenantId = "load-c22d3c22", At = Opened, Actor = "agent:agent-07", SessionId = "s-0123456789", AgentId = "agent-07", Sequence = state.NextSequence,
                Grant = new Grant(grant, action, "Acme::*", Opened, Opened.AddHours(1), null, GrantOrigin.SessionOpen, null),
            });
        }

        string[] actions = ["doc.read", "db.query", "doc.list"];
        for (var i = 0; i < decisions; i++)
        {
            var sequence = state.NextSequence;
            state = state.Apply(new DecisionEvent
            {
                TenantId = "load-c22d3c22", At = Opened, Actor = "agent:agent-07", SessionId = "s-0123456789", AgentId = "agent-07", Sequence = sequence,
                Action = actions[i % 3], ResourceType = "Acme::Doc", ResourceId = "reports/" + i, Labels = i % 2 == 0 ? ["internal"] : ["finance"], InputDigest = string.Empty,
                Decision = new Decision("s-0123456789." + sequence, DecisionEffect.Allow, [], [], i % 3 == 1 ? "g2" : "g1", null, 1, Opened, sequence, [], null),
            });
        }

        return state;
    }
}
