using System.Buffers;
using System.Collections.Immutable;
using MessagePack;
using Warden.Sessions;

namespace Warden.Grains.Sessions;

/// <summary>
/// The part of a <see cref="SessionState"/> written on every state write (status, identity, times, versions, the
/// history), laid out by hand in MessagePack: one array of <see cref="FieldCount"/> fields in a fixed order.
/// </summary>
/// <remarks>
/// <para>
/// Orleans' generic codec spent most of a session's state write on this part (field headers, type checks and
/// reference tracking for every string, a surrogate and a copy per immutable array). Here each field is a
/// MessagePack primitive written straight into the buffer.
/// </para>
/// <para>
/// INVARIANT: the layout is fixed for <see cref="SessionStateStorageSerializer.FormatVersion"/>; a field added to
/// <see cref="SessionState"/> or <see cref="SessionHistory"/> needs a new format version (and the old one still read).
/// A read that finds another field count, a wrong type, a negative count or bytes left over throws: state not
/// understood is never decided on.
/// </para>
/// <para>
/// Layout: status (int), agent id (string), opened at, expires at (each an array of ticks and offset minutes), ended
/// at (nil or as before), end reason, ended by (nil or string), policy version, revocation scope (nil or int), lineage
/// cursor, then the history: last sequence, decisions, allows, denials, actions (array of strings), labels (array
/// of strings), action counts (array of int64), grant uses (array of grant id, uses pairs).
/// </para>
/// </remarks>
internal static class SessionStateRestCodec
{
    /// <summary>Fields in the array.</summary>
    internal const int FieldCount = 18;

    /// <summary>Writes the per-write part of <paramref name="state"/>.</summary>
    /// <param name="state">The state.</param>
    /// <param name="output">Where to write.</param>
    public static void Write(SessionState state, IBufferWriter<byte> output)
    {
        var writer = new MessagePackWriter(output);
        writer.WriteArrayHeader(FieldCount);
        writer.Write((int)state.Status);
        writer.Write(state.AgentId);
        WriteTime(ref writer, state.OpenedAt);
        WriteTime(ref writer, state.ExpiresAt);
        if (state.EndedAt is { } ended)
        {
            WriteTime(ref writer, ended);
        }
        else
        {
            writer.WriteNil();
        }

        writer.Write(state.EndReason);
        writer.Write(state.EndedBy);
        writer.Write(state.PolicyVersion);
        if (state.RevocationScope is { } scope)
        {
            writer.Write((int)scope);
        }
        else
        {
            writer.WriteNil();
        }

        writer.Write(state.LineageCursor);
        var history = state.History;
        writer.Write(history.LastSequence);
        writer.Write(history.Decisions);
        writer.Write(history.Allows);
        writer.Write(history.Denials);
        WriteStrings(ref writer, history.Actions);
        WriteStrings(ref writer, history.Labels);
        var counts = history.ActionCounts.IsDefault ? [] : history.ActionCounts;
        writer.WriteArrayHeader(counts.Length);
        foreach (var count in counts)
        {
            writer.Write(count);
        }

        var uses = history.GrantUses.IsDefault ? [] : history.GrantUses;
        writer.WriteArrayHeader(uses.Length);
        foreach (var use in uses)
        {
            writer.WriteArrayHeader(2);
            writer.Write(use.GrantId);
            writer.Write(use.Uses);
        }

        writer.Flush();
    }

