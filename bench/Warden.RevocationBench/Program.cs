using System.Diagnostics;
using System.Globalization;
using Warden;
using Warden.Agents;
using Warden.RevocationBench;
using Warden.Sessions;
using Warden.Tenants;

// Revoke latency (call → receipt) on a 3-silo in-process cluster, per scope, p50/p99/max over repetitions.
// Usage: dotnet run -c Release --project bench/Warden.RevocationBench -- [sessionReps] [agentReps] [tenantReps] [tenantSessions] [--samples] [--breakdown] [--settle] [--trace] [--alloc] [--gap=MS] [--warmup=N]
// --samples also prints every latency in the order measured (to tell a cold start from a steady-state tail);
// --breakdown also times the steps of an agent/tenant revoke in isolation (membership refresh, table fan-out);
// --settle waits after each agent repetition until its deferred durable ending emptied the registry (and prints how
// long that took), so the next repetition does not run alongside the previous one's 100 session writes;
// --trace times the stages of every session revoke (grain call filters) and reads GC, JIT and lock contention
// around each; it prints the slowest samples and what the ones over 5 ms coincided with;
// --alloc counts the runtime's allocation ticks by type during the session revokes (a sampled view of what allocates);
// --gap=MS waits MS milliseconds before each session revoke (so none runs beside the previous one's aftermath:
// its stream events, the agent's registry note, the reminder's removal; default 0, back to back as before);
// --warmup=N first runs N session and N agent revokes and one freeze of a small tenant (100 agents, 100 sessions) that
// are printed but not recorded (the first calls of a fresh process JIT-compile the revoke paths; default 0, as before).
// The process runs without tiered compilation (see the project file): revokes are measured in optimised code.
var warmup = args.Where(a => a.StartsWith("--warmup=", StringComparison.Ordinal)).Select(a => int.Parse(a["--warmup=".Length..], CultureInfo.InvariantCulture)).LastOrDefault();
var gap = args.Where(a => a.StartsWith("--gap=", StringComparison.Ordinal)).Select(a => int.Parse(a["--gap=".Length..], CultureInfo.InvariantCulture)).LastOrDefault();
var samples = args.Contains("--samples", StringComparer.Ordinal);
var breakdown = args.Contains("--breakdown", StringComparer.Ordinal);
var settle = args.Contains("--settle", StringComparer.Ordinal);
var trace = args.Contains("--trace", StringComparer.Ordinal);
using var allocations = args.Contains("--alloc", StringComparer.Ordinal) ? new AllocationTicks() : null;
args = [.. args.Where(a => !a.StartsWith("--", StringComparison.Ordinal))];
var sessionReps = Arg(0, 200);
var agentReps = Arg(1, 50);
var tenantReps = Arg(2, 3);
var tenantSessions = Arg(3, 10_000);
const int AgentSessions = 100;
const int TenantAgents = 100;

Console.WriteLine($"load average at start: {LoadAverage()}");
await using var bench = await BenchCluster.StartAsync(silos: 3, trace);
var rows = new List<string>();

// One session: a tenant with one agent and sessionReps live sessions; revoke each once.
{
    var (tenantId, _, sessions) = await bench.TenantAsync(agents: 1, sessionsPerAgent: sessionReps + warmup);
    var histogram = Latency.NewHistogram();
    var order = new List<long>();
    var cold = new List<long>();
    var traced = new List<SampleProbe.Sample>();
    var phase = new SampleProbe.Phase();
    allocations?.Start();
    foreach (var sessionId in sessions)
    {
        var session = bench.Client.GetGrain<ISessionGrain>(WardenIds.SessionKey(tenantId, sessionId));
        if (gap > 0)
        {
            await Task.Delay(gap);
        }

        var probe = trace && cold.Count >= warmup ? new SampleProbe.Sample(order.Count) : null;
        var started = Stopwatch.GetTimestamp();
        var receipt = BenchCluster.Check(await session.RevokeAsync(BenchCluster.Operator, "bench"));
        var elapsed = Stopwatch.GetTimestamp() - started;
        probe?.Stop();
        if (probe is not null)
        {
            traced.Add(probe);
        }

        Expect(receipt.SessionsRevoked == 1, "session not revoked");
        if (cold.Count < warmup)
        {
            cold.Add(elapsed);
            continue;
        }

        order.Add(elapsed);
        histogram.RecordValue(elapsed);
    }

    allocations?.Stop();
    allocations?.Print("session", sessions.Length);
    PrintWarmup("session", cold);
    rows.Add(Latency.Row("session", "1 live session", histogram));
    PrintSamples("session", order);
    if (trace)
    {
        SampleProbe.Print("session", traced, thresholdMs: 5);
        Console.WriteLine($"session trace: {phase.Describe(sessions.Length)}");
    }
}

