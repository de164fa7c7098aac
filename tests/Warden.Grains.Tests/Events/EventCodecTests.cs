using System.Buffers;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.Serialization;
using Orleans.Serialization.Buffers;
using Orleans.Serialization.Codecs;
using Orleans.Serialization.Serializers;
using Orleans.Serialization.Session;
using Warden.Events;

namespace Warden.Grains.Tests.Events;

/// <summary>
/// The events' Orleans encoding: every field of every event kind survives a round trip, and the hand-written
/// <see cref="DecisionEventCodec"/> writes what the generated codec writes, so a subscriber with any Warden.Abstractions
/// decodes it.
/// </summary>
public sealed class EventCodecTests
{
    private const int Samples = 300;

    private static readonly IServiceProvider Services = new ServiceCollection().AddSerializer(b => b.AddAssembly(typeof(MemoryMessageBody).Assembly)).BuildServiceProvider();
    private static readonly Serializer Serializer = Services.GetRequiredService<Serializer>();
    private static readonly ICodecProvider Codecs = Services.GetRequiredService<ICodecProvider>();
    private static readonly SerializerSessionPool Sessions = Services.GetRequiredService<SerializerSessionPool>();

    /// <summary>The codec Orleans generates for <see cref="DecisionEvent"/>: what older subscribers read and write with.</summary>
    private static readonly IFieldCodec<DecisionEvent> Generated =
        new OrleansCodeGen.Warden.Events.Codec_DecisionEvent(Codecs, Codecs.GetActivator<DecisionEvent>());

    public static TheoryData<string> Kinds() => [.. EventSamples.EventKinds.Select(t => t.Name)];

    [Fact]
    public void CodecProvider_DecisionEvent_IsTheHandWrittenCodec()
    {
        Assert.IsType<DecisionEventCodec>(Codecs.GetCodec<DecisionEvent>());
        Assert.IsType<DecisionEventCodec>(Codecs.GetCodec(typeof(DecisionEvent)));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void RoundTrip_GeneratedEventsOfEveryKind_EveryFieldSurvives(string kind)
    {
        var type = EventSamples.EventKinds.Single(t => t.Name == kind);
        var samples = new EventSamples(seed: kind.GetHashCode(StringComparison.Ordinal));
        for (var i = 0; i < Samples; i++)
        {
            var e = samples.Next(type);

            EventSamples.AssertSame(e, Serializer.Deserialize<WardenEvent>(Serializer.SerializeToArray(e)), $"{kind} #{i}");
        }
    }

    [Fact]
    public void StreamMessage_MixedBatchWithSharedStrings_EveryEventSurvivesInOrder()
    {
        // A stream message as the memory stream provider encodes it (MemoryMessageBody, events as objects), with
        // decisions sharing string instances with each other and with the lifecycle events around them: the generated
        // codecs write repeats as back-references, which must still name the right values after a decision was written
        // by the hand-written codec.
        var samples = new EventSamples(seed: 11);
        for (var round = 0; round < 50; round++)
        {
            var events = new List<WardenEvent>();
            var shared = samples.Next<DecisionEvent>();
            for (var i = 0; i < 40; i++)
            {
                var kind = EventSamples.EventKinds[(round + i) % EventSamples.EventKinds.Count];
                var e = kind == typeof(DecisionEvent) || i % 3 == 0
                    ? samples.Next<DecisionEvent>() with { TenantId = shared.TenantId, Actor = shared.Actor, SessionId = shared.SessionId, AgentId = shared.AgentId, Labels = shared.Labels, Action = shared.Action }
                    : samples.Next(kind) with { TenantId = shared.TenantId, Actor = shared.Actor };
                events.Add(e);
            }

            var body = new MemoryMessageBody(events.Cast<object>(), new Dictionary<string, object>());
            var copy = Serializer.Deserialize<MemoryMessageBody>(Serializer.SerializeToArray(body));

            var received = copy!.Events.Cast<WardenEvent>().ToList();
            Assert.Equal(events.Count, received.Count);
            for (var i = 0; i < events.Count; i++)
            {
                EventSamples.AssertSame(events[i], received[i], $"round {round} event {i}");
            }
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Write_GeneratedDecisionEvents_SameBytesAsTheGeneratedCodec(bool asObject)
    {
        // Strings and arrays are all distinct instances here, so the generated codec writes no back-reference and the two
        // encodings must agree byte for byte, reference numbering included (several events in one session).
        var samples = new EventSamples(seed: asObject ? 3 : 4, distinctValues: true);
        for (var i = 0; i < Samples / 10; i++)
        {
            var events = Enumerable.Range(0, 10).Select(_ => samples.Next<DecisionEvent>()).ToList();

            var expected = Write(Generated, events, asObject);
            var actual = Write(Codecs.GetCodec<DecisionEvent>(), events, asObject);

            Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(actual));
        }
    }

    [Fact]
    public void Write_DecisionsOfOneSession_SameBytesAsTheGeneratedCodec()
    {
        // As the session grain publishes them: tenant, agent, actor, grant, labels, policy ids and allow reason one
        // instance across decisions, written once per message and referred back to after, by both codecs alike.
        var samples = new EventSamples(seed: 6, distinctValues: true);
        for (var i = 0; i < Samples / 10; i++)
        {
            var first = samples.Next<DecisionEvent>();
            var events = Enumerable.Range(0, 10).Select(_ =>
            {
                var e = samples.Next<DecisionEvent>();
                return e with
                {
                    TenantId = first.TenantId,
                    Actor = first.Actor,
                    SessionId = first.SessionId,
                    AgentId = first.AgentId,
                    Labels = first.Labels,
                    Decision = e.Decision with
                    {
                        Reasons = first.Decision.Reasons,
                        DeterminingPolicies = first.Decision.DeterminingPolicies,
                        GrantId = first.Decision.GrantId,
                        Diagnostics = first.Decision.Diagnostics,
                    },
                };
            }).ToList();

            var expected = Write(Generated, events, asObject: true);
            var actual = Write(Codecs.GetCodec<DecisionEvent>(), events, asObject: true);

            Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(actual));
        }
    }

    [Fact]
    public void Read_WrittenByTheHandWrittenCodec_GeneratedCodecReadsEveryField()
    {
        // What a subscriber with an older Warden.Abstractions (the generated codec only) does with this codec's output.
        var samples = new EventSamples(seed: 5);
        for (var i = 0; i < Samples; i++)
        {
            var events = Enumerable.Range(0, 5).Select(_ => samples.Next<DecisionEvent>()).ToList();
            var bytes = Write(Codecs.GetCodec<DecisionEvent>(), events, asObject: false);

            using var session = Sessions.GetSession();
            var reader = Reader.Create(bytes, session);
            foreach (var e in events)
            {
                var header = reader.ReadFieldHeader();
                EventSamples.AssertSame(e, Generated.ReadValue(ref reader, header), $"#{i}");
            }
        }
    }

    private static byte[] Write(IFieldCodec<DecisionEvent> codec, List<DecisionEvent> events, bool asObject)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using var session = Sessions.GetSession();
        var writer = Writer.Create(buffer, session);
        foreach (var e in events)
        {
            codec.WriteField(ref writer, 0, asObject ? typeof(object) : typeof(DecisionEvent), e);
        }

        writer.Commit();
        return buffer.WrittenSpan.ToArray();
    }
}