    /// <summary>Reads what <see cref="Write"/> wrote, into a state without the statics' fields.</summary>
    /// <param name="bytes">Exactly the encoded part.</param>
    /// <exception cref="NotSupportedException">The bytes are not this layout.</exception>
    public static SessionState Read(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            var reader = new MessagePackReader(bytes);
            var fields = reader.ReadArrayHeader();
            if (fields != FieldCount)
            {
                throw new NotSupportedException($"Session state with {fields} fields where {FieldCount} were expected; refusing to read it.");
            }

            var status = (SessionStatus)reader.ReadInt32();
            if (!Enum.IsDefined(status))
            {
                throw new NotSupportedException($"Session state with an unknown status {(int)status}; refusing to read it.");
            }

            var agentId = reader.ReadString() ?? throw new NotSupportedException("Session state without its agent; refusing to read it.");
            var openedAt = ReadTime(ref reader);
            var expiresAt = ReadTime(ref reader);
            DateTimeOffset? endedAt = reader.TryReadNil() ? null : ReadTime(ref reader);
            var endReason = reader.ReadString();
            var endedBy = reader.ReadString();
            var policyVersion = reader.ReadInt64();
            RevocationScope? scope = reader.TryReadNil() ? null : (RevocationScope)reader.ReadInt32();
            if (scope is { } known && !Enum.IsDefined(known))
            {
                throw new NotSupportedException($"Session state with an unknown revocation scope {(int)known}; refusing to read it.");
            }

            var lineageCursor = reader.ReadInt64();
            var history = new SessionHistory
            {
                LastSequence = reader.ReadInt64(),
                Decisions = reader.ReadInt64(),
                Allows = reader.ReadInt64(),
                Denials = reader.ReadInt64(),
                Actions = ReadStrings(ref reader),
                Labels = ReadStrings(ref reader),
                ActionCounts = ReadCounts(ref reader),
                GrantUses = ReadUses(ref reader),
            };
            if (!reader.End)
            {
                throw new NotSupportedException("Session state with bytes after its last field; refusing to read it.");
            }

            if (history.ActionCounts.Length != history.Actions.Length)
            {
                throw new NotSupportedException("Session state whose action counts do not match its actions; refusing to read it.");
            }

            return new SessionState
            {
                Status = status,
                AgentId = agentId,
                OpenedAt = openedAt,
                ExpiresAt = expiresAt,
                EndedAt = endedAt,
                EndReason = endReason,
                EndedBy = endedBy,
                PolicyVersion = policyVersion,
                RevocationScope = scope,
                LineageCursor = lineageCursor,
                History = history,
            };
        }
        catch (Exception e) when (e is MessagePackSerializationException or EndOfStreamException or OverflowException or ArgumentException)
        {
            throw new NotSupportedException($"Session state that does not decode ({e.Message}); refusing to read it.", e);
        }
    }

    private static void WriteTime(ref MessagePackWriter writer, DateTimeOffset time)
    {
        writer.WriteArrayHeader(2);
        writer.Write(time.Ticks);
        writer.Write((short)time.TotalOffsetMinutes);
    }

    private static DateTimeOffset ReadTime(ref MessagePackReader reader)
    {
        if (reader.ReadArrayHeader() != 2)
        {
            throw new NotSupportedException("Session state with a malformed time; refusing to read it.");
        }

        var ticks = reader.ReadInt64();
        var offset = reader.ReadInt16();
        return new DateTimeOffset(ticks, TimeSpan.FromMinutes(offset));
    }

    private static void WriteStrings(ref MessagePackWriter writer, ImmutableArray<string> strings)
    {
        var items = strings.IsDefault ? [] : strings;
        writer.WriteArrayHeader(items.Length);
        foreach (var item in items)
        {
            writer.Write(item);
        }
    }

    private static ImmutableArray<string> ReadStrings(ref MessagePackReader reader)
    {
        var count = reader.ReadArrayHeader();
        if (count == 0)
        {
            return [];
        }

        var items = ImmutableArray.CreateBuilder<string>(count);
        for (var i = 0; i < count; i++)
        {
            items.Add(reader.ReadString() ?? throw new NotSupportedException("Session state with a missing string in its history; refusing to read it."));
        }

        return items.MoveToImmutable();
    }

    private static ImmutableArray<long> ReadCounts(ref MessagePackReader reader)
    {
        var count = reader.ReadArrayHeader();
        if (count == 0)
        {
            return [];
        }

        var items = ImmutableArray.CreateBuilder<long>(count);
        for (var i = 0; i < count; i++)
        {
            items.Add(reader.ReadInt64());
        }

        return items.MoveToImmutable();
    }

    private static ImmutableArray<GrantUse> ReadUses(ref MessagePackReader reader)
    {
        var count = reader.ReadArrayHeader();
        if (count == 0)
        {
            return [];
        }

        var items = ImmutableArray.CreateBuilder<GrantUse>(count);
        for (var i = 0; i < count; i++)
        {
            if (reader.ReadArrayHeader() != 2)
            {
                throw new NotSupportedException("Session state with a malformed grant use; refusing to read it.");
            }

            var grantId = reader.ReadString() ?? throw new NotSupportedException("Session state with a grant use without its grant; refusing to read it.");
            items.Add(new GrantUse(grantId, reader.ReadInt32()));
        }

        return items.MoveToImmutable();
    }
}
