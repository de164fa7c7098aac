using System.Buffers.Binary;
using K4os.Compression.LZ4;
using Warden.Lineage.Records;

namespace Warden.Lineage.Logs.Sqlite;

/// <summary>
/// The stored form of a group's <c>records</c> blob (schema version 5): either the plain form of version 4 (each
/// record's stored bytes after a 4-byte little-endian length, every length ≥ 0), or the compressed form:
/// <see cref="CompressedMarker"/> (−1, a length no plain blob starts with), the plain form's length, and the plain form
/// as one LZ4 block.
/// </summary>
/// <remarks>
/// Compression changes only how the bytes sit in the file: the plain form, and so every record's bytes and the hashes
/// over them, is exactly what the chain covers; a compressed blob that does not decompress to a well-formed plain form
/// of exactly the stated length makes its group undecodable, which verification reports at the group's first record.
/// A commit's records repeat most of their strings (tenant, session, agent, intent, actor, policy ids), so a group of a
/// stream's commit shrinks to about a third: fewer WAL pages written, fsynced and later checkpointed per record.
/// </remarks>
internal static class LineageGroupCodec
{
    /// <summary>The first 4 bytes of a compressed blob (little-endian −1).</summary>
    internal const int CompressedMarker = -1;

    /// <summary>The header of a compressed blob: the marker and the plain form's length.</summary>
    internal const int HeaderLength = 2 * sizeof(int);

    // The largest plain form a group can have: a bound on what a (possibly tampered) header may ask to allocate.
    private const int MaxPlainLength = SqliteLineageLog.MaxGroupRecords * (LineageGroupBuilder.PrefixLength + LineageLimits.MaxRecordBytes + 1024);

    /// <summary>
    /// Compresses a plain blob into <paramref name="buffer"/> (grown when needed); false when the compressed form would
    /// not be smaller, in which case the plain blob is stored as it is.
    /// </summary>
    public static bool TryCompress(ReadOnlySpan<byte> plain, ref byte[] buffer, out int length)
    {
        var bound = HeaderLength + LZ4Codec.MaximumOutputSize(plain.Length);
        if (buffer.Length < bound)
        {
            buffer = new byte[Math.Max(bound, buffer.Length * 2)];
        }

        var encoded = LZ4Codec.Encode(plain, buffer.AsSpan(HeaderLength), LZ4Level.L00_FAST);
        length = HeaderLength + encoded;
        if (encoded <= 0 || length >= plain.Length)
        {
            return false;
        }

        BinaryPrimitives.WriteInt32LittleEndian(buffer, CompressedMarker);
        BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(sizeof(int)), plain.Length);
        return true;
    }

    /// <summary>Whether a stored blob is in the compressed form.</summary>
    public static bool IsCompressed(ReadOnlySpan<byte> blob) =>
        blob.Length >= sizeof(int) && BinaryPrimitives.ReadInt32LittleEndian(blob) == CompressedMarker;

    /// <summary>
    /// The plain form of a stored blob: the blob itself when it is plain, else its decompressed bytes. Null with a
    /// reason when a compressed blob is damaged (a short header, an impossible length, or a block that does not
    /// decompress to exactly that length).
    /// </summary>
    public static byte[]? ToPlain(byte[] blob, out string? problem)
    {
        problem = null;
        if (!IsCompressed(blob))
        {
            return blob;
        }

        if (blob.Length < HeaderLength)
        {
            problem = "its compressed group ends inside the header.";
            return null;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(blob.AsSpan(sizeof(int)));
        if (length <= 0 || length > MaxPlainLength)
        {
            problem = $"its compressed group states an impossible length {length}.";
            return null;
        }

        var plain = new byte[length];
        var decoded = LZ4Codec.Decode(blob.AsSpan(HeaderLength), plain);
        if (decoded != length)
        {
            problem = "its compressed group does not decompress.";
            return null;
        }

        return plain;
    }
}
