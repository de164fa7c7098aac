using MessagePack;
using Warden.Lineage.Records;
using Warden.Lineage.Tests.Support;

namespace Warden.Lineage.Tests.Records;

public sealed class LineageRecordSerializerTests
{
    private static LineageRecord Chained(LineageEvent evt, long sequence = 42, LineageHash? previous = null)
    {
        var prev = previous ?? LineageHash.Sha256("previous"u8);
        return new LineageRecord
        {
            Sequence = sequence,
            Event = evt,
            PreviousHash = prev,
            Hash = LineageRecordSerializer.ComputeHash(sequence, evt, prev),
        };
    }

    [Fact]
    public void Serialize_FullRecord_RoundTripsEveryField()
    {
        var record = Chained(Events.Full());

        var decoded = LineageRecordSerializer.Deserialize(LineageRecordSerializer.Serialize(record));

        var e = decoded.Event;
        var o = record.Event;
        Assert.Equal(record.Sequence, decoded.Sequence);
        Assert.Equal(record.Hash, decoded.Hash);
        Assert.Equal(record.PreviousHash, decoded.PreviousHash);
        Assert.Equal(o.TenantId, e.TenantId);
        Assert.Equal(o.Kind, e.Kind);
        Assert.Equal(o.OccurredAt, e.OccurredAt);
        Assert.Equal(o.AgentId, e.AgentId);
        Assert.Equal(o.SessionId, e.SessionId);
        Assert.Equal(o.Intent, e.Intent);
        Assert.Equal(o.Action, e.Action);
        Assert.Equal(o.Resource, e.Resource);
        Assert.Equal(o.DecisionId, e.DecisionId);
        Assert.Equal(o.Decision, e.Decision);
        Assert.Equal(o.Reasons, e.Reasons);
        Assert.Equal(o.PolicyIds, e.PolicyIds);
        Assert.Equal(o.PolicySetVersion, e.PolicySetVersion);
        Assert.Equal(o.GrantId, e.GrantId);
        Assert.Equal(o.RequestId, e.RequestId);
        Assert.Equal(o.Actor, e.Actor);
        Assert.Equal(o.ContextDigest, e.ContextDigest);
        Assert.Equal(o.RedactedContext, e.RedactedContext);
        Assert.Equal(o.Revocation, e.Revocation);
        Assert.True(decoded.HasValidHash());
    }

    [Fact]
    public void Serialize_MinimalRecord_RoundTripsNullsAndEmptyLists()
    {
        var evt = new LineageEvent { TenantId = "t", Kind = LineageEventKind.AgentRegistered, OccurredAt = Events.Start };
        var record = Chained(evt, 1, LineageHash.Zero);

        var decoded = LineageRecordSerializer.Deserialize(LineageRecordSerializer.Serialize(record));

        Assert.Null(decoded.Event.AgentId);
        Assert.Null(decoded.Event.Intent);
        Assert.Null(decoded.Event.ContextDigest);
        Assert.Null(decoded.Event.Revocation);
        Assert.Empty(decoded.Event.Reasons);
        Assert.True(decoded.PreviousHash.IsZero);
        Assert.Equal(LineageRecordSerializer.Serialize(record), LineageRecordSerializer.Serialize(decoded));
    }

    [Fact]
    public void Serialize_StoredForm_IsAnArrayOf23StartingWithVersion1()
    {
        var bytes = LineageRecordSerializer.Serialize(Chained(Events.Full()));

        // array16 header with 23 elements, then positive fixint 1 (the format version).
        Assert.Equal(new byte[] { 0xdc, 0x00, 23, 0x01 }, bytes[..4]);
    }

    [Fact]
    public void Serialize_SameRecordTwice_GivesIdenticalBytes()
    {
        Assert.Equal(LineageRecordSerializer.Serialize(Chained(Events.Full())), LineageRecordSerializer.Serialize(Chained(Events.Full())));
    }

    [Fact]
    public void ComputeHash_EqualInstantInAnotherOffset_GivesSameHash()
    {
        var utc = Events.Full();
        var shifted = utc with { OccurredAt = utc.OccurredAt.ToOffset(TimeSpan.FromHours(5)) };

        Assert.Equal(LineageRecordSerializer.ComputeHash(1, utc, LineageHash.Zero), LineageRecordSerializer.ComputeHash(1, shifted, LineageHash.Zero));
    }

    [Fact]
    public void ComputeHash_KnownRecord_MatchesPinnedValue()
    {
        // Pins the canonical form: if this changes, every stored chain stops verifying. Bump FormatVersion instead.
        var hash = LineageRecordSerializer.ComputeHash(42, Events.Full(), LineageHash.Sha256("previous"u8));

        Assert.Equal(PinnedHash, hash.ToString());
    }

