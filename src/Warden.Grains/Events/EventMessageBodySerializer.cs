using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Orleans.Providers;
using Orleans.Serialization;
using Warden.Events;

namespace Warden.Grains.Events;

/// <summary>
/// The memory stream provider's message encoding for Warden's event streams: each <see cref="SessionEvent"/> is encoded
/// once, however many streams carry it. Every other message body is encoded as Orleans' default serializer does.
/// </summary>
/// <remarks>
/// <para>
/// Every session event goes to two streams: the session's own (its publisher's drain) and the tenant's (the silo's
/// <see cref="TenantEventBatcher"/>). With the default encoding each stream message encoded its events anew, so each
/// decision's event was encoded twice (~6 % of the host's CPU per unary decision, half of it the second encoding).
/// Here an event's bytes are kept beside the (immutable) event object and reused by the second message; observers
/// still receive each event from each stream, decoded from the same bytes.
/// </para>
/// <para>
/// Encoding: byte <see cref="Marker"/>, byte <see cref="FormatVersion"/>, the event count (int32, little endian), then
/// per event its length (int32, little endian) and its Orleans encoding as a <see cref="WardenEvent"/>. A body with a
/// request context, or with any item that is not a <see cref="WardenEvent"/> (the lineage record batches published on
/// the same provider), is encoded whole by Orleans (<see cref="DefaultMemoryMessageBodySerializer"/>, which never
/// begins with <see cref="Marker"/>), and such bytes are read as before. Memory-stream messages live only in the
/// silos' queues, so no stored data depends on this layout; in a cluster every silo must use it (it is registered by
/// <c>AddWardenEventStreams</c> (<see cref="Hosting.WardenEventStreamsExtensions"/>)), as with any change of a stream provider's
/// encoding.
/// </para>
/// </remarks>
public sealed class EventMessageBodySerializer : IMemoryMessageBodySerializer
{
    /// <summary>First byte of this encoding: an Orleans field header never starts with it (extended wire type, all bits set).</summary>
    internal const byte Marker = 0xFF;

    /// <summary>Second byte: the encoding's version.</summary>
    internal const byte FormatVersion = 1;

    private const int HeaderLength = 6;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    private readonly DefaultMemoryMessageBodySerializer _plain;
    private readonly Serializer<WardenEvent> _events;

    // Keyed by the event object (reference identity): one entry per session event while the event lives.
    // INVARIANT: events are immutable records ([Immutable]; a change is a new object), so bytes encoded from the very
    // same object are still its encoding.
    private readonly ConditionalWeakTable<SessionEvent, byte[]> _encoded = [];
    private long _encodings;

    /// <summary>Creates the serializer.</summary>
    /// <param name="serializer">Orleans' serializer.</param>
    public EventMessageBodySerializer(Serializer serializer)
    {
        ArgumentNullException.ThrowIfNull(serializer);
        _plain = new DefaultMemoryMessageBodySerializer(serializer.GetSerializer<MemoryMessageBody>());
        _events = serializer.GetSerializer<WardenEvent>();
    }

    /// <summary>How many events were encoded (not reused) since start: for tests.</summary>
    internal long Encodings => Interlocked.Read(ref _encodings);

    /// <inheritdoc/>
    public ArraySegment<byte> Serialize(MemoryMessageBody body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (body.RequestContext is { Count: > 0 } || body.Events is not { Count: > 0 } items || !AllEvents(items))
        {
            return _plain.Serialize(body);
        }

        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var header = buffer.GetSpan(HeaderLength);
        header[0] = Marker;
        header[1] = FormatVersion;
        BinaryPrimitives.WriteInt32LittleEndian(header[2..], items.Count);
        buffer.Advance(HeaderLength);
        foreach (var item in items)
        {
            var bytes = Encoded((WardenEvent)item);
            BinaryPrimitives.WriteInt32LittleEndian(buffer.GetSpan(4), bytes.Length);
            buffer.Advance(4);
            buffer.Write(bytes);
        }

        var result = new ArraySegment<byte>(buffer.WrittenSpan.ToArray());
        if (buffer.Capacity > 256 * 1024)
        {
            // A rare large tenant batch must not pin its buffer on the thread for good.
            t_buffer = null;
        }

        return result;
    }

    /// <inheritdoc/>
    public MemoryMessageBody Deserialize(ArraySegment<byte> bodyBytes)
    {
        if (bodyBytes.Count == 0 || bodyBytes[0] != Marker)
        {
            return _plain.Deserialize(bodyBytes);
        }

        var bytes = bodyBytes.AsMemory();
        if (bytes.Length < HeaderLength || bytes.Span[1] != FormatVersion)
        {
            throw new NotSupportedException($"A stream message in an unknown encoding (version {(bytes.Length > 1 ? bytes.Span[1] : -1)}).");
        }

        var count = BinaryPrimitives.ReadInt32LittleEndian(bytes.Span[2..]);
        if (count < 0 || count > (bytes.Length - HeaderLength) / 4)
        {
            throw new NotSupportedException("A stream message with a malformed header.");
        }

        var events = new List<object>(count);
        var offset = HeaderLength;
        for (var i = 0; i < count; i++)
        {
            var length = offset + 4 <= bytes.Length ? BinaryPrimitives.ReadInt32LittleEndian(bytes.Span[offset..]) : -1;
            if (length < 0 || length > bytes.Length - offset - 4)
            {
                throw new NotSupportedException("A stream message with a malformed event.");
            }

            offset += 4;
            events.Add(_events.Deserialize(bytes.Slice(offset, length)) ?? throw new NotSupportedException("A stream message with an empty event."));
            offset += length;
        }

        return new MemoryMessageBody(events, null);
    }

    private static bool AllEvents(List<object> items)
    {
        foreach (var item in items)
        {
            if (item is not WardenEvent)
            {
                return false;
            }
        }

        return true;
    }

    private byte[] Encoded(WardenEvent e)
    {
        if (e is not SessionEvent session)
        {
            // Tenant-level events go to the tenant stream only: nothing to share.
            Interlocked.Increment(ref _encodings);
            return _events.SerializeToArray(e);
        }

        if (_encoded.TryGetValue(session, out var cached))
        {
            return cached;
        }

        Interlocked.Increment(ref _encodings);
        var bytes = _events.SerializeToArray(e);
        _encoded.AddOrUpdate(session, bytes);
        return bytes;
    }
}
