using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Warden.Lineage.Chain;
using Warden.Lineage.Logs;
using Warden.Lineage.Logs.Memory;
using Warden.Lineage.Logs.Sqlite;
using Warden.Lineage.Records;

namespace Warden.Bench.Lineage;

/// <summary>
/// Lineage appends per second through <see cref="LineageWriter"/>: durable group commit on the embedded SQLite log
/// (synchronous FULL: fsync per commit), asynchronous mode on the same log (the invocation ends with a flush, so
/// the figure is sustained throughput, not queueing speed), and the in-memory log (the writer's own cost: chaining,
/// hashing, encoding). Each invocation appends <see cref="AppendsPerInvoke"/> decision records from
/// <see cref="Appenders"/> concurrent appenders, each awaiting its own append; the time reported is per append.
/// </summary>
[MemoryDiagnoser(displayGenColumns: false)]
[MedianColumn]
[Config(typeof(InProcessConfig))]
public class LineageAppendBenchmarks
{
    private const int AppendsPerInvoke = 512;
    private static readonly DateTimeOffset Start = new(2026, 11, 29, 0, 0, 0, TimeSpan.Zero);

    private string? _dataDirectory;
    private ILineageLog? _log;
    private LineageWriter? _writer;
    private LineageEvent[] _events = [];

    [Params("SqliteDurable", "SqliteAsync", "InMemory")]
    public string Mode { get; set; } = "SqliteDurable";

    [Params(1, 8, 64)]
    public int Appenders { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _dataDirectory = Path.Combine(Path.GetTempPath(), "warden-bench-lineage", Guid.NewGuid().ToString("N"));
        _log = Mode == "InMemory"
            ? new InMemoryLineageLog()
            : SqliteLineageLog.Open(new SqliteLineageLogOptions { DataDirectory = _dataDirectory });
        _writer = new LineageWriter(_log, new LineageWriterOptions
        {
            Durability = Mode == "SqliteAsync" ? LineageDurability.Asynchronous : LineageDurability.Durable,
        });

        // A realistic decision record (~450 bytes encoded): intent-free, with policies, grant and a redacted context.
        _events = Enumerable.Range(0, AppendsPerInvoke).Select(i => new LineageEvent
        {
            TenantId = "bench-tenant",
            Kind = LineageEventKind.Decision,
            OccurredAt = Start.AddMilliseconds(i),
            AgentId = "agent-" + (i % 16),
            SessionId = "session-" + (i % 64),
            Action = "db.query",
            Resource = "Table::\"invoices-" + (i % 8) + "\"",
            DecisionId = Guid.NewGuid().ToString("N"),
            Decision = i % 10 == 0 ? LineageDecision.Deny : LineageDecision.Allow,
            Reasons = i % 10 == 0 ? ["forbid: no external send after reading a secret"] : [],
            PolicyIds = ["intent-rule", "sequence-rule"],
            PolicySetVersion = 7,
            GrantId = "grant-1",
            ContextDigest = LineageHash.Sha256(BitConverter.GetBytes(i)),
            RedactedContext = """{"input":{"query":"select * from invoices where quarter = 3","token":"hmac-sha256:Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFy"}}""",
        }).ToArray();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _writer!.DisposeAsync();
        await _log!.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory!, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = AppendsPerInvoke)]
    public async Task Append()
    {
        var writer = _writer!;
        var perAppender = AppendsPerInvoke / Appenders;
        await Task.WhenAll(Enumerable.Range(0, Appenders).Select(async a =>
        {
            for (var n = 0; n < perAppender; n++)
            {
                await writer.AppendAsync(_events[(a * perAppender) + n]);
            }
        }));

        if (writer.Durability == LineageDurability.Asynchronous)
        {
            await writer.FlushAsync();
        }
    }
}
