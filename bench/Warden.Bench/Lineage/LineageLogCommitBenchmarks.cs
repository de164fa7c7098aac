using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Microsoft.Data.Sqlite;
using Warden.Lineage.Chain;
using Warden.Lineage.Logs.Memory;
using Warden.Lineage.Logs.Sqlite;
using Warden.Lineage.Records;

namespace Warden.Bench.Lineage;

/// <summary>
/// The embedded log's commits as the durable evaluate stream makes them (8 agents × 64 in flight: about 240 records of
/// about 470 bytes per commit, one tenant): <see cref="SqliteLineageLog.AppendAsync"/> of whole groups on a real file
/// with <c>synchronous = FULL</c> (an fsync per commit), one commit at a time, the records already chained and encoded
/// (the writer's part is not measured). The file grows across iterations, so SQLite's checkpoints are included.
/// <see cref="Compressed"/> switches the stored form of a group: false stores every group plain (schema 4's form),
/// true the default (LZ4 from 4 KiB). Time and allocations are per record; time includes the fsync's wait, which on a
/// shared disk varies more than the work does, so the <c>Writer CPU/rec</c> column gives the log's writer thread's CPU
/// time per record (median of the measured iterations, from the thread's <c>schedstat</c> in nanoseconds; Linux only).
/// </summary>
[MemoryDiagnoser(displayGenColumns: false)]
[MedianColumn]
[Config(typeof(WriterCpuConfig))]
[InvocationCount(1)]
public class LineageLogCommitBenchmarks
{
    // Writer-thread CPU per record of each measured iteration, by the Compressed parameter. In-process toolchain: the
    // column reads what the benchmark wrote in the same process.
    private static readonly ConcurrentDictionary<bool, List<double>> WriterCpu = new();

    private int _writerThread;
    private long _cpuAtStart;

    private const int RecordsPerCommit = 240;
    private const int CommitsPerInvoke = 40;
    private const string Tenant = "tenant-0000001";
    private const string Context = """{"input":{"order":"orders-7","amount":125,"currency":"EUR","note":"quarterly inv"}}""";

    private static readonly DateTimeOffset Start = new(2026, 12, 7, 0, 0, 0, TimeSpan.Zero);
    private string? _dataDirectory;
    private SqliteLineageLog? _log;
    private InMemoryLineageLog? _source;
    private LineageWriter? _chain;
    private IReadOnlyList<LineageRecord>[] _commits = [];
    private long _next;

    [Params(false, true)]
    public bool Compressed { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _dataDirectory = Path.Combine(Path.GetTempPath(), "warden-bench-lineage-commit", Guid.NewGuid().ToString("N"));
        _log = SqliteLineageLog.Open(new SqliteLineageLogOptions
        {
            DataDirectory = _dataDirectory,
            CompressGroupsFromBytes = Compressed ? new SqliteLineageLogOptions().CompressGroupsFromBytes : int.MaxValue,
        });
        _source = new InMemoryLineageLog();
        _chain = new LineageWriter(_source);
    }

    // The next invocation's commits: the chain goes on from the previous ones (the file is never reset).
    [IterationSetup]
    public void NextCommits()
    {
        _commits = new IReadOnlyList<LineageRecord>[CommitsPerInvoke];
        for (var c = 0; c < CommitsPerInvoke; c++)
        {
            var events = new LineageEvent[RecordsPerCommit];
            for (var i = 0; i < events.Length; i++)
            {
                events[i] = Decision(_next++);
            }

            _commits[c] = _chain!.AppendManyAsync(events).AsTask().GetAwaiter().GetResult();
        }

        _writerThread = _writerThread != 0 ? _writerThread : FindThread("warden-lineage-");
        _cpuAtStart = ThreadCpuNanoseconds(_writerThread);
    }

    [IterationCleanup]
    public void RecordWriterCpu()
    {
        var nanoseconds = ThreadCpuNanoseconds(_writerThread) - _cpuAtStart;
        if (_writerThread != 0)
        {
            WriterCpu.GetOrAdd(Compressed, _ => []).Add(nanoseconds / 1000.0 / (RecordsPerCommit * CommitsPerInvoke));
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _chain!.DisposeAsync();
        await _source!.DisposeAsync();
        await _log!.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory!, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = RecordsPerCommit * CommitsPerInvoke)]
    public async Task Commit()
    {
        foreach (var commit in _commits)
        {
            await _log!.AppendAsync(commit);
        }
    }

    private static int FindThread(string namePrefix)
    {
        if (!Directory.Exists("/proc/self/task"))
        {
            return 0;
        }

        foreach (var task in Directory.GetDirectories("/proc/self/task"))
        {
            if (File.ReadAllText(Path.Combine(task, "comm")).StartsWith(namePrefix, StringComparison.Ordinal))
            {
                return int.Parse(Path.GetFileName(task), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    // The time a thread has run on a CPU, user and kernel, in nanoseconds (the first field of its schedstat).
    private static long ThreadCpuNanoseconds(int thread) =>
        thread == 0 ? 0 : long.Parse(File.ReadAllText($"/proc/self/task/{thread}/schedstat").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);

    private sealed class WriterCpuConfig : InProcessJobConfig
    {
        public WriterCpuConfig()
            : base(3, 15) => AddColumn(new WriterCpuColumn());
    }

    // The median writer-thread CPU per record over the last 15 iterations (the measured ones; warm-ups come first).
    private sealed class WriterCpuColumn : IColumn
    {
        public string Id => nameof(WriterCpuColumn);

        public string ColumnName => "Writer CPU/rec";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "CPU time of the log's writer thread per record, median of the measured iterations (µs)";

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var compressed = benchmarkCase.Parameters["Compressed"] is true;
            if (!WriterCpu.TryGetValue(compressed, out var all) || all.Count == 0)
            {
                return "-";
            }

            var measured = all.Skip(Math.Max(0, all.Count - 15)).Order().ToList();
            return measured[measured.Count / 2].ToString("0.00 µs", System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    // A decision of the load generator's shape: eight sessions interleaved, ~200 bytes that repeat within a session
    // (tenant, session, intent, actor, reason, policy, grant), a fresh decision id and context digest per record.
    private LineageEvent Decision(long n)
    {
        var s = (int)(n % 8);
        return new LineageEvent
        {
            TenantId = Tenant,
            Kind = LineageEventKind.Decision,
            OccurredAt = Start.AddTicks(n * 500),
            AgentId = $"agent-0{s}",
            SessionId = $"sess-{s:00}-0123456789abcdef0123456789",
            Intent = new LineageIntent { Task = "reconcile the quarterly order", OnBehalfOf = "user:alice@example.c" },
            Actor = $"spiffe://warden/agent/agent-0{s}",
            Action = "orders.rd",
            Resource = $"Order::\"orders-{n & 15}\"",
            DecisionId = Guid.NewGuid().ToString("N"),
            Decision = n % 10 == 0 ? LineageDecision.Deny : LineageDecision.Allow,
            Reasons = ["permit: orders readable while reconciling"],
            PolicyIds = ["policy-00001"],
            PolicySetVersion = 1,
            GrantId = "g-1",
            RedactedContext = Context,
            ContextDigest = LineageHash.Sha256(BitConverter.GetBytes(n)),
        };
    }
}