    private const string PinnedHash = "37e7c0a991881998bd6e29d17ce796426ab4e600a4a6bd4133a5567e5eb8e56c";

    [Fact]
    public void ComputeHash_IsSha256OfStoredFormWithoutItsHashElement()
    {
        // The documented relation: hashed bytes = stored bytes with the array header saying 22 and the last
        // element (bin8 header + 32 bytes) removed.
        var record = Chained(Events.Full());
        var stored = LineageRecordSerializer.Serialize(record);
        var hashed = stored[..^34];
        hashed[2] = 22;

        Assert.Equal(new byte[] { 0xc4, 32 }, stored[^34..^32]);
        Assert.Equal(record.Hash, LineageHash.Sha256(hashed));
        Assert.Equal(record.Hash, LineageHash.FromBytes(stored[^32..]));
    }

    public static TheoryData<string> Mutations() =>
    [
        "tenant", "sequence", "time", "kind", "agent", "session", "intent.task", "intent.promptId", "intent.promptHash",
        "intent.onBehalfOf", "intent.removed", "action", "resource", "decisionId", "decision", "reasons", "reasons.order",
        "policyIds", "policySetVersion", "grant", "request", "actor", "contextDigest", "redactedContext", "revocation.by",
        "revocation.scope", "revocation.target", "revocation.reason", "revocation.effectiveAt", "previousHash",
    ];

    [Theory]
    [MemberData(nameof(Mutations))]
    public void ComputeHash_AnyFieldChanged_ChangesHash(string field)
    {
        var e = Events.Full();
        var r = e.Revocation!;
        var i = e.Intent!;
        var sequence = 42L;
        var previous = LineageHash.Sha256("previous"u8);
        var original = LineageRecordSerializer.ComputeHash(sequence, e, previous);
        var changed = field switch
        {
            "tenant" => e with { TenantId = "acmf" },
            "time" => e with { OccurredAt = e.OccurredAt.AddTicks(1) },
            "kind" => e with { Kind = LineageEventKind.Decision },
            "agent" => e with { AgentId = "agent-8" },
            "session" => e with { SessionId = null },
            "intent.task" => e with { Intent = i with { Task = i.Task + "!" } },
            "intent.promptId" => e with { Intent = i with { PromptId = "p-2" } },
            "intent.promptHash" => e with { Intent = i with { PromptHash = null } },
            "intent.onBehalfOf" => e with { Intent = i with { OnBehalfOf = "mallory" } },
            "intent.removed" => e with { Intent = null },
            "action" => e with { Action = "email.read" },
            "resource" => e with { Resource = "Mail::Recipient::\"eve@example.com\"" },
            "decisionId" => e with { DecisionId = "dec-10" },
            "decision" => e with { Decision = LineageDecision.Allow },
            "reasons" => e with { Reasons = ["forbid: no external send after secret"] },
            "reasons.order" => e with { Reasons = [.. e.Reasons.Reverse()] },
            "policyIds" => e with { PolicyIds = ["p-a", "p-b"] },
            "policySetVersion" => e with { PolicySetVersion = e.PolicySetVersion + 1 },
            "grant" => e with { GrantId = "grant-4" },
            "request" => e with { RequestId = null },
            "actor" => e with { Actor = "operator:dave" },
            "contextDigest" => e with { ContextDigest = LineageHash.Sha256("other"u8) },
            "redactedContext" => e with { RedactedContext = "{}" },
            "revocation.by" => e with { Revocation = r with { RevokedBy = "operator:dave" } },
            "revocation.scope" => e with { Revocation = r with { Scope = RevocationScope.Tenant } },
            "revocation.target" => e with { Revocation = r with { TargetId = "agent-8" } },
            "revocation.reason" => e with { Revocation = r with { Reason = "" } },
            "revocation.effectiveAt" => e with { Revocation = r with { EffectiveAt = r.EffectiveAt.AddTicks(1) } },
            _ => e,
        };
        if (field == "sequence")
        {
            sequence++;
        }

        if (field == "previousHash")
        {
            previous = LineageHash.Zero;
        }

        Assert.NotEqual(original, LineageRecordSerializer.ComputeHash(sequence, changed, previous));
    }

    [Fact]
    public void Deserialize_Garbage_ThrowsLineageFormatException()
    {
        Assert.Throws<LineageFormatException>(() => LineageRecordSerializer.Deserialize(new byte[] { 0x93, 0x01, 0x02, 0x03 }));
        Assert.Throws<LineageFormatException>(() => LineageRecordSerializer.Deserialize(new byte[] { 0xff, 0x00 }));
        Assert.Throws<LineageFormatException>(() => LineageRecordSerializer.Deserialize(Array.Empty<byte>()));
    }

