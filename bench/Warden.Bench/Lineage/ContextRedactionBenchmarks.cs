using System.Text;
using BenchmarkDotNet.Attributes;
using Warden.Lineage.Privacy;
using Warden.Lineage.Records;

namespace Warden.Bench.Lineage;

/// <summary>
/// What the durable-lineage recorder spends per decision on the tool arguments: <see cref="ContextRedactor.Redact(string, SensitivePaths, ReadOnlySpan{byte})"/>
/// of <c>{"input":&lt;arguments&gt;}</c> (canonical JSON, context digest, redacted copy). Only public API, so the same
/// file runs against an older build for a before/after figure. Each case builds its context string per call, as the
/// recorder does (no input reused by reference).
/// </summary>
[MemoryDiagnoser(displayGenColumns: false)]
[MedianColumn]
[Config(typeof(InProcessConfig))]
public class ContextRedactionBenchmarks
{
    // The load generator's tool arguments (bench/Warden.LoadGen/Infrastructure/LoadSetup.cs).
    private const string LoadGenInput = """{"sql":"select id, total from orders where day = $1","rows":100}""";

    private const string MailInput = """
        { "to": "bob@example.com", "password": "hunter2", "headers": { "authorization": "Bearer s3cr3t-t0ken" },
          "items": [ { "id": 1, "token": "tok-A" }, { "id": 2, "token": "tok-B" } ], "note": null, "subject": "Q3 report \u00e9t\u00e9" }
        """;

    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly SensitivePaths None = SensitivePaths.Parse([]);
    private static readonly SensitivePaths Unmatched = SensitivePaths.Parse(["$.input.password", "$.input.headers.authorization"]);
    private static readonly SensitivePaths Matched = SensitivePaths.Parse(["$.input.sql"]);
    private static readonly SensitivePaths MailPaths = SensitivePaths.Parse(["$.input.password", "input.headers.authorization", "$.input.items[*].token"]);

    private string _loadGen = string.Empty;
    private string _mail = string.Empty;
    private byte[] _digestInput = [];

    [GlobalSetup]
    public void Setup()
    {
        // New string objects, not literals, like arguments read off the wire.
        _loadGen = new StringBuilder(LoadGenInput).ToString();
        _mail = new StringBuilder(MailInput).ToString();

        // What the load generator's context digest hashes: the domain prefix and the 76-byte canonical context.
        _digestInput = Encoding.UTF8.GetBytes("warden.context.v1\n{\"input\":{\"rows\":100,\"sql\":\"select id, total from orders where day = $1\"}}");
    }

    /// <summary>The load generator's decision, no sensitive paths (the host A/B's case).</summary>
    [Benchmark(Baseline = true)]
    public int LoadGen_NoPaths() => ContextRedactor.Redact("{\"input\":" + _loadGen + "}", None, Key).Json.Length;

    /// <summary>Paths declared, none present in these arguments.</summary>
    [Benchmark]
    public int LoadGen_PathsUnmatched() => ContextRedactor.Redact("{\"input\":" + _loadGen + "}", Unmatched, Key).Json.Length;

    /// <summary>One value hidden (a second canonical pass and a value HMAC).</summary>
    [Benchmark]
    public int LoadGen_OneValueHidden() => ContextRedactor.Redact("{\"input\":" + _loadGen + "}", Matched, Key).Json.Length;

    /// <summary>A larger, nested context with four values hidden.</summary>
    [Benchmark]
    public int Mail_FourValuesHidden() => ContextRedactor.Redact("{\"input\":" + _mail + "}", MailPaths, Key).Json.Length;

    /// <summary>The keyed hash alone (the context digest of the load generator's decision).</summary>
    [Benchmark]
    public LineageHash Hmac_ContextDigest() => LineageHash.HmacSha256(Key, _digestInput);
}
