using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Warden.Lineage.Logs.Sqlite;

/// <summary>
/// Builds one row of <c>lineage_groups</c> (schema versions 4 and 5): consecutive records of one tenant, their stored
/// bytes length-prefixed in one blob (the plain form; the log may store it compressed, see
/// <see cref="LineageGroupCodec"/>), and what queries find the group by (sequence range, time range, whether it holds a
/// decision other than allow, and its distinct session, agent and resource values as a JSON array of
/// <c>[field, value]</c> pairs).
/// </summary>
/// <remarks>Not thread-safe: one instance per writer (reused between groups).</remarks>
internal sealed class LineageGroupBuilder
{
    /// <summary>The length prefix of each stored record in a group's blob (little-endian int32).</summary>
    internal const int PrefixLength = sizeof(int);

    private readonly ArrayBufferWriter<byte> _records = new(64 * 1024);
    private readonly ArrayBufferWriter<byte> _keys = new(2 * 1024);
    private readonly HashSet<(int Field, string Value)> _distinct = [];
    private readonly List<(int Field, string Value)> _order = [];
    private Utf8JsonWriter? _json;
    private byte[] _utf8 = new byte[256];

    public int Count { get; private set; }

    public long FirstSequence { get; private set; }

    public long LastSequence { get; private set; }

    public long MinTicks { get; private set; }

    public long MaxTicks { get; private set; }

    /// <summary>True when a record of the group has a decision at or above <see cref="Records.LineageDecision.Deny"/>.</summary>
    public bool Flagged { get; private set; }

    /// <summary>The group's records, each as a 4-byte length and the stored bytes.</summary>
    public ReadOnlySpan<byte> Records => _records.WrittenSpan;

    /// <summary>Clears the builder for the next group.</summary>
    public void Reset()
    {
        _records.ResetWrittenCount();
        _distinct.Clear();
        _order.Clear();
        Count = 0;
        Flagged = false;
    }

    /// <summary>Adds the next record (its sequence must follow the previous one's; the caller cuts groups).</summary>
    public void Add(long sequence, long ticks, int decision, string? agent, string? session, string? resource, ReadOnlySpan<byte> stored)
    {
        if (Count == 0)
        {
            FirstSequence = sequence;
            MinTicks = ticks;
            MaxTicks = ticks;
        }
        else
        {
            MinTicks = Math.Min(MinTicks, ticks);
            MaxTicks = Math.Max(MaxTicks, ticks);
        }

        LastSequence = sequence;
        Count++;
        Flagged |= decision >= SqliteLineageLog.FlaggedDecision;
        AddKey(SqliteLineageLog.KeySession, session);
        AddKey(SqliteLineageLog.KeyAgent, agent);
        AddKey(SqliteLineageLog.KeyResource, resource);

        var span = _records.GetSpan(PrefixLength + stored.Length);
        BinaryPrimitives.WriteInt32LittleEndian(span, stored.Length);
        stored.CopyTo(span[PrefixLength..]);
        _records.Advance(PrefixLength + stored.Length);
    }

    /// <summary>The distinct keys as UTF-8 JSON (<c>[[1,"session"],[2,"agent"],…]</c>), in first-seen order.</summary>
    public ReadOnlySpan<byte> KeysJson()
    {
        _keys.ResetWrittenCount();
        var json = _json ??= new Utf8JsonWriter(_keys);
        json.Reset(_keys);
        json.WriteStartArray();
        foreach (var (field, value) in _order)
        {
            json.WriteStartArray();
            json.WriteNumberValue(field);
            json.WriteStringValue(ToUtf8(value));
            json.WriteEndArray();
        }

        json.WriteEndArray();
        json.Flush();
        return _keys.WrittenSpan;
    }

    // The value as UTF-8, a lone surrogate replaced by U+FFFD as SQLite's text binding does (the JSON writer would throw
    // on it, failing the commit for a value the record itself stores).
    private ReadOnlySpan<byte> ToUtf8(string value)
    {
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (_utf8.Length < max)
        {
            _utf8 = new byte[max];
        }

        Utf8.FromUtf16(value, _utf8, out _, out var written, replaceInvalidSequences: true);
        return _utf8.AsSpan(0, written);
    }

    private void AddKey(int field, string? value)
    {
        if (value is not null && _distinct.Add((field, value)))
        {
            _order.Add((field, value));
        }
    }
}
