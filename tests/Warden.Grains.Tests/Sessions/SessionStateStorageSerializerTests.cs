using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using Warden.Events;
using Warden.Grains.Sessions;
using Warden.Scopes;
using Warden.Sessions;

namespace Warden.Grains.Tests.Sessions;

public sealed class SessionStateStorageSerializerTests
{
    private static readonly DateTimeOffset Opened = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly Serializer Orleans = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    /// <summary>The encoding <c>main</c> wrote before this one: the record in one Orleans encoding.</summary>
    private static readonly OrleansGrainStorageSerializer Plain = new(Orleans);

    private readonly SessionStateStorageSerializer _serializer = new(Plain, Orleans);

    [Fact]
    public void RoundTrip_OpenSessionWithGrantsAndDecisions_ReadsBackTheSameState()
    {
        var state = Decided(Open(), 3);

        var read = _serializer.Deserialize<SessionState>(_serializer.Serialize(state));

        AssertSame(state, read);
        Assert.Equal(3, read!.History.Decisions);
        Assert.Equal("g1", Assert.Single(read.Grants).GrantId);
    }

    [Fact]
    public void Deserialize_StateWrittenInThePlainEncoding_ReadsIt()
    {
        // State stored by a build before this encoding must still load after an upgrade.
        var state = Decided(Open(), 2);

        var read = _serializer.Deserialize<SessionState>(Plain.Serialize(state));

        AssertSame(state, read);
    }

    [Fact]
    public void PlainEncoding_NeverStartsWithTheMarker()
    {
        // What tells the two encodings apart: a plain one must never begin with the marker byte.
        Assert.NotEqual(SessionStateStorageSerializer.Marker, Plain.Serialize(new SessionState()).ToArray()[0]);
        Assert.NotEqual(SessionStateStorageSerializer.Marker, Plain.Serialize(Decided(Open(), 1)).ToArray()[0]);
        Assert.Equal(SessionStateStorageSerializer.Marker, _serializer.Serialize(Decided(Open(), 1)).ToArray()[0]);
    }

    [Fact]
    public void Serialize_GrantsChangeAfterAnEarlierWrite_WritesTheNewGrants()
    {
        // The statics' encoding is reused while the state holds the same objects; a change must never be missed.
        var state = Decided(Open(), 1);
        _serializer.Serialize(state);
        var later = state.Apply(new GrantIssuedEvent
        {
            TenantId = "t1", At = Opened, Actor = "agent:bot", SessionId = "s1", AgentId = "bot", Sequence = state.NextSequence,
            Grant = new Grant("g2", "mail.send", "Mail::*", Opened, Opened.AddHours(1), 1, GrantOrigin.Request, null),
        });

        var read = _serializer.Deserialize<SessionState>(_serializer.Serialize(later));

        Assert.Equal(["g1", "g2"], read!.Grants.Select(g => g.GrantId));
        AssertSame(later, read);
    }

    [Fact]
    public void Serialize_SameStaticsManyWrites_EachReadsBackItsOwnHistory()
    {
        var state = Open();
        for (var n = 1; n <= 5; n++)
        {
            state = Decided(state, 1);
            var read = _serializer.Deserialize<SessionState>(_serializer.Serialize(state));
            Assert.Equal(n, read!.History.Decisions);
            AssertSame(state, read);
        }
    }

    [Fact]
    public void Deserialize_UnknownEncodingVersion_Throws()
    {
        var bytes = _serializer.Serialize(Decided(Open(), 1)).ToArray();
        bytes[1] = 99;

        Assert.Throws<NotSupportedException>(() => _serializer.Deserialize<SessionState>(new BinaryData(bytes)));
    }

    [Fact]
    public void Serialize_WritesTheCurrentFormatVersion()
    {
        var bytes = _serializer.Serialize(Decided(Open(), 1)).ToArray();

        Assert.Equal(SessionStateStorageSerializer.Marker, bytes[0]);
        Assert.Equal(SessionStateStorageSerializer.FormatVersion, bytes[1]);
        Assert.NotEqual(SessionStateStorageSerializer.OrleansRestFormatVersion, SessionStateStorageSerializer.FormatVersion);
    }

