using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.Serialization;
using Warden.Events;
using Warden.Grains.Events;
using Warden.Sessions;
using Warden.Tenants;

namespace Warden.Grains.Tests.Events;

public sealed class EventMessageBodySerializerTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly Serializer Orleans = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    /// <summary>Orleans' own encoding of a memory-stream message (what the provider used before).</summary>
    private static readonly DefaultMemoryMessageBodySerializer Plain = new(Orleans.GetSerializer<MemoryMessageBody>());

    private readonly EventMessageBodySerializer _serializer = new(Orleans);

    [Fact]
    public void RoundTrip_SessionAndTenantEvents_ReadsBackEveryEventInOrder()
    {
        var events = new WardenEvent[] { Decided(1), Frozen(), Decided(2) };

        var read = _serializer.Deserialize(_serializer.Serialize(Body(events)));

        Assert.Null(read.RequestContext);
        Assert.Collection(
            read.Events,
            e => AssertDecision(Decided(1), e),
            e => Assert.Equal(Frozen(), Assert.IsType<TenantStatusChangedEvent>(e)),
            e => AssertDecision(Decided(2), e));
    }

    [Fact]
    public void Serialize_SameSessionEventInTwoMessages_EncodesItOnceAndBothMessagesCarryIt()
    {
        // The session stream's message and the tenant stream's message carry the same event objects.
        var first = Decided(1);
        var second = Decided(2);
        var sessionMessage = _serializer.Serialize(Body([first, second]));
        Assert.Equal(2, _serializer.Encodings);

        var tenantMessage = _serializer.Serialize(Body([Frozen(), first, second]));

        Assert.Equal(3, _serializer.Encodings); // only the tenant event was new
        Assert.Collection(_serializer.Deserialize(sessionMessage).Events, e => AssertDecision(first, e), e => AssertDecision(second, e));
        Assert.Collection(
            _serializer.Deserialize(tenantMessage).Events,
            e => Assert.IsType<TenantStatusChangedEvent>(e),
            e => AssertDecision(first, e),
            e => AssertDecision(second, e));
    }

    [Fact]
    public void Serialize_EqualButDistinctEvents_EncodesEachObject()
    {
        // Reuse is by object identity, never by equality: an equal record is encoded afresh.
        _serializer.Serialize(Body([Decided(1)]));
        _serializer.Serialize(Body([Decided(1)]));

        Assert.Equal(2, _serializer.Encodings);
    }

    [Fact]
    public void Serialize_BodyWithRequestContext_UsesThePlainEncodingAndKeepsTheContext()
    {
        var body = new MemoryMessageBody([Decided(1)], new Dictionary<string, object> { ["trace"] = "abc" });

        var bytes = _serializer.Serialize(body);
        var read = _serializer.Deserialize(bytes);

        Assert.NotEqual(EventMessageBodySerializer.Marker, bytes[0]);
        Assert.Equal("abc", read.RequestContext!["trace"]);
        AssertDecision(Decided(1), Assert.Single(read.Events));
    }

    [Fact]
    public void Serialize_ItemsThatAreNotWardenEvents_UsesThePlainEncoding()
    {
        // Other items on the same provider (the lineage live feed's record batches) are encoded whole, as before.
        var bytes = _serializer.Serialize(new MemoryMessageBody(["not an event", 42], null));

        Assert.NotEqual(EventMessageBodySerializer.Marker, bytes[0]);
        Assert.Equal(["not an event", 42], _serializer.Deserialize(bytes).Events);
    }

    [Fact]
    public void Deserialize_MessageInOrleansPlainEncoding_ReadsIt()
    {
        // A producer with the default encoding (a client, a silo not yet upgraded) is still understood.
        var read = _serializer.Deserialize(Plain.Serialize(Body([Decided(1), Frozen()])));

        Assert.Collection(read.Events, e => AssertDecision(Decided(1), e), e => Assert.IsType<TenantStatusChangedEvent>(e));
    }

    [Fact]
    public void PlainEncoding_NeverStartsWithTheMarker()
    {
        Assert.NotEqual(EventMessageBodySerializer.Marker, Plain.Serialize(Body([Decided(1)]))[0]);
        Assert.NotEqual(EventMessageBodySerializer.Marker, Plain.Serialize(new MemoryMessageBody([], null))[0]);
        Assert.Equal(EventMessageBodySerializer.Marker, _serializer.Serialize(Body([Decided(1)]))[0]);
    }

    [Fact]
    public void Deserialize_UnknownVersionOrTruncated_Refuses()
    {
        var bytes = _serializer.Serialize(Body([Decided(1)])).ToArray();
        var future = (byte[])bytes.Clone();
        future[1] = EventMessageBodySerializer.FormatVersion + 1;

        Assert.Throws<NotSupportedException>(() => _serializer.Deserialize(future));
        Assert.Throws<NotSupportedException>(() => _serializer.Deserialize(new ArraySegment<byte>(bytes, 0, bytes.Length - 1)));
    }

    private static MemoryMessageBody Body(IEnumerable<WardenEvent> events) => new(events, null);

    private static DecisionEvent Decided(long sequence) => new()
    {
        TenantId = "acme",
        At = At,
        Actor = "agent:bot",
        SessionId = "s1",
        AgentId = "bot",
        Sequence = sequence,
        Action = "doc.read",
        ResourceType = "Acme::Doc",
        ResourceId = "reports/" + sequence,
        Labels = ["secret"],
        InputDigest = string.Empty,
        Decision = new Decision($"s1.{sequence}", DecisionEffect.Allow, [new DecisionReason("allowed", "ok")], ["p1"], "g1", null, 1, At, sequence, [], null),
    };

    private static TenantStatusChangedEvent Frozen() => new() { TenantId = "acme", At = At, Actor = "operator:ops", Status = TenantStatus.Frozen, Reason = "incident" };

    private static void AssertDecision(DecisionEvent expected, object actual)
    {
        var e = Assert.IsType<DecisionEvent>(actual);
        Assert.Equal((expected.TenantId, expected.SessionId, expected.AgentId, expected.Sequence, expected.At, expected.Actor), (e.TenantId, e.SessionId, e.AgentId, e.Sequence, e.At, e.Actor));
        Assert.Equal((expected.Action, expected.ResourceType, expected.ResourceId, expected.InputDigest), (e.Action, e.ResourceType, e.ResourceId, e.InputDigest));
        Assert.Equal(expected.Labels.ToArray(), e.Labels.ToArray());
        Assert.Equal((expected.Decision.DecisionId, expected.Decision.Effect, expected.Decision.GrantId, expected.Decision.Sequence), (e.Decision.DecisionId, e.Decision.Effect, e.Decision.GrantId, e.Decision.Sequence));
        Assert.Equal(expected.Decision.Reasons.ToArray(), e.Decision.Reasons.ToArray());
        Assert.Equal(expected.Decision.DeterminingPolicies.ToArray(), e.Decision.DeterminingPolicies.ToArray());
    }
}
