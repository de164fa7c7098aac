using System.Buffers;
using MessagePack;

namespace Warden.Lineage.Records;

/// <summary>
/// The canonical MessagePack encoding of a <see cref="LineageRecord"/> and the hash over it.
/// </summary>
/// <remarks>
/// <para>
/// Format version 1. A stored record is one MessagePack array of 23 elements, in this order:
/// </para>
/// <code>
///  0 int   format version (1)           12 array of str  reasons
///  1 str   tenant id                    13 array of str  determining policy ids
///  2 int   sequence                     14 int   policy-set version
///  3 int   occurred-at, UTC ticks       15 str|nil grant id
///  4 int   event kind                   16 str|nil request id
///  5 str|nil agent id                   17 str|nil actor
///  6 str|nil session id                 18 bin(32)|nil context digest
///  7 nil | [str task, str|nil prompt id,19 str|nil redacted context (JSON)
///     str|nil prompt hash,              20 nil | [str revoked by, int scope, str target id,
///     str|nil on behalf of]                   str reason, int effective-at UTC ticks]
///  8 str|nil action                     21 bin(32) previous hash
///  9 str|nil resource                   22 bin(32) hash
/// 10 str|nil decision id
/// 11 int   decision
/// </code>
/// <para>
/// Format version 2 (a decision that carries a <see cref="LineageSessionStep"/>) is the same array with one element
/// inserted before the previous hash, so it has 24 elements: 0–20 as above (element 0 = 2), 21 the session step
/// <c>[int session sequence, array of str data labels]</c>, 22 the previous hash, 23 the hash (SHA-256 of elements
/// 0–22). A record without a step is always written in version 1 and a version-2 record always has a step, so a
/// record still has exactly one byte form, and chains written before version 2 verify unchanged.
/// </para>
/// <para>
/// Every value takes MessagePack's shortest form (what <see cref="MessagePackWriter"/> writes: positive and
/// negative fixint, then the smallest int/uint width; fixstr/str8/str16/str32 by UTF-8 length; fixarray/array16;
/// bin8 for the 32-byte digests), strings are the UTF-8 bytes of the .NET string with no normalisation, enums are
/// their numeric values, absent optional values are nil, and empty lists are empty arrays. So one record has
/// exactly one byte form.
/// </para>
/// <para>
/// The record hash is SHA-256 over the canonical form of elements 0 to 21: the same bytes as the stored form
/// except that the array header says 22 and element 22 (the hash itself) is absent. Element 21 links the record
/// to its predecessor, so the hash covers the whole chain before it.
/// </para>
/// </remarks>
public static class LineageRecordSerializer
{
    /// <summary>The format version of records without a session step (this code writes and reads it).</summary>
    public const int FormatVersion = 1;

    /// <summary>The format version of records with a session step (<see cref="LineageEvent.Step"/>).</summary>
    public const int StepFormatVersion = 2;

    private const int HashedElementCount = 22;
    private const int StoredElementCount = 23;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    /// <summary>Encodes a record in its stored form.</summary>
    public static byte[] Serialize(LineageRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Encoded is { } encoded)
        {
            return (byte[])encoded.Clone();
        }

        var buffer = RentBuffer();
        var writer = new MessagePackWriter(buffer);
        Write(ref writer, record);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Decodes a stored record. The hash is not checked here (the verifier does that).</summary>
    /// <exception cref="LineageFormatException">The bytes are not a version-1 lineage record.</exception>
    public static LineageRecord Deserialize(ReadOnlyMemory<byte> bytes)
    {
        var reader = new MessagePackReader(bytes);
        var record = Read(ref reader);
        if (!reader.End)
        {
            throw new LineageFormatException("Trailing bytes after the lineage record.");
        }

        return record;
    }

    /// <summary>The SHA-256 of the canonical form of a record with these fields (elements 0 to 21).</summary>
    public static LineageHash ComputeHash(long sequence, LineageEvent evt, LineageHash previousHash) =>
        ComputeHash(sequence, evt, previousHash, out _);

    internal static LineageHash ComputeHash(long sequence, LineageEvent evt, LineageHash previousHash, out int hashedLength)
    {
        ArgumentNullException.ThrowIfNull(evt);
        var buffer = RentBuffer();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(HashedElementCount + Extra(evt));
        WriteBody(ref writer, sequence, evt, previousHash);
        writer.Flush();
        hashedLength = buffer.WrittenCount;
        return LineageHash.Sha256(buffer.WrittenSpan);
    }