    [Fact]
    public void Deserialize_TruncatedOrTrailingBytes_ThrowsLineageFormatException()
    {
        var bytes = LineageRecordSerializer.Serialize(Chained(Events.Full()));

        Assert.Throws<LineageFormatException>(() => LineageRecordSerializer.Deserialize(bytes[..^5]));
        Assert.Throws<LineageFormatException>(() => LineageRecordSerializer.Deserialize(bytes.Append((byte)0xc0).ToArray()));
    }

    [Fact]
    public void Deserialize_UnknownFormatVersion_ThrowsLineageFormatException()
    {
        var bytes = LineageRecordSerializer.Serialize(Chained(Events.Full()));
        bytes[3] = 0x03;

        var error = Assert.Throws<LineageFormatException>(() => LineageRecordSerializer.Deserialize(bytes));
        Assert.Contains("version 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Serialize_DecisionWithSessionStep_RoundTripsInFormatVersion2()
    {
        var evt = Events.Full() with { Step = new LineageSessionStep { SessionSequence = 7, Labels = ["pii", "secret"] } };
        var record = Chained(evt);

        var bytes = LineageRecordSerializer.Serialize(record);
        var decoded = LineageRecordSerializer.Deserialize(bytes);

        Assert.Equal(0xdc, bytes[0]);
        Assert.Equal(24, bytes[2]);
        Assert.Equal(LineageRecordSerializer.StepFormatVersion, bytes[3]);
        Assert.Equal(7, decoded.Event.Step!.SessionSequence);
        Assert.Equal(["pii", "secret"], decoded.Event.Step.Labels);
        Assert.True(decoded.HasValidHash());
        Assert.Equal(bytes, LineageRecordSerializer.Serialize(decoded));
    }

    [Fact]
    public void ComputeHash_SessionStep_IsCoveredByTheHash()
    {
        var previous = LineageHash.Sha256("previous"u8);
        var withStep = Events.Full() with { Step = new LineageSessionStep { SessionSequence = 7, Labels = ["secret"] } };

        var original = LineageRecordSerializer.ComputeHash(42, withStep, previous);

        Assert.NotEqual(original, LineageRecordSerializer.ComputeHash(42, Events.Full(), previous));
        Assert.NotEqual(original, LineageRecordSerializer.ComputeHash(42, withStep with { Step = withStep.Step! with { SessionSequence = 8 } }, previous));
        Assert.NotEqual(original, LineageRecordSerializer.ComputeHash(42, withStep with { Step = withStep.Step! with { Labels = [] } }, previous));
    }

    [Fact]
    public void ComputeHash_RecordWithoutStep_KeepsTheVersion1Form()
    {
        // A record without a session step is byte for byte what format version 1 wrote, so old chains still verify.
        var bytes = LineageRecordSerializer.Serialize(Chained(Events.Full()));

        Assert.Equal(23, bytes[2]);
        Assert.Equal(LineageRecordSerializer.FormatVersion, bytes[3]);
        Assert.Equal(PinnedHash, LineageRecordSerializer.ComputeHash(42, Events.Full(), LineageHash.Sha256("previous"u8)).ToString());
    }

    [Fact]
    public void Deserialize_Version1BytesLabelledVersion2_ThrowsLineageFormatException()
    {
        var bytes = LineageRecordSerializer.Serialize(Chained(Events.Full()));
        bytes[3] = 0x02;

        var error = Assert.Throws<LineageFormatException>(() => LineageRecordSerializer.Deserialize(bytes));
        Assert.Contains("version-2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MessagePackSerializer_LineageRecord_UsesTheCanonicalFormatter()
    {
        var record = Chained(Events.Full());

        var viaLibrary = MessagePackSerializer.Serialize(record);

        Assert.Equal(LineageRecordSerializer.Serialize(record), viaLibrary);
        Assert.Equal(record.Hash, MessagePackSerializer.Deserialize<LineageRecord>(viaLibrary)!.Hash);
    }

    [Fact]
    public void LineageHash_TextForm_RoundTrips()
    {
        var hash = LineageHash.Sha256("abc"u8);

        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", hash.ToString());
        Assert.Equal(hash, LineageHash.Parse(hash.ToString().ToUpperInvariant()));
        Assert.False(LineageHash.TryParse("xyz", out _));
        Assert.True(LineageHash.Zero.IsZero);
    }
}
