using System.Buffers.Binary;
using K4os.Compression.LZ4;
using Microsoft.Data.Sqlite;

namespace Warden.Lineage.Tests.Support;

/// <summary>
/// Tampers with the records inside a schema-5 <c>lineage.db</c> (one row per commit group, the records length-prefixed
/// in one blob, stored plain or LZ4-compressed) the way an attacker with the file would: replace, remove or insert a
/// record inside a group, rewriting only the group's blob (decompressed, edited and compressed again when it was
/// compressed). Group-level tampering (drop or move a whole group) is plain SQL on <c>lineage_groups</c>.
/// </summary>
internal static class LineageGroupSurgery
{
    /// <summary>The groups of a tenant in key order: first sequence and the stored bytes of each record.</summary>
    public static async Task<List<(long First, List<byte[]> Records)>> ReadGroupsAsync(string file, string tenant) =>
        (await ReadStoredGroupsAsync(file, tenant)).Select(g => (g.First, g.Records)).ToList();

    /// <summary>The groups of a tenant in key order, each with whether its blob is stored compressed.</summary>
    public static async Task<List<(long First, List<byte[]> Records, bool Compressed)>> ReadStoredGroupsAsync(string file, string tenant)
    {
        await using var connection = await OpenAsync(file);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT first_seq, records FROM lineage_groups WHERE tenant = $t ORDER BY first_seq;";
        command.Parameters.AddWithValue("$t", tenant);
        var groups = new List<(long, List<byte[]>, bool)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var blob = (byte[])reader.GetValue(1);
            var compressed = IsCompressed(blob);
            groups.Add((reader.GetInt64(0), Split(compressed ? Decompress(blob) : blob), compressed));
        }

        return groups;
    }

    /// <summary>The stored bytes of the record at storage key <paramref name="seq"/>.</summary>
    public static async Task<byte[]> ReadRecordAsync(string file, string tenant, long seq)
    {
        var (first, records, _) = await GroupOfAsync(file, tenant, seq);
        return records[(int)(seq - first)];
    }

    /// <summary>Replaces the bytes of the record at storage key <paramref name="seq"/> inside its group.</summary>
    public static Task ReplaceAsync(string file, string tenant, long seq, byte[] bytes) =>
        EditAsync(file, tenant, seq, (records, at) => records[at] = bytes);

    /// <summary>Removes the record at storage key <paramref name="seq"/> from its group (the group row stays).</summary>
    public static Task RemoveAsync(string file, string tenant, long seq) =>
        EditAsync(file, tenant, seq, (records, at) => records.RemoveAt(at));

    /// <summary>Inserts a record before the one at storage key <paramref name="seq"/> (or after the group's last when seq is one past it).</summary>
    public static Task InsertAsync(string file, string tenant, long seq, byte[] bytes) =>
        EditAsync(file, tenant, seq, (records, at) => records.Insert(at, bytes));

    /// <summary>Removes every record at or after storage key <paramref name="seq"/>: cuts its group, deletes the groups after it.</summary>
    public static async Task RemoveFromAsync(string file, string tenant, long seq)
    {
        await EditAsync(file, tenant, seq, (records, at) => records.RemoveRange(at, records.Count - at));
        await SqlAsync(file, "DELETE FROM lineage_groups WHERE tenant = $t AND first_seq > $s;", ("$t", tenant), ("$s", seq));
    }

    public static async Task SqlAsync(string file, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await OpenAsync(file);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Records as a group blob: each one's bytes after a 4-byte little-endian length.</summary>
    public static byte[] Join(IEnumerable<byte[]> records)
    {
        var stream = new MemoryStream();
        Span<byte> prefix = stackalloc byte[4];
        foreach (var record in records)
        {
            BinaryPrimitives.WriteInt32LittleEndian(prefix, record.Length);
            stream.Write(prefix);
            stream.Write(record);
        }

        return stream.ToArray();
    }

    private static List<byte[]> Split(byte[] blob)
    {
        var records = new List<byte[]>();
        for (var offset = 0; offset < blob.Length;)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(blob.AsSpan(offset));
            records.Add(blob.AsSpan(offset + 4, length).ToArray());
            offset += 4 + length;
        }

        return records;
    }

    // Schema 5's compressed form, written out here as an attacker would from the format (not through the log's code):
    // little-endian -1, the plain length, then the plain blob as one LZ4 block.
    private static bool IsCompressed(byte[] blob) => blob.Length >= 4 && BinaryPrimitives.ReadInt32LittleEndian(blob) == -1;

    private static byte[] Decompress(byte[] blob)
    {
        var plain = new byte[BinaryPrimitives.ReadInt32LittleEndian(blob.AsSpan(4))];
        if (LZ4Codec.Decode(blob.AsSpan(8), plain) != plain.Length)
        {
            throw new InvalidOperationException("The compressed group does not decompress.");
        }

        return plain;
    }

    /// <summary>A group blob in schema 5's compressed form (an empty group stays plain, as the log would store it).</summary>
    public static byte[] Compress(byte[] plain)
    {
        if (plain.Length == 0)
        {
            return plain;
        }

        var blob = new byte[8 + LZ4Codec.MaximumOutputSize(plain.Length)];
        BinaryPrimitives.WriteInt32LittleEndian(blob, -1);
        BinaryPrimitives.WriteInt32LittleEndian(blob.AsSpan(4), plain.Length);
        var length = LZ4Codec.Encode(plain, blob.AsSpan(8));
        return blob[..(8 + length)];
    }

    private static async Task<(long First, List<byte[]> Records, bool Compressed)> GroupOfAsync(string file, string tenant, long seq)
    {
        var groups = await ReadStoredGroupsAsync(file, tenant);
        return groups.Last(g => g.First <= seq);
    }

    private static async Task EditAsync(string file, string tenant, long seq, Action<List<byte[]>, int> edit)
    {
        var (first, records, compressed) = await GroupOfAsync(file, tenant, seq);
        edit(records, (int)(seq - first));
        var blob = Join(records);
        await SqlAsync(
            file,
            "UPDATE lineage_groups SET records = $r WHERE tenant = $t AND first_seq = $f;",
            ("$r", compressed ? Compress(blob) : blob),
            ("$t", tenant),
            ("$f", first));
    }

    private static async Task<SqliteConnection> OpenAsync(string file)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false, DefaultTimeout = 10 }.ToString());
        await connection.OpenAsync();
        return connection;
    }
}
