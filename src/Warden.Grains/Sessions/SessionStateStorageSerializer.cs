using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Orleans.Serialization;
using Orleans.Storage;
using Warden.Sessions;

namespace Warden.Grains.Sessions;

/// <summary>
/// The grain-state serializer with its own encoding of <see cref="SessionState"/>; every other state goes to the
/// wrapped serializer unchanged.
/// </summary>
/// <remarks>
/// <para>
/// A session writes its state before every answer. With the whole record in one Orleans encoding, each write
/// re-encoded the agent profile, intent, requested scope, grants and approvals, which decisions do not change (about
/// three fifths of the state's serialization, itself ~5 % of the host's CPU per unary decision). Now those parts are
/// encoded apart (<see cref="SessionStateStatics"/>) and the encoding is reused while the state holds the very same
/// (immutable) objects; only the rest (status, history, versions) is encoded per write.
/// </para>
/// <para>
/// The rest (status, identity, times, versions, the history) is laid out by hand in MessagePack
/// (<see cref="SessionStateRestCodec"/>): with Orleans' generic codec it was still most of the write's cost.
/// </para>
/// <para>
/// Encoding: byte <see cref="Marker"/>, byte <see cref="FormatVersion"/>, the statics' length (int32, little endian),
/// the statics (Orleans binary), the rest (<see cref="SessionStateRestCodec"/>). Still read: version
/// <see cref="OrleansRestFormatVersion"/> (the same header and statics, the rest in Orleans binary with the statics'
/// fields empty) and state written before either (plain Orleans binary of the record, which never begins with
/// <see cref="Marker"/>). An unknown format version, or bytes that do not decode, fail the read (the activation
/// fails; nothing is decided on a state not understood).
/// </para>
/// </remarks>
public sealed class SessionStateStorageSerializer : IGrainStorageSerializer
{
    /// <summary>First byte of this encoding: an Orleans field header never starts with it (extended wire type, all bits set).</summary>
    internal const byte Marker = 0xFF;

    /// <summary>Second byte: the encoding's version.</summary>
    internal const byte FormatVersion = 3;

    /// <summary>The previous version (until 2026-12-07): the rest in Orleans binary. Read, never written.</summary>
    internal const byte OrleansRestFormatVersion = 2;

    private const int HeaderLength = 6;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    private readonly IGrainStorageSerializer _inner;
    private readonly Serializer<SessionState> _states;
    private readonly Serializer<SessionStateStatics> _statics;

    // Keyed by the intent object (one per opened session, reference identity), so sessions never share an entry.
    // INVARIANT: the statics' types are immutable throughout (records of strings, enums and ImmutableArrays), so bytes
    // encoded from the very same objects are still their encoding; any change to them is a new object.
    private readonly ConditionalWeakTable<Intent, EncodedStatics> _encoded = [];

    /// <summary>Wraps <paramref name="inner"/>, which serializes every other state type.</summary>
    /// <param name="inner">The silo's grain-state serializer for other types.</param>
    /// <param name="serializer">Orleans' serializer (the session state's parts are Orleans-serializable).</param>
    public SessionStateStorageSerializer(IGrainStorageSerializer inner, Serializer serializer)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(serializer);
        _inner = inner;
        _states = serializer.GetSerializer<SessionState>();
        _statics = serializer.GetSerializer<SessionStateStatics>();
    }

    /// <inheritdoc/>
    public BinaryData Serialize<T>(T? input) =>
        typeof(T) == typeof(SessionState) && input is SessionState state ? Encode(state) : _inner.Serialize(input);

    /// <inheritdoc/>
    public T? Deserialize<T>(BinaryData input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (typeof(T) != typeof(SessionState))
        {
            return _inner.Deserialize<T>(input);
        }

        var bytes = input.ToMemory();
        if (bytes.Length == 0 || bytes.Span[0] != Marker)
        {
            // Written before this encoding: the record in one Orleans encoding.
            return _inner.Deserialize<T>(input);
        }

        return (T)(object)Decode(bytes);
    }

    private BinaryData Encode(SessionState state)
    {
        var statics = EncodeStatics(state);
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var header = buffer.GetSpan(HeaderLength);
        header[0] = Marker;
        header[1] = FormatVersion;
        BinaryPrimitives.WriteInt32LittleEndian(header[2..], statics.Length);
        buffer.Advance(HeaderLength);
        buffer.Write(statics);
        SessionStateRestCodec.Write(state, buffer);
        return new BinaryData(buffer.WrittenSpan.ToArray());
    }

    private byte[] EncodeStatics(SessionState state)
    {
        if (state.Intent is not { } key)
        {
            return _statics.SerializeToArray(SessionStateStatics.Of(state));
        }

        if (_encoded.TryGetValue(key, out var cached) && cached.Statics.AreThoseOf(state))
        {
            return cached.Bytes;
        }

        var statics = SessionStateStatics.Of(state);
        var bytes = _statics.SerializeToArray(statics);
        _encoded.AddOrUpdate(key, new EncodedStatics(statics, bytes));
        return bytes;
    }

    private SessionState Decode(ReadOnlyMemory<byte> bytes)
    {
        var version = bytes.Length > 1 ? bytes.Span[1] : -1;
        if (bytes.Length < HeaderLength || version is not (FormatVersion or OrleansRestFormatVersion))
        {
            throw new NotSupportedException($"Session state in an unknown encoding (version {version}); refusing to read it.");
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.Span[2..]);
        if (length < 0 || length > bytes.Length - HeaderLength)
        {
            throw new NotSupportedException("Session state with a malformed header; refusing to read it.");
        }

        var statics = _statics.Deserialize(bytes.Slice(HeaderLength, length))
            ?? throw new NotSupportedException("Session state without its statics; refusing to read it.");
        var restBytes = bytes[(HeaderLength + length)..];
        var rest = version == FormatVersion
            ? SessionStateRestCodec.Read(restBytes)
            : _states.Deserialize(restBytes) ?? throw new NotSupportedException("Session state without its record; refusing to read it.");
        return statics.Into(rest);
    }

    /// <summary>The statics of one session and their encoding; immutable, replaced whole when they change.</summary>
    private sealed record EncodedStatics(SessionStateStatics Statics, byte[] Bytes);
}