    /// <summary>
    /// Chains an event: its hash and its stored form from one encoding pass (the stored form is the hashed form with the
    /// element count one higher and the hash appended).
    /// </summary>
    internal static byte[] EncodeChained(long sequence, LineageEvent evt, LineageHash previousHash, out LineageHash hash)
    {
        ArgumentNullException.ThrowIfNull(evt);
        var buffer = RentBuffer();
        var writer = new MessagePackWriter(buffer);
        var elements = HashedElementCount + Extra(evt);
        writer.WriteArrayHeader(elements);
        WriteBody(ref writer, sequence, evt, previousHash);
        writer.Flush();
        var hashed = buffer.WrittenSpan;
        hash = LineageHash.Sha256(hashed);

        // INVARIANT: both counts take the array16 form (0xdc + 2 bytes), so only the count's low byte differs.
        var stored = new byte[StoredLength(hashed.Length)];
        hashed.CopyTo(stored);
        stored[2] = (byte)(elements + 1);
        stored[hashed.Length] = 0xc4;
        stored[hashed.Length + 1] = LineageHash.Length;
        hash.CopyTo(stored.AsSpan(hashed.Length + 2));
        return stored;
    }

    /// <summary>The stored form without a copy when the writer kept it (internal callers never modify it).</summary>
    internal static byte[] GetStoredBytes(LineageRecord record) => record.Encoded ?? Serialize(record);

    // The stored form differs from the hashed form only by the 34-byte hash element (bin8 header + 32 bytes);
    // both array headers are array16 (3 bytes), since 22 and 23 exceed the fixarray range.
    internal static int StoredLength(int hashedLength) => hashedLength + 2 + LineageHash.Length;

    /// <summary>The length in bytes of the stored form of a record.</summary>
    public static int GetEncodedLength(LineageRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var buffer = RentBuffer();
        var writer = new MessagePackWriter(buffer);
        Write(ref writer, record);
        writer.Flush();
        return buffer.WrittenCount;
    }

    internal static void Write(ref MessagePackWriter writer, LineageRecord record)
    {
        writer.WriteArrayHeader(StoredElementCount + Extra(record.Event));
        WriteBody(ref writer, record.Sequence, record.Event, record.PreviousHash);
        WriteHash(ref writer, record.Hash);
    }

    internal static LineageRecord Read(ref MessagePackReader reader)
    {
        try
        {
            return ReadCore(ref reader);
        }
        catch (MessagePackSerializationException ex)
        {
            throw new LineageFormatException("The bytes are not a valid lineage record: " + ex.Message, ex);
        }
        catch (EndOfStreamException ex)
        {
            throw new LineageFormatException("The lineage record is truncated.", ex);
        }
    }

