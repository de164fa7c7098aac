using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Warden.Lineage.Chain;
using Warden.Lineage.Logs.Sqlite;
using Warden.Lineage.Query;
using Warden.Lineage.Records;
using Warden.Lineage.Verification;

namespace Warden.Bench.Lineage;

/// <summary>
/// Reads from a large embedded lineage log: the queries an operator, the CLI and the feeds make (by session, agent,
/// resource, denials, a time range, a cursor) and verification of the whole chain, each timed per call. The log is
/// filled as the evaluate stream fills it: <see cref="Sessions"/> sessions appending concurrently through one durable
/// <see cref="LineageWriter"/> (so a commit holds a run of several sessions' records), 1 decision in 10 denied, 500
/// resources, one record per millisecond of event time.
/// </summary>
[MemoryDiagnoser(displayGenColumns: false)]
[MedianColumn]
[Config(typeof(InProcessShortWarmupConfig))]
public class LineageQueryBenchmarks
{
    private const string Tenant = "bench-tenant";
    private const int Sessions = 64;
    private const int Agents = 16;
    private const int Resources = 500;
    private static readonly DateTimeOffset Start = new(2026, 11, 29, 0, 0, 0, TimeSpan.Zero);

    private string? _dataDirectory;
    private SqliteLineageLog? _log;
    private long _middle;

    /// <summary>Records in the log.</summary>
    [Params(200_000)]
    public int Records { get; set; }

    /// <summary>Whether large groups are stored LZ4-compressed (the default) or every group plain (schema 4's form).</summary>
    [Params(false, true)]
    public bool Compressed { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _dataDirectory = Path.Combine(Path.GetTempPath(), "warden-bench-lineage-query", Guid.NewGuid().ToString("N"));
        _log = SqliteLineageLog.Open(new SqliteLineageLogOptions
        {
            DataDirectory = _dataDirectory,
            CompressGroupsFromBytes = Compressed ? new SqliteLineageLogOptions().CompressGroupsFromBytes : int.MaxValue,
        });
        await using (var writer = new LineageWriter(_log, new LineageWriterOptions { Durability = LineageDurability.Durable }))
        {
            var perSession = Records / Sessions;
            await Task.WhenAll(Enumerable.Range(0, Sessions).Select(async s =>
            {
                for (var n = 0; n < perSession; n++)
                {
                    await writer.AppendAsync(Event(s, (n * Sessions) + s));
                }
            }));
        }

        _middle = Records / 2;
        var verified = await Verify();
        if (!verified)
        {
            throw new InvalidOperationException("the benchmark's chain does not verify");
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _log!.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory!, recursive: true);
    }

    /// <summary>100 records of one session after the middle of the log (the CLI's and replay's shape).</summary>
    [Benchmark]
    public Task<int> Session100() => Count(new LineageQuery { TenantId = Tenant, SessionId = "session-17", AfterSequence = _middle, Limit = 100 });

    /// <summary>1,000 records of one agent after the middle of the log.</summary>
    [Benchmark]
    public Task<int> Agent1000() => Count(new LineageQuery { TenantId = Tenant, AgentId = "agent-3", AfterSequence = _middle, Limit = 1000 });

    /// <summary>Every record of one resource in the whole log (~400 of them).</summary>
    [Benchmark]
    public Task<int> ResourceAll() => Count(new LineageQuery { TenantId = Tenant, Resource = Resource(123), Limit = 10_000 });

    /// <summary>100 denials after the middle of the log.</summary>
    [Benchmark]
    public Task<int> Denials100() => Count(new LineageQuery { TenantId = Tenant, Decision = LineageDecision.Deny, AfterSequence = _middle, Limit = 100 });

    /// <summary>One second of event time in the middle of the log (1,000 records).</summary>
    [Benchmark]
    public Task<int> TimeRange1s() => Count(new LineageQuery
    {
        TenantId = Tenant,
        From = Start.AddMilliseconds(_middle),
        To = Start.AddMilliseconds(_middle + 1000),
        Limit = 10_000,
    });

    /// <summary>1,000 records from a cursor in the middle (a late subscriber's catch-up, an export page).</summary>
    [Benchmark]
    public async Task<int> Cursor1000()
    {
        var count = 0;
        await foreach (var _ in _log!.ReadAsync(Tenant, _middle))
        {
            if (++count == 1000)
            {
                break;
            }
        }

        return count;
    }

    /// <summary>Verification of the whole chain (<c>warden audit verify</c>).</summary>
    [Benchmark]
    public Task<bool> VerifyChain() => Verify();

    private async Task<bool> Verify() => (await LineageVerifier.VerifyAsync(_log!, Tenant)).IsIntact;

    private async Task<int> Count(LineageQuery query)
    {
        var count = 0;
        await foreach (var _ in _log!.QueryAsync(query))
        {
            count++;
        }

        return count;
    }

    private static string Resource(int i) => "Table::\"t-" + i + "\"";

    private static LineageEvent Event(int session, int i) => new()
    {
        TenantId = Tenant,
        Kind = LineageEventKind.Decision,
        OccurredAt = Start.AddMilliseconds(i),
        AgentId = "agent-" + (session % Agents),
        SessionId = "session-" + session,
        Action = "db.query",
        Resource = Resource(i % Resources),
        DecisionId = "d-" + i,
        Decision = i % 10 == 0 ? LineageDecision.Deny : LineageDecision.Allow,
        Reasons = i % 10 == 0 ? ["forbid: no external send after reading a secret"] : [],
        PolicyIds = ["intent-rule", "sequence-rule"],
        PolicySetVersion = 7,
        GrantId = "grant-1",
        ContextDigest = LineageHash.Sha256(BitConverter.GetBytes(i)),
        RedactedContext = """{"input":{"query":"select * from invoices where quarter = 3"}}""",
    };
}
