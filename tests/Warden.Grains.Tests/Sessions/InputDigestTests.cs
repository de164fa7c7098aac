using System.Security.Cryptography;
using System.Text;
using Warden.Grains.Sessions;

namespace Warden.Grains.Tests.Sessions;

public sealed class InputDigestTests
{
    public static TheoryData<string> Inputs() => new()
    {
        "{}",
        """{"sql":"select id, total from orders where day = $1","rows":100}""",
        """{"note":"naïve café — 東京 🚀"}""",
        "{\"broken\":\"\uD800\"}",
        "{\"a\":\"" + new string('x', 248) + "\"}",
        "{\"a\":\"" + new string('x', 249) + "\"}",
        "{\"a\":\"" + new string('é', 300) + "\"}",
        "{\"a\":\"" + new string('y', 10_000) + "\"}",
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Of_IsLowercaseHexSha256OfTheUtf8(string json)
    {
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));

        Assert.Equal(expected, InputDigest.Of(json));
    }

    [Fact]
    public void Of_NoArguments_Empty()
    {
        Assert.Equal(string.Empty, InputDigest.Of(null));
        Assert.Equal(string.Empty, InputDigest.Of(string.Empty));
    }

    [Fact]
    public void Of_RepeatedAndInterleaved_EachDigestOnlyItsOwnInput()
    {
        // The per-thread digest keeps no state from one input to the next.
        var a = """{"x":1}""";
        var b = "{\"y\":\"" + new string('z', 1000) + "\"}";
        var expectedA = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(a)));
        var expectedB = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(b)));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(expectedA, InputDigest.Of(a));
            Assert.Equal(expectedB, InputDigest.Of(b));
        }

        var results = new string[64];
        Parallel.For(0, results.Length, i => results[i] = InputDigest.Of(i % 2 == 0 ? a : b));
        for (var i = 0; i < results.Length; i++)
        {
            Assert.Equal(i % 2 == 0 ? expectedA : expectedB, results[i]);
        }
    }
}
