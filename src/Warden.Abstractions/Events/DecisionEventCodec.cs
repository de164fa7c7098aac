using System.Buffers;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using Orleans.Serialization.Buffers;
using Orleans.Serialization.Codecs;
using Orleans.Serialization.Serializers;
using Orleans.Serialization.WireProtocol;
using Warden.Sessions;

namespace Warden.Events;

/// <summary>
/// The Orleans codec of <see cref="DecisionEvent"/>: writes the same fields, field ids and wire types as the generated
/// codec, so a reader with any Warden.Abstractions (this one, an older one, the generated codec) decodes it; reads with
/// the generated codec. Every decision is one of these on its tenant stream, so its encoding is on the decision path's
/// CPU bill.
/// </summary>
/// <remarks>
/// <para>
/// What it saves against the generated codec: the <see cref="ImmutableArray{T}"/> fields are written in their surrogate
/// layout straight from the array (the generated path copies each into a new array first), and the values that are new
/// with every decision (its ids, digest, action and resource, the decision itself) are written without a look-up in
/// the session's reference table. The generated codec looks every string and object up in that table to write a repeat
/// as a back-reference; a stream message of a few hundred decisions put thousands of entries in it, nearly all of them
/// never repeated, and the table was most of the encoding's allocations. What a session repeats (its tenant, agent,
/// actor, grant, allow reason, labels and policy ids are one instance decision after decision) is still written once
/// per message and referenced after, so the message is as small as the generated codec's.
/// </para>
/// <para>
/// INVARIANT: reference ids stay in step with any reader. A reader numbers every value and reference field it reads
/// (the generated codecs record each object they read under the next id); this writer bumps the session's counter once
/// for each such field it writes (<see cref="ReferenceCodec.MarkValueField"/>, exactly what a write of a first-seen
/// object does), so a back-reference written later in the same message by another codec still names the right object.
/// A value written without a look-up is not in the writer's table, so nothing refers back to it.
/// </para>
/// </remarks>
[RegisterSerializer]
public sealed class DecisionEventCodec : IFieldCodec<DecisionEvent>
{
    private static readonly Type EventType = typeof(DecisionEvent);
    private static readonly Type DecisionType = typeof(Decision);
    private static readonly Type ReasonType = typeof(DecisionReason);
    private static readonly Type StringArrayType = typeof(ImmutableArray<string>);
    private static readonly Type ReasonArrayType = typeof(ImmutableArray<DecisionReason>);
    private static readonly Type EffectType = typeof(DecisionEffect);

    private readonly IFieldCodec<DecisionEvent> _generated;
    private readonly IFieldCodec<DecisionEffect> _effect;

    /// <summary>Creates the codec.</summary>
    /// <param name="codecProvider">The serializer's codec provider.</param>
    public DecisionEventCodec(ICodecProvider codecProvider)
    {
        ArgumentNullException.ThrowIfNull(codecProvider);
        _generated = new OrleansCodeGen.Warden.Events.Codec_DecisionEvent(codecProvider, codecProvider.GetActivator<DecisionEvent>());
        _effect = codecProvider.GetCodec<DecisionEffect>();
    }

    /// <inheritdoc />
    public DecisionEvent ReadValue<TInput>(ref Reader<TInput> reader, Field field) => _generated.ReadValue(ref reader, field)!;

    /// <inheritdoc />
    public void WriteField<TBufferWriter>(ref Writer<TBufferWriter> writer, uint fieldIdDelta, Type? expectedType, DecisionEvent? value)
        where TBufferWriter : IBufferWriter<byte>
    {
        if (value is null)
        {
            ReferenceCodec.WriteNullReference(ref writer, fieldIdDelta);
            return;
        }

        ReferenceCodec.MarkValueField(writer.Session);
        writer.WriteStartObject(fieldIdDelta, expectedType, EventType);

        // WardenEvent's section, then SessionEvent's, then DecisionEvent's, each closed as the generated codecs close them.
        writer.WriteEndBase();
        WriteShared(ref writer, 0, value.TenantId);
        DateTimeOffsetCodec.WriteField(ref writer, 1, value.At);
        WriteShared(ref writer, 1, value.Actor);
        writer.WriteEndBase();
        writer.WriteEndBase();
        WriteShared(ref writer, 0, value.SessionId);
        WriteShared(ref writer, 1, value.AgentId);
        Int64Codec.WriteField(ref writer, 1, value.Sequence);
        writer.WriteEndBase();
        writer.WriteEndBase();
        WriteOwn(ref writer, 0, value.Action);
        WriteOwn(ref writer, 1, value.ResourceType);
        WriteOwn(ref writer, 1, value.ResourceId);
        WriteStrings(ref writer, 1, value.Labels);
        WriteOwn(ref writer, 1, value.InputDigest);
        WriteDecision(ref writer, 1, value.Decision);
        writer.WriteEndObject();
    }

    private void WriteDecision<TBufferWriter>(ref Writer<TBufferWriter> writer, uint fieldIdDelta, Decision? value)
        where TBufferWriter : IBufferWriter<byte>
    {
        if (value is null)
        {
            ReferenceCodec.WriteNullReference(ref writer, fieldIdDelta);
            return;
        }

        ReferenceCodec.MarkValueField(writer.Session);
        writer.WriteStartObject(fieldIdDelta, DecisionType, DecisionType);
        writer.WriteEndBase();
        WriteOwn(ref writer, 0, value.DecisionId);
        _effect.WriteField(ref writer, 1, EffectType, value.Effect);
        WriteReasons(ref writer, 1, value.Reasons);
        WriteStrings(ref writer, 1, value.DeterminingPolicies);
        WriteShared(ref writer, 1, value.GrantId);
        WriteShared(ref writer, 1, value.ApprovalId);
        Int64Codec.WriteField(ref writer, 1, value.PolicyVersion);
        DateTimeOffsetCodec.WriteField(ref writer, 1, value.DecidedAt);
        Int64Codec.WriteField(ref writer, 1, value.Sequence);
        WriteStrings(ref writer, 1, value.Diagnostics);
        WriteOwn(ref writer, 1, value.RequestId);
        writer.WriteEndObject();
    }

