using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Org.BouncyCastle.Crypto.Digests;
using Warden.Grains.Sessions;

namespace Warden.Bench.Sessions;

/// <summary>
/// The tool-argument digest every decision carries (<c>InputDigest.Of</c>) against the ways it could be hashed:
/// BouncyCastle's managed SHA-256 per thread (<see cref="Managed"/>, what <c>InputDigest</c> uses for arguments of up to
/// 512 characters), the platform's one-shot (<see cref="PlatformOneShot"/>) and the platform's incremental hash kept per
/// thread (<see cref="PlatformReused"/>), on the load generator's 62-character arguments.
/// </summary>
/// <remarks>
/// Warm and in a loop the platform's reused hash is about twice as fast; on a lone caller's decision path, where its
/// code is cold after the rest of the request ran, it measured slower: with it, the single caller's p50 was worse than
/// main's in grain11's quiet rounds and in the tenth sitting's lead A/B (docs/benchmarks.md), so the decision path keeps
/// the managed hash.
/// </remarks>
[MemoryDiagnoser(displayGenColumns: false)]
[MedianColumn]
[Config(typeof(InProcessLongConfig))]
public class InputDigestBenchmarks
{
    private const int Ops = 256;

    [ThreadStatic]
    private static Sha256Digest? t_managed;

    [ThreadStatic]
    private static IncrementalHash? t_platform;

    [Params(62, 250)]
    public int Length { get; set; }

    private string _json = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        const string sample = """{"sql":"select id, total from orders where day = $1","rows":100}""";
        _json = Length <= sample.Length ? sample[..Length] : sample + new string(' ', Length - sample.Length);
        if (Managed() != PlatformOneShot() || Managed() != PlatformReused() || Managed() != Current())
        {
            throw new InvalidOperationException("the digests differ");
        }
    }

    [Benchmark(OperationsPerInvoke = Ops)]
    public string Current()
    {
        var last = string.Empty;
        for (var i = 0; i < Ops; i++)
        {
            last = InputDigest.Of(_json);
        }

        return last;
    }

    [Benchmark(OperationsPerInvoke = Ops, Baseline = true)]
    public string Managed()
    {
        var last = string.Empty;
        Span<byte> hash = stackalloc byte[32];
        Span<byte> utf8 = stackalloc byte[_json.Length * 3];
        for (var i = 0; i < Ops; i++)
        {
            var digest = t_managed ??= new Sha256Digest();
            digest.Reset();
            digest.BlockUpdate(utf8[..Encoding.UTF8.GetBytes(_json, utf8)]);
            digest.DoFinal(hash);
            last = Convert.ToHexStringLower(hash);
        }

        return last;
    }

    [Benchmark(OperationsPerInvoke = Ops)]
    public string PlatformOneShot()
    {
        var last = string.Empty;
        Span<byte> hash = stackalloc byte[32];
        Span<byte> utf8 = stackalloc byte[_json.Length * 3];
        for (var i = 0; i < Ops; i++)
        {
            SHA256.HashData(utf8[..Encoding.UTF8.GetBytes(_json, utf8)], hash);
            last = Convert.ToHexStringLower(hash);
        }

        return last;
    }

    [Benchmark(OperationsPerInvoke = Ops)]
    public string PlatformReused()
    {
        var last = string.Empty;
        Span<byte> hash = stackalloc byte[32];
        Span<byte> utf8 = stackalloc byte[_json.Length * 3];
        for (var i = 0; i < Ops; i++)
        {
            var digest = t_platform ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            digest.AppendData(utf8[..Encoding.UTF8.GetBytes(_json, utf8)]);
            digest.GetHashAndReset(hash);
            last = Convert.ToHexStringLower(hash);
        }

        return last;
    }
}
