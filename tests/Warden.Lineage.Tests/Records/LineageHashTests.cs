using System.Security.Cryptography;
using System.Text;
using Warden.Lineage.Records;

namespace Warden.Lineage.Tests.Records;

public sealed class LineageHashTests
{
    [Fact]
    public void HmacSha256_KeysAlternatingAndRepeated_EqualsTheOneShotHmacEachTime()
    {
        // The keyed HMAC is kept per thread between calls: a changed key, a repeated key and an empty input must each
        // give exactly HMAC-SHA256 of that input under that key (no state carried over from a previous call).
        byte[][] keys = [Encoding.UTF8.GetBytes("tenant-key-a-0123456789abcdef"), Encoding.UTF8.GetBytes("tenant-key-b-0123456789abcdef"), new byte[32]];
        string[] inputs = ["", "{\"input\":{\"a\":1}}", new string('x', 5000), "{\"input\":{\"a\":1}}"];
        foreach (var key in new[] { keys[0], keys[0], keys[1], keys[0], keys[2], keys[2], keys[1] })
        {
            foreach (var input in inputs)
            {
                var data = Encoding.UTF8.GetBytes(input);
                Assert.Equal(LineageHash.FromBytes(HMACSHA256.HashData(key, data)), LineageHash.HmacSha256(key, data));
            }
        }
    }

    [Fact]
    public async Task HmacSha256_ConcurrentThreadsWithDifferentKeys_EachGetsItsOwnKeysHmac()
    {
        var keys = Enumerable.Range(0, 8).Select(i => Encoding.UTF8.GetBytes($"tenant-{i}-key-0123456789abcdef")).ToArray();
        var data = Encoding.UTF8.GetBytes("warden.context.v1\n{\"input\":{\"sql\":\"select 1\"}}");
        var results = await Task.WhenAll(keys.Select(key => Task.Run(() =>
        {
            var expected = LineageHash.FromBytes(HMACSHA256.HashData(key, data));
            var wrong = 0;
            for (var i = 0; i < 2000; i++)
            {
                wrong += LineageHash.HmacSha256(key, data) == expected ? 0 : 1;
            }

            return wrong;
        })));

        Assert.All(results, wrong => Assert.Equal(0, wrong));
    }

    [Fact]
    public void Sha256_InputsOfManySizesRepeated_EqualsTheOneShotSha256EachTime()
    {
        // The SHA-256 context is kept per thread between calls: each call must give exactly SHA-256 of its own input
        // (no state carried over), across block boundaries, an empty input and the same input twice in a row.
        var random = new Random(5);
        foreach (var length in new[] { 0, 1, 55, 56, 63, 64, 65, 470, 470, 0, 4096, 100_000, 3 })
        {
            var data = new byte[length];
            random.NextBytes(data);
            Assert.Equal(LineageHash.FromBytes(SHA256.HashData(data)), LineageHash.Sha256(data));
        }
    }

    [Fact]
    public async Task Sha256_ConcurrentThreads_EachGetsTheDigestOfItsOwnInput()
    {
        var inputs = Enumerable.Range(0, 8).Select(i => Encoding.UTF8.GetBytes(new string((char)('a' + i), 300 + i))).ToArray();
        var results = await Task.WhenAll(inputs.Select(data => Task.Run(() =>
        {
            var expected = LineageHash.FromBytes(SHA256.HashData(data));
            var wrong = 0;
            for (var i = 0; i < 2000; i++)
            {
                wrong += LineageHash.Sha256(data) == expected ? 0 : 1;
            }

            return wrong;
        })));

        Assert.All(results, wrong => Assert.Equal(0, wrong));
    }
}