    /// <summary>An <see cref="ImmutableArray{T}"/> of strings in the layout of Orleans' surrogate codec (an object whose field 0 is the array).</summary>
    private static void WriteStrings<TBufferWriter>(ref Writer<TBufferWriter> writer, uint fieldIdDelta, ImmutableArray<string> values)
        where TBufferWriter : IBufferWriter<byte>
    {
        ReferenceCodec.MarkValueField(writer.Session);
        writer.WriteStartObject(fieldIdDelta, StringArrayType, StringArrayType);
        if (values.IsDefault)
        {
            ReferenceCodec.WriteNullReference(ref writer, 0);
        }
        else
        {
            WriteArrayHeader(ref writer, typeof(string[]), values.Length);
            uint delta = 1;
            foreach (var s in values)
            {
                WriteShared(ref writer, delta, s);
                delta = 0;
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static void WriteReasons<TBufferWriter>(ref Writer<TBufferWriter> writer, uint fieldIdDelta, ImmutableArray<DecisionReason> values)
        where TBufferWriter : IBufferWriter<byte>
    {
        ReferenceCodec.MarkValueField(writer.Session);
        writer.WriteStartObject(fieldIdDelta, ReasonArrayType, ReasonArrayType);
        if (values.IsDefault)
        {
            ReferenceCodec.WriteNullReference(ref writer, 0);
        }
        else
        {
            WriteArrayHeader(ref writer, typeof(DecisionReason[]), values.Length);
            uint delta = 1;
            foreach (var reason in values)
            {
                // The session grain reuses its allow reason while the grant and policies stay the same.
                if (!TryWriteReference(ref writer, delta, reason))
                {
                    writer.WriteStartObject(delta, ReasonType, ReasonType);
                    writer.WriteEndBase();
                    WriteShared(ref writer, 0, reason.Code);
                    WriteShared(ref writer, 1, reason.Message);
                    writer.WriteEndObject();
                }

                delta = 0;
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    /// <summary>
    /// The surrogate's field 0 (a rank-1 array, tag-delimited) up to its elements: its length (unsigned, only when not
    /// empty) as the array's field 0. The generated path's array is a fresh copy, never a repeat: no look-up.
    /// </summary>
    private static void WriteArrayHeader<TBufferWriter>(ref Writer<TBufferWriter> writer, Type arrayType, int length)
        where TBufferWriter : IBufferWriter<byte>
    {
        ReferenceCodec.MarkValueField(writer.Session);
        writer.WriteFieldHeader(0, arrayType, arrayType, WireType.TagDelimited);
        if (length > 0)
        {
            UInt32Codec.WriteField(ref writer, 0, (uint)length);
        }
    }

    /// <summary>
    /// A string that is often one instance across a session's decisions (its tenant, agent, actor, grant, labels,
    /// policy ids, reason): a back-reference when this message has it already, as the generated codec writes every string.
    /// </summary>
    private static void WriteShared<TBufferWriter>(ref Writer<TBufferWriter> writer, uint fieldIdDelta, string? value)
        where TBufferWriter : IBufferWriter<byte>
    {
        if (!TryWriteReference(ref writer, fieldIdDelta, value))
        {
            WriteValue(ref writer, fieldIdDelta, value);
        }
    }

    /// <summary>
    /// A string new with every decision (its ids, digest, action and resource, parsed from the request): written in
    /// full without a look-up, since no earlier value of the message is the same instance. Null as the null reference.
    /// </summary>
    private static void WriteOwn<TBufferWriter>(ref Writer<TBufferWriter> writer, uint fieldIdDelta, string? value)
        where TBufferWriter : IBufferWriter<byte>
    {
        if (value is null)
        {
            ReferenceCodec.WriteNullReference(ref writer, fieldIdDelta);
            return;
        }

        ReferenceCodec.MarkValueField(writer.Session);
        WriteValue(ref writer, fieldIdDelta, value);
    }

    /// <summary>
    /// Null or a back-reference to an object already in this message, as Orleans writes them (true); otherwise
    /// <paramref name="value"/> is entered in the session's table under the next id, to be written in full (false).
    /// </summary>
    private static bool TryWriteReference<TBufferWriter>(ref Writer<TBufferWriter> writer, uint fieldIdDelta, [NotNullWhen(false)] object? value)
        where TBufferWriter : IBufferWriter<byte>
    {
        if (!writer.Session.ReferencedObjects.GetOrAddReference(value, out var reference))
        {
            return false;
        }

        writer.WriteFieldHeaderExpected(fieldIdDelta, WireType.Reference);
        writer.WriteVarUInt32(reference);
        return true;
    }

    private static void WriteValue<TBufferWriter>(ref Writer<TBufferWriter> writer, uint fieldIdDelta, string value)
        where TBufferWriter : IBufferWriter<byte>
    {
        writer.WriteFieldHeaderExpected(fieldIdDelta, WireType.LengthPrefixed);
        var length = Encoding.UTF8.GetByteCount(value);
        writer.WriteVarUInt32((uint)length);
        StringCodec.WriteRaw(ref writer, value, length);
    }
}