    [Fact]
    public void Deserialize_StateWrittenInFormatVersion2_ReadsIt()
    {
        // Version 2 (the rest in Orleans binary) was written until 2026-12-07; it must still load after an upgrade.
        var state = Revoked(Decided(Open(), 4));

        var read = _serializer.Deserialize<SessionState>(new BinaryData(Version2(state)));

        AssertSame(state, read);
        Assert.Equal(4, read!.History.Allows);
        Assert.Equal(RevocationScope.Agent, read.RevocationScope);
    }

    [Fact]
    public void RoundTrip_EndedSessionWithEveryField_ReadsBackTheSameState()
    {
        var state = Revoked(Decided(Open(), 3)) with
        {
            // An offset other than UTC, and a cursor: every field of the per-write part has a value.
            ExpiresAt = new DateTimeOffset(2026, 3, 1, 11, 0, 0, TimeSpan.FromHours(2)),
            LineageCursor = 42,
        };
        state = state with { History = state.History.Apply(Denied(state.NextSequence)) };

        var read = _serializer.Deserialize<SessionState>(_serializer.Serialize(state));

        AssertSame(state, read);
        Assert.Equal(TimeSpan.FromHours(2), read!.ExpiresAt.Offset);
        Assert.Equal(1, read.History.Denials);
        Assert.Equal(3, read.History.UsesOf("g1"));
        Assert.Equal(3, read.History.CountOf("doc.read"));
        Assert.Equal(["pii"], read.History.Labels.ToArray());
    }

    [Fact]
    public void RoundTrip_NewState_ReadsBackTheSameState()
    {
        var state = new SessionState();

        var read = _serializer.Deserialize<SessionState>(_serializer.Serialize(state));

        AssertSame(state, read);
    }

    [Fact]
    public void Deserialize_TruncatedState_ThrowsAtEveryLength()
    {
        // A write cut short (or a corrupt store) must fail the read, never yield a state with a shorter history.
        var bytes = _serializer.Serialize(Decided(Open(), 2)).ToArray();

        for (var length = 0; length < bytes.Length; length++)
        {
            var cut = bytes[..length];
            Assert.ThrowsAny<Exception>(() => _serializer.Deserialize<SessionState>(new BinaryData(cut)));
        }
    }

    [Fact]
    public void Deserialize_BytesAfterTheLastField_Throws()
    {
        var bytes = _serializer.Serialize(Decided(Open(), 1)).ToArray();

        Assert.Throws<NotSupportedException>(() => _serializer.Deserialize<SessionState>(new BinaryData([.. bytes, 0x00])));
    }

    [Fact]
    public void Deserialize_UnknownStatus_Throws()
    {
        var state = Decided(Open(), 1);
        var bytes = _serializer.Serialize(state).ToArray();
        // The rest begins with its array header (array16: three bytes) and the status (a positive fixint).
        var at = 6 + BitConverter.ToInt32(bytes, 2) + 3;
        Assert.Equal((byte)SessionStatus.Open, bytes[at]);
        bytes[at] = 0x7F;

        Assert.Throws<NotSupportedException>(() => _serializer.Deserialize<SessionState>(new BinaryData(bytes)));
    }

    [Fact]
    public void Deserialize_OtherFieldCount_Throws()
    {
        var bytes = _serializer.Serialize(Decided(Open(), 1)).ToArray();
        var at = 6 + BitConverter.ToInt32(bytes, 2);
        Assert.Equal(0xDC, bytes[at]); // array16: 18 fields
        bytes[at + 2]--;

        Assert.Throws<NotSupportedException>(() => _serializer.Deserialize<SessionState>(new BinaryData(bytes)));
    }

    [Fact]
    public void OtherStateTypes_GoToTheWrappedSerializer()
    {
        var history = new SessionHistory { LastSequence = 4, Decisions = 2 };

        var written = _serializer.Serialize(history);

        Assert.Equal(Plain.Serialize(history).ToArray(), written.ToArray());
        Assert.Equal(2, _serializer.Deserialize<SessionHistory>(written)!.Decisions);
    }

