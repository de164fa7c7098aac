using System.Buffers.Binary;
using System.Text;
using Warden.Lineage.Logs.Sqlite;

namespace Warden.Lineage.Tests.Logs;

/// <summary>The stored forms of a group's blob: plain (version 4) and LZ4-compressed (version 5).</summary>
public sealed class LineageGroupCodecTests
{
    // A plain blob like a commit's: length-prefixed records that repeat most of their text.
    private static byte[] PlainGroup(int records)
    {
        var stream = new MemoryStream();
        Span<byte> prefix = stackalloc byte[4];
        for (var i = 0; i < records; i++)
        {
            var record = Encoding.UTF8.GetBytes($"tenant-0001|session-{i % 8:D2}-0123456789abcdef|agent-{i % 8}|orders.read|Order::\"orders-{i % 16}\"|{Guid.NewGuid():N}");
            BinaryPrimitives.WriteInt32LittleEndian(prefix, record.Length);
            stream.Write(prefix);
            stream.Write(record);
        }

        return stream.ToArray();
    }

    private static byte[] Compressed(byte[] plain)
    {
        var buffer = new byte[16];
        Assert.True(LineageGroupCodec.TryCompress(plain, ref buffer, out var length));
        return buffer[..length];
    }

    [Fact]
    public void TryCompress_RepetitiveGroup_IsSmallerMarkedAndDecompressesToTheSameBytes()
    {
        var plain = PlainGroup(240);
        var buffer = new byte[16];

        Assert.True(LineageGroupCodec.TryCompress(plain, ref buffer, out var length));

        var blob = buffer[..length];
        Assert.True(length < plain.Length / 2, $"{length} of {plain.Length}");
        Assert.True(LineageGroupCodec.IsCompressed(blob));
        Assert.Equal(-1, BinaryPrimitives.ReadInt32LittleEndian(blob));
        Assert.Equal(plain.Length, BinaryPrimitives.ReadInt32LittleEndian(blob.AsSpan(4)));
        Assert.Equal(plain, LineageGroupCodec.ToPlain(blob, out var problem));
        Assert.Null(problem);
    }

    [Fact]
    public void TryCompress_IncompressibleBytes_ReturnsFalseSoTheGroupIsStoredPlain()
    {
        var random = new byte[8192];
        new Random(7).NextBytes(random);
        var buffer = Array.Empty<byte>();

        Assert.False(LineageGroupCodec.TryCompress(random, ref buffer, out _));
    }

    [Fact]
    public void TryCompress_ReusedBuffer_HoldsOnlyTheLatestGroup()
    {
        var buffer = Array.Empty<byte>();
        var large = PlainGroup(200);
        var small = PlainGroup(20);

        Assert.True(LineageGroupCodec.TryCompress(large, ref buffer, out _));
        Assert.True(LineageGroupCodec.TryCompress(small, ref buffer, out var length));

        Assert.Equal(small, LineageGroupCodec.ToPlain(buffer[..length], out _));
    }

    [Fact]
    public void ToPlain_PlainBlob_IsReturnedAsItIs()
    {
        var plain = PlainGroup(3);

        Assert.False(LineageGroupCodec.IsCompressed(plain));
        Assert.Same(plain, LineageGroupCodec.ToPlain(plain, out var problem));
        Assert.Null(problem);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(int.MaxValue)]
    public void ToPlain_ImpossibleStatedLength_IsRefused(int statedLength)
    {
        var blob = Compressed(PlainGroup(50));
        BinaryPrimitives.WriteInt32LittleEndian(blob.AsSpan(4), statedLength);

        Assert.Null(LineageGroupCodec.ToPlain(blob, out var problem));
        Assert.Contains("impossible length", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(-1)]
    public void ToPlain_StatedLengthOtherThanTheBlocks_IsRefused(int change)
    {
        var blob = Compressed(PlainGroup(50));
        var length = BinaryPrimitives.ReadInt32LittleEndian(blob.AsSpan(4));
        BinaryPrimitives.WriteInt32LittleEndian(blob.AsSpan(4), length + change);

        Assert.Null(LineageGroupCodec.ToPlain(blob, out var problem));
        Assert.Contains("does not decompress", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void ToPlain_BlockCut_IsRefused()
    {
        var blob = Compressed(PlainGroup(50));

        Assert.Null(LineageGroupCodec.ToPlain(blob[..^5], out var problem));
        Assert.Contains("does not decompress", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void ToPlain_MarkerWithoutLength_IsRefused()
    {
        Assert.Null(LineageGroupCodec.ToPlain([0xFF, 0xFF, 0xFF, 0xFF, 0x10], out var problem));
        Assert.Contains("header", problem, StringComparison.Ordinal);
    }
}
