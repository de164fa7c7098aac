using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Warden.Lineage.Chain;
using Warden.Lineage.Logs.Sqlite;
using Warden.Lineage.Privacy;
using Warden.Lineage.Records;
using Warden.Lineage.Tests.Support;

namespace Warden.Lineage.Tests.Privacy;

public sealed class ContextRedactorTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] OtherKey = RandomNumberGenerator.GetBytes(32);

    private const string Context = """
        { "input": { "to": "bob@example.com", "password": "hunter2", "headers": { "authorization": "Bearer s3cr3t-t0ken" },
          "items": [ { "id": 1, "token": "tok-A" }, { "id": 2, "token": "tok-B" } ], "note": null },
          "intent": "send the report" }
        """;

    private static readonly string[] Paths = ["$.input.password", "input.headers.authorization", "$.input.items[*].token", "$.input.note"];

    [Fact]
    public void Redact_SensitivePaths_ReplacesOnlyThoseValuesWithKeyedHashes()
    {
        var result = ContextRedactor.Redact(Context, Paths, Key);

        var json = JsonNode.Parse(result.Json)!;
        Assert.Equal(5, result.RedactedValueCount);
        Assert.Equal("bob@example.com", (string?)json["input"]!["to"]);
        Assert.Equal(1, (int)json["input"]!["items"]![0]!["id"]!);
        Assert.Equal("send the report", (string?)json["intent"]);
        foreach (var redacted in new[]
        {
            json["input"]!["password"], json["input"]!["headers"]!["authorization"], json["input"]!["items"]![0]!["token"],
            json["input"]!["items"]![1]!["token"], json["input"]!["note"],
        })
        {
            Assert.StartsWith(ContextRedactor.HashPrefix, (string?)redacted, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("hunter2", result.Json, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", result.Json, StringComparison.Ordinal);
        Assert.DoesNotContain("tok-A", result.Json, StringComparison.Ordinal);
        Assert.Equal(ContextRedactor.HashValue("\"hunter2\"", Key), (string?)json["input"]!["password"]);
    }

    [Fact]
    public void Redact_DifferentTenantKeys_GiveDifferentDigestsAndHashes()
    {
        var mine = ContextRedactor.Redact(Context, Paths, Key);
        var theirs = ContextRedactor.Redact(Context, Paths, OtherKey);
        var again = ContextRedactor.Redact(Context, Paths, Key);

        Assert.NotEqual(mine.Digest, theirs.Digest);
        Assert.NotEqual(mine.Json, theirs.Json);
        Assert.Equal(mine.Digest, again.Digest);
        Assert.Equal(mine.Json, again.Json);
        Assert.NotEqual(LineageHash.Sha256(Encoding.UTF8.GetBytes("\"hunter2\"")).ToString(), mine.Digest.ToString());
    }

    [Fact]
    public void Redact_DigestCoversTheSensitiveValues()
    {
        var original = ContextRedactor.Redact(Context, Paths, Key);
        var otherSecret = ContextRedactor.Redact(Context.Replace("hunter2", "hunter3", StringComparison.Ordinal), Paths, Key);

        Assert.NotEqual(original.Digest, otherSecret.Digest);
    }

    [Fact]
    public void Redact_MemberOrderAndWhitespace_DoNotChangeTheResult()
    {
        var a = ContextRedactor.Redact("""{"b":1,"a":{"y":"secret","x":2}}""", ["$.a.y"], Key);
        var b = ContextRedactor.Redact("""{ "a" : { "x" : 2, "y" : "secret" }, "b" : 1 }""", ["$.a.y"], Key);

        Assert.Equal(a.Digest, b.Digest);
        Assert.Equal(a.Json, b.Json);
        Assert.StartsWith("{\"a\":{\"x\":2,\"y\":\"hmac-sha256:", a.Json, StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_NestedAndEnclosingPaths_HideTheEnclosingValueOnce()
    {
        var result = ContextRedactor.Redact("""{"creds":{"user":"u","pass":"p"},"k":"v"}""", ["$.creds.pass", "$.creds", "$['creds'].user"], Key);

        var json = JsonNode.Parse(result.Json)!;
        Assert.Equal(1, result.RedactedValueCount);
        Assert.Equal(ContextRedactor.HashValue("""{"pass":"p","user":"u"}""", Key), (string?)json["creds"]);
    }

    [Fact]
    public void Redact_PathMatchingNothing_LeavesTheContextAsIs()
    {
        var result = ContextRedactor.Redact("""{"a":1}""", ["$.missing", "$.a.b", "$.list[3]"], Key);

        Assert.Equal(0, result.RedactedValueCount);
        Assert.Equal("""{"a":1}""", result.Json);
    }

    [Fact]
    public void Redact_WholeContextPath_HidesEverything()
    {
        var result = ContextRedactor.Redact("""{"a":"secret"}""", ["$"], Key);

        Assert.StartsWith("\"hmac-sha256:", result.Json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("""{"a":1,"a":2}""")]
    public void Redact_InvalidJson_ThrowsArgumentException(string json)
    {
        Assert.Throws<ArgumentException>(() => ContextRedactor.Redact(json, Paths, Key));
    }

    [Theory]
    [InlineData("")]
    [InlineData("$.a..b")]
    [InlineData("$.a[")]
    [InlineData("$.a[x]")]
    [InlineData("$.a['b]")]
    [InlineData("$a")]
    public void SensitivePaths_Malformed_ThrowsArgumentExceptionQuotingThePath(string path)
    {
        var error = Assert.Throws<ArgumentException>(() => SensitivePaths.Parse([path]));

        Assert.Contains("path", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Redact_ShortKey_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => ContextRedactor.Redact(Context, Paths, new byte[8]));
    }

    [Fact]
    public async Task Redact_ThroughWriterIntoSqlite_SensitiveValuesNeverReachTheFiles()
    {
        using var dir = new TempDirectory();
        const string secret = "pa55-Ultra-Secret-9731";
        const string visible = "visible-marker-5521";
        var paths = SensitivePaths.Parse(["$.input.password", "$.input.apiKey"]);
        await using (var log = SqliteLineageLog.Open(new SqliteLineageLogOptions { DataDirectory = dir.Path }))
        {
            await using var writer = new LineageWriter(log);
            for (var i = 0; i < 20; i++)
            {
                var context = "{\"input\":{\"password\":\"" + secret + "\",\"apiKey\":\"" + secret + "-" + i + "\",\"query\":\"" + visible + "\"}}";
                var redacted = ContextRedactor.Redact(context, paths, Key);
                var evt = Events.Decision("acme", i) with { ContextDigest = redacted.Digest, RedactedContext = redacted.Json };
                await writer.AppendAsync(evt);
            }
        }

        var stored = Directory.GetFiles(dir.Path).Select(File.ReadAllBytes).ToList();
        Assert.NotEmpty(stored);
        foreach (var encoding in new Encoding[] { Encoding.UTF8, Encoding.Unicode, Encoding.BigEndianUnicode })
        {
            var needle = encoding.GetBytes(secret);
            Assert.All(stored, bytes => Assert.True(bytes.AsSpan().IndexOf(needle) < 0, $"secret found in clear ({encoding.WebName})"));
        }

        // The scan can fail: a non-sensitive argument of the same contexts is found.
        Assert.Contains(stored, bytes => bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(visible)) >= 0);
    }
}