    /// <summary>
    /// Two states are the same when every field is: compared as JSON, because records compare immutable arrays by
    /// reference and Orleans' bytes depend on which strings happen to be shared objects.
    /// </summary>
    private static void AssertSame(SessionState expected, SessionState? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(JsonSerializer.Serialize(expected), JsonSerializer.Serialize(actual));
    }

    /// <summary>What format version 2 wrote: the same header and statics, the rest in Orleans binary without the statics' fields.</summary>
    private static byte[] Version2(SessionState state)
    {
        var statics = Orleans.GetSerializer<SessionStateStatics>().SerializeToArray(SessionStateStatics.Of(state));
        var rest = Orleans.GetSerializer<SessionState>().SerializeToArray(SessionStateStatics.Without(state));
        var bytes = new byte[6 + statics.Length + rest.Length];
        bytes[0] = SessionStateStorageSerializer.Marker;
        bytes[1] = SessionStateStorageSerializer.OrleansRestFormatVersion;
        BitConverter.TryWriteBytes(bytes.AsSpan(2), statics.Length);
        statics.CopyTo(bytes, 6);
        rest.CopyTo(bytes, 6 + statics.Length);
        return bytes;
    }

    private static SessionState Revoked(SessionState state) => state.Apply(new SessionEndedEvent
    {
        TenantId = "t1", At = Opened.AddMinutes(5), Actor = "operator:op1", SessionId = "s1", AgentId = "bot", Sequence = state.NextSequence,
        Status = SessionStatus.Revoked, Reason = "looks wrong", RevocationScope = RevocationScope.Agent,
    });

    private static DecisionEvent Denied(long sequence) => new()
    {
        TenantId = "t1", At = Opened, Actor = "agent:bot", SessionId = "s1", AgentId = "bot", Sequence = sequence,
        Action = "mail.send", ResourceType = "Mail", ResourceId = "out", Labels = [], InputDigest = string.Empty,
        Decision = new Decision("s1." + sequence, DecisionEffect.Deny, [], [], null, null, 3, Opened, sequence, [], null),
    };

    private static SessionState Open()
    {
        var state = new SessionState
        {
            AgentId = "bot",
            Agent = new AgentProfile("alice", "Bot", "low", ["internal"], ["ops"], [new ScopeEntry("doc.read", "Doc::*")]),
        };
        state = state.Apply(new SessionOpenedEvent
        {
            TenantId = "t1", At = Opened, Actor = "agent:bot", SessionId = "s1", AgentId = "bot", Sequence = 1,
            Intent = new Intent("summarise", "reporting", "p1", "h1", "alice"),
            RequestedScope = [new ScopeRequest("doc.read", "Doc::*")],
            ExpiresAt = Opened.AddHours(1),
            PolicyVersion = 3,
        });
        return state.Apply(new GrantIssuedEvent
        {
            TenantId = "t1", At = Opened, Actor = "agent:bot", SessionId = "s1", AgentId = "bot", Sequence = 2,
            Grant = new Grant("g1", "doc.read", "Doc::*", Opened, Opened.AddHours(1), null, GrantOrigin.SessionOpen, null),
        });
    }

    private static SessionState Decided(SessionState state, int decisions)
    {
        for (var i = 0; i < decisions; i++)
        {
            var sequence = state.NextSequence;
            state = state.Apply(new DecisionEvent
            {
                TenantId = "t1", At = Opened, Actor = "agent:bot", SessionId = "s1", AgentId = "bot", Sequence = sequence,
                Action = "doc.read", ResourceType = "Doc", ResourceId = "r" + sequence, Labels = ["pii"], InputDigest = string.Empty,
                Decision = new Decision("s1." + sequence, DecisionEffect.Allow, [], [], "g1", null, 3, Opened, sequence, [], null),
            });
        }

        return state;
    }
}
