using System.Diagnostics;
using System.Globalization;
using HdrHistogram;
using Warden;
using Warden.Agents;
using Warden.RevocationBench;
using Warden.Sessions;
using Warden.Tenants;

// Revoke latency (call → receipt) on a 3-silo in-process cluster, per scope, p50/p99/max over repetitions.
// Usage: dotnet run -c Release --project bench/Warden.RevocationBench -- [sessionReps] [agentReps] [tenantReps] [tenantSessions]
var sessionReps = Arg(0, 200);
var agentReps = Arg(1, 20);
var tenantReps = Arg(2, 3);
var tenantSessions = Arg(3, 10_000);
const int AgentSessions = 100;
const int TenantAgents = 100;

Console.WriteLine($"load average at start: {LoadAverage()}");
await using var bench = await BenchCluster.StartAsync(silos: 3);
var rows = new List<string>();

// One session: a tenant with one agent and sessionReps live sessions; revoke each once.
{
    var (tenantId, _, sessions) = await bench.TenantAsync(agents: 1, sessionsPerAgent: sessionReps);
    var histogram = NewHistogram();
    foreach (var sessionId in sessions)
    {
        var session = bench.Client.GetGrain<ISessionGrain>(WardenIds.SessionKey(tenantId, sessionId));
        var started = Stopwatch.GetTimestamp();
        var receipt = BenchCluster.Check(await session.RevokeAsync(BenchCluster.Operator, "bench"));
        histogram.RecordValue(Stopwatch.GetTimestamp() - started);
        Expect(receipt.SessionsRevoked == 1, "session not revoked");
    }

    rows.Add(Row("session", "1 live session", histogram));
}

// An agent with 100 live sessions: a fresh agent per repetition.
{
    var histogram = NewHistogram();
    for (var rep = 0; rep < agentReps; rep++)
    {
        var (tenantId, agents, _) = await bench.TenantAsync(agents: 1, sessionsPerAgent: AgentSessions);
        var agent = bench.Client.GetGrain<IAgentGrain>(WardenIds.AgentKey(tenantId, agents[0]));
        var started = Stopwatch.GetTimestamp();
        var receipt = BenchCluster.Check(await agent.SuspendAsync(new StatusChange("bench", BenchCluster.Operator)));
        histogram.RecordValue(Stopwatch.GetTimestamp() - started);
        Expect(receipt.SessionsRevoked == AgentSessions, $"agent revoked {receipt.SessionsRevoked} sessions");
    }

    rows.Add(Row("agent", $"{AgentSessions} live sessions", histogram));
}

// A tenant with tenantSessions live sessions over TenantAgents agents: a fresh tenant per repetition.
{
    var histogram = NewHistogram();
    for (var rep = 0; rep < tenantReps; rep++)
    {
        var setup = Stopwatch.StartNew();
        var (tenantId, _, sessions) = await bench.TenantAsync(agents: TenantAgents, sessionsPerAgent: tenantSessions / TenantAgents);
        Console.WriteLine($"tenant rep {rep + 1}: {sessions.Length} sessions opened in {setup.Elapsed.TotalSeconds:F1} s");
        var tenant = bench.Client.GetGrain<ITenantGrain>(tenantId);
        var started = Stopwatch.GetTimestamp();
        var receipt = BenchCluster.Check(await tenant.FreezeAsync(new StatusChange("bench", BenchCluster.Operator)));
        var elapsed = Stopwatch.GetTimestamp() - started;
        histogram.RecordValue(elapsed);
        Console.WriteLine($"tenant rep {rep + 1}: revoked {receipt.SessionsRevoked} sessions in {Ms(elapsed):F1} ms");

        // Not the revoke's latency: how long after the receipt the deferred durable ending leaves the registries empty
        // (each session persisted Revoked). Polled every 100 ms, so ±100 ms.
        var durable = Stopwatch.StartNew();
        while (await LiveAsync(bench, tenantId) > 0)
        {
            await Task.Delay(100);
        }

        Console.WriteLine($"tenant rep {rep + 1}: every session durably ended {durable.Elapsed.TotalSeconds:F1} s after the receipt");
        Expect(receipt.SessionsRevoked == sessions.Length, $"tenant revoked {receipt.SessionsRevoked} of {sessions.Length} sessions");
    }

    rows.Add(Row("tenant", $"{tenantSessions:N0} live sessions, {TenantAgents} agents", histogram));
}

Console.WriteLine();
Console.WriteLine("| scope | in scope | repetitions | p50 ms | p99 ms | max ms |");
Console.WriteLine("| --- | --- | --- | --- | --- | --- |");
rows.ForEach(Console.WriteLine);
Console.WriteLine($"load average at end: {LoadAverage()}");
return 0;

static async Task<int> LiveAsync(BenchCluster bench, string tenantId)
{
    var agents = BenchCluster.Check(await bench.Client.GetGrain<ITenantGrain>(tenantId).ListAgentsAsync());
    var counts = await Task.WhenAll(agents.Select(async a => BenchCluster.Check(await bench.Client.GetGrain<IAgentGrain>(WardenIds.AgentKey(tenantId, a.AgentId)).ListSessionsAsync()).Length));
    return counts.Sum();
}

int Arg(int index, int fallback) => args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;

static LongHistogram NewHistogram() => new(TimeSpan.FromMinutes(5).Ticks * Stopwatch.Frequency / TimeSpan.TicksPerSecond, 3);

static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

static string Row(string scope, string inScope, LongHistogram h) => string.Create(
    CultureInfo.InvariantCulture,
    $"| {scope} | {inScope} | {h.TotalCount} | {Ms(h.GetValueAtPercentile(50)):F2} | {Ms(h.GetValueAtPercentile(99)):F2} | {Ms(h.GetMaxValue()):F2} |");

static void Expect(bool condition, string message)
{
    if (!condition)
    {
        throw new InvalidOperationException(message);
    }
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