    /// <summary>
    /// Whether a stored record can match <paramref name="filter"/>, judged from its bytes without decoding it: only
    /// the tenant, sequence, time, kind, agent, session, resource and decision elements are read, and strings are
    /// compared as UTF-8 bytes. False only when those elements parse and one of them rules the record out; anything
    /// else (a malformed record, a string that is not valid UTF-8, a timestamp out of range) is a "maybe", so the
    /// caller decodes the record and <see cref="Query.LineageQuery.Matches"/> decides, or the decoder fails as it would
    /// have. INVARIANT: reads the elements in <see cref="ReadCore"/>'s order and under its rules.
    /// </summary>
    internal static bool MayMatch(ReadOnlyMemory<byte> stored, Query.StoredRecordFilter filter)
    {
        try
        {
            var reader = new MessagePackReader(stored);
            var count = reader.ReadArrayHeader();
            var version = reader.ReadInt32();
            if (count is not (StoredElementCount or StoredElementCount + 1) || version is not (FormatVersion or StepFormatVersion))
            {
                return true;
            }

            if (StringField(ref reader, filter.Tenant) == FieldMatch.No)
            {
                return false;
            }

            var sequence = reader.ReadInt64();
            if (sequence <= filter.AfterSequence || sequence > filter.UpToSequence)
            {
                return false;
            }

            var ticks = reader.ReadInt64();
            if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks)
            {
                return true;
            }

            if (ticks < filter.FromTicks || ticks >= filter.ToTicks)
            {
                return false;
            }

            var kind = reader.ReadInt32();
            if (filter.Kind is { } wantedKind && kind != wantedKind)
            {
                return false;
            }

            if (StringField(ref reader, filter.Agent) == FieldMatch.No || StringField(ref reader, filter.Session) == FieldMatch.No)
            {
                return false;
            }

            reader.Skip(); // intent
            reader.Skip(); // action
            if (StringField(ref reader, filter.Resource) == FieldMatch.No)
            {
                return false;
            }

            reader.Skip(); // decision id
            var decision = reader.ReadInt32();
            return filter.Decision is not { } wantedDecision || decision == wantedDecision;
        }
        catch (MessagePackSerializationException)
        {
            return true;
        }
        catch (EndOfStreamException)
        {
            return true;
        }
    }

    // Reads (or skips) one string element and compares it with the wanted UTF-8 bytes (null: any value).
    private static FieldMatch StringField(ref MessagePackReader reader, byte[]? wanted)
    {
        if (wanted is null)
        {
            reader.Skip();
            return FieldMatch.Maybe;
        }

        if (reader.TryReadNil())
        {
            return FieldMatch.No;
        }

        if (!reader.TryReadStringSpan(out var bytes))
        {
            // A string split across buffer segments: not compared here.
            reader.Skip();
            return FieldMatch.Maybe;
        }

        // Equal valid UTF-8 bytes are equal strings and unequal ones unequal; invalid bytes decode with replacement
        // characters, so only the decoded record can say.
        return bytes.SequenceEqual(wanted) ? FieldMatch.Maybe
            : System.Text.Unicode.Utf8.IsValid(bytes) ? FieldMatch.No
            : FieldMatch.Maybe;
    }

    private enum FieldMatch
    {
        Maybe,
        No,
    }

    private static ArrayBufferWriter<byte> RentBuffer()
    {
        // One buffer per thread: encoding never awaits, so no other encode can interleave on the same thread.
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        return buffer;
    }

    /// <summary>How many elements the event's format version adds to version 1's (the session step: 1).</summary>
    private static int Extra(LineageEvent evt) => evt.Step is null ? 0 : 1;

    private static void WriteBody(ref MessagePackWriter writer, long sequence, LineageEvent evt, LineageHash previousHash)
    {
        writer.Write(evt.Step is null ? FormatVersion : StepFormatVersion);
        writer.Write(evt.TenantId);
        writer.Write(sequence);
        writer.Write(evt.OccurredAt.UtcTicks);
        writer.Write((int)evt.Kind);
        writer.Write(evt.AgentId);
        writer.Write(evt.SessionId);
        if (evt.Intent is { } intent)
        {
            writer.WriteArrayHeader(4);
            writer.Write(intent.Task);
            writer.Write(intent.PromptId);
            writer.Write(intent.PromptHash);
            writer.Write(intent.OnBehalfOf);
        }
        else
        {
            writer.WriteNil();
        }

        writer.Write(evt.Action);
        writer.Write(evt.Resource);
        writer.Write(evt.DecisionId);
        writer.Write((int)evt.Decision);
        WriteStrings(ref writer, evt.Reasons);
        WriteStrings(ref writer, evt.PolicyIds);
        writer.Write(evt.PolicySetVersion);
        writer.Write(evt.GrantId);
        writer.Write(evt.RequestId);
        writer.Write(evt.Actor);
        if (evt.ContextDigest is { } digest)
        {
            WriteHash(ref writer, digest);
        }
        else
        {
            writer.WriteNil();
        }

        writer.Write(evt.RedactedContext);
        if (evt.Revocation is { } revocation)
        {
            writer.WriteArrayHeader(5);
            writer.Write(revocation.RevokedBy);
            writer.Write((int)revocation.Scope);
            writer.Write(revocation.TargetId);
            writer.Write(revocation.Reason);
            writer.Write(revocation.EffectiveAt.UtcTicks);
        }
        else
        {
            writer.WriteNil();
        }

        if (evt.Step is { } step)
        {
            writer.WriteArrayHeader(2);
            writer.Write(step.SessionSequence);
            WriteStrings(ref writer, step.Labels);
        }

        WriteHash(ref writer, previousHash);
    }

    private static void WriteStrings(ref MessagePackWriter writer, IReadOnlyList<string> values)
    {
        writer.WriteArrayHeader(values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            writer.Write(values[i]);
        }
    }

    private static void WriteHash(ref MessagePackWriter writer, LineageHash hash)
    {
        Span<byte> bytes = stackalloc byte[LineageHash.Length];
        hash.CopyTo(bytes);
        writer.Write(bytes);
    }

    private static LineageRecord ReadCore(ref MessagePackReader reader)
    {
        var count = reader.ReadArrayHeader();
        if (count is not (StoredElementCount or StoredElementCount + 1))
        {
            throw new LineageFormatException($"A lineage record has {StoredElementCount} or {StoredElementCount + 1} elements, found {count}.");
        }

        var version = reader.ReadInt32();
        if (version is not (FormatVersion or StepFormatVersion))
        {
            throw new LineageFormatException($"Unknown lineage record format version {version}.");
        }

        if (count != StoredElementCount + (version == StepFormatVersion ? 1 : 0))
        {
            throw new LineageFormatException($"A version-{version} lineage record cannot have {count} elements.");
        }

        var tenantId = reader.ReadString() ?? throw new LineageFormatException("The tenant id is missing.");
        var sequence = reader.ReadInt64();
        var occurredAt = ReadTimestamp(ref reader);
        var kind = (LineageEventKind)reader.ReadInt32();
        var agentId = reader.ReadString();
        var sessionId = reader.ReadString();
        LineageIntent? intent = null;
        if (!reader.TryReadNil())
        {
            ExpectArray(ref reader, 4, "intent");
            intent = new LineageIntent
            {
                Task = reader.ReadString() ?? throw new LineageFormatException("The intent task is missing."),
                PromptId = reader.ReadString(),
                PromptHash = reader.ReadString(),
                OnBehalfOf = reader.ReadString(),
            };
        }

        var action = reader.ReadString();
        var resource = reader.ReadString();
        var decisionId = reader.ReadString();
        var decision = (LineageDecision)reader.ReadInt32();
        var reasons = ReadStrings(ref reader, "reasons");
        var policyIds = ReadStrings(ref reader, "policy ids");
        var policySetVersion = reader.ReadInt64();
        var grantId = reader.ReadString();
        var requestId = reader.ReadString();
        var actor = reader.ReadString();
        LineageHash? contextDigest = reader.TryReadNil() ? null : ReadHash(ref reader, "context digest");
        var redactedContext = reader.ReadString();
        LineageRevocation? revocation = null;
        if (!reader.TryReadNil())
        {
            ExpectArray(ref reader, 5, "revocation");
            revocation = new LineageRevocation
            {
                RevokedBy = reader.ReadString() ?? throw new LineageFormatException("The revocation's author is missing."),
                Scope = (RevocationScope)reader.ReadInt32(),
                TargetId = reader.ReadString() ?? throw new LineageFormatException("The revocation's target is missing."),
                Reason = reader.ReadString() ?? throw new LineageFormatException("The revocation's reason is missing."),
                EffectiveAt = ReadTimestamp(ref reader),
            };
        }

        LineageSessionStep? step = null;
        if (version == StepFormatVersion)
        {
            ExpectArray(ref reader, 2, "session step");
            step = new LineageSessionStep
            {
                SessionSequence = reader.ReadInt64(),
                Labels = ReadStrings(ref reader, "session step labels"),
            };
        }

        var previousHash = ReadHash(ref reader, "previous hash");
        var hash = ReadHash(ref reader, "hash");

        return new LineageRecord
        {
            Sequence = sequence,
            PreviousHash = previousHash,
            Hash = hash,
            Event = new LineageEvent
            {
                TenantId = tenantId,
                Kind = kind,
                OccurredAt = occurredAt,
                AgentId = agentId,
                SessionId = sessionId,
                Intent = intent,
                Action = action,
                Resource = resource,
                DecisionId = decisionId,
                Decision = decision,
                Reasons = reasons,
                PolicyIds = policyIds,
                PolicySetVersion = policySetVersion,
                GrantId = grantId,
                RequestId = requestId,
                Actor = actor,
                ContextDigest = contextDigest,
                RedactedContext = redactedContext,
                Revocation = revocation,
                Step = step,
            },
        };
    }

    private static DateTimeOffset ReadTimestamp(ref MessagePackReader reader)
    {
        var ticks = reader.ReadInt64();
        if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            throw new LineageFormatException($"Timestamp ticks {ticks} are out of range.");
        }

        return new DateTimeOffset(ticks, TimeSpan.Zero);
    }

    private static void ExpectArray(ref MessagePackReader reader, int expected, string what)
    {
        var count = reader.ReadArrayHeader();
        if (count != expected)
        {
            throw new LineageFormatException($"The {what} has {expected} elements, found {count}.");
        }
    }

    private static string[] ReadStrings(ref MessagePackReader reader, string what)
    {
        var count = reader.ReadArrayHeader();
        if (count == 0)
        {
            return [];
        }

        var values = new string[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = reader.ReadString() ?? throw new LineageFormatException($"A null entry in {what}.");
        }

        return values;
    }

    private static LineageHash ReadHash(ref MessagePackReader reader, string what)
    {
        var bytes = reader.ReadBytes() ?? throw new LineageFormatException($"The {what} is missing.");
        if (bytes.Length != LineageHash.Length)
        {
            throw new LineageFormatException($"The {what} is {bytes.Length} bytes, expected {LineageHash.Length}.");
        }

        Span<byte> span = stackalloc byte[LineageHash.Length];
        bytes.CopyTo(span);
        return LineageHash.FromBytes(span);
    }
}