// An agent with 100 live sessions: a fresh agent per repetition.
{
    var histogram = Latency.NewHistogram();
    var order = new List<long>();
    var settled = new List<double>();
    var cold = new List<long>();
    for (var rep = 0; rep < agentReps + warmup; rep++)
    {
        var (tenantId, agents, _) = await bench.TenantAsync(agents: 1, sessionsPerAgent: AgentSessions);
        var agent = bench.Client.GetGrain<IAgentGrain>(WardenIds.AgentKey(tenantId, agents[0]));
        var started = Stopwatch.GetTimestamp();
        var receipt = BenchCluster.Check(await agent.SuspendAsync(new StatusChange("bench", BenchCluster.Operator)));
        var elapsed = Stopwatch.GetTimestamp() - started;
        Expect(receipt.SessionsRevoked == AgentSessions, $"agent revoked {receipt.SessionsRevoked} sessions");
        if (rep < warmup)
        {
            cold.Add(elapsed);
        }
        else
        {
            order.Add(elapsed);
            histogram.RecordValue(elapsed);
        }

        if (settle)
        {
            var durable = Stopwatch.StartNew();
            while (BenchCluster.Check(await agent.ListSessionsAsync()).Length > 0)
            {
                await Task.Delay(50);
            }

            settled.Add(durable.Elapsed.TotalMilliseconds);
        }
    }

    if (settled.Count > 0)
    {
        settled.Sort();
        Console.WriteLine($"agent: deferred durable ending done {settled[settled.Count / 2]:F0} ms after the receipt (median of {settled.Count}, polled every 50 ms)");
    }

    PrintWarmup("agent", cold);
    rows.Add(Latency.Row("agent", $"{AgentSessions} live sessions", histogram));
    PrintSamples("agent", order);
}

// A tenant with tenantSessions live sessions over TenantAgents agents: a fresh tenant per repetition.
{
    var histogram = Latency.NewHistogram();
    if (warmup > 0 && tenantReps > 0)
    {
        // One freeze of a small tenant (one session per agent) first: the first freeze in a process compiles its path.
        var (smallId, _, _) = await bench.TenantAsync(agents: TenantAgents, sessionsPerAgent: 1);
        var warm = Stopwatch.GetTimestamp();
        BenchCluster.Check(await bench.Client.GetGrain<ITenantGrain>(smallId).FreezeAsync(new StatusChange("bench", BenchCluster.Operator)));
        PrintWarmup("tenant", [Stopwatch.GetTimestamp() - warm]);
    }

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
        Console.WriteLine($"tenant rep {rep + 1}: revoked {receipt.SessionsRevoked} sessions in {Latency.Ms(elapsed):F1} ms");

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

    rows.Add(Latency.Row("tenant", $"{tenantSessions:N0} live sessions, {TenantAgents} agents", histogram));
}

if (breakdown)
{
    rows.AddRange(await StepBreakdown.RunAsync(bench, Math.Max(agentReps, 50)));
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

static void PrintWarmup(string scope, List<long> cold)
{
    if (cold.Count > 0)
    {
        Console.WriteLine($"{scope} warm-up, not recorded (ms, in order): {string.Join(' ', cold.Select(t => Latency.Ms(t).ToString("F2", CultureInfo.InvariantCulture)))}");
    }
}

void PrintSamples(string scope, List<long> order)
{
    if (samples)
    {
        Console.WriteLine($"{scope} samples (ms, in order): {string.Join(' ', order.Select(t => Latency.Ms(t).ToString("F2", CultureInfo.InvariantCulture)))}");
    }
}

int Arg(int index, int fallback) => args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;

static void Expect(bool condition, string message)
{
    if (!condition)
    {
        throw new InvalidOperationException(message);
    }
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
