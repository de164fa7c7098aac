using System.Diagnostics;
using Grpc.Core;
using Warden.Client;
using Warden.Client.Agents;
using Warden.LoadGen.Infrastructure;
using Warden.Protocol.V1;

namespace Warden.LoadGen.Workloads;

/// <summary>Unary and streaming Evaluate with N agents, each in its own session, for a fixed time after a warm-up.</summary>
internal static class EvaluateWorkloads
{
    public static async Task<RunResult> RunAsync(string mode, Uri target, LoadSetup setup, int agents, LoadOptions options, Func<TimeSpan?> hostCpu)
    {
        var clients = new List<WardenClient>();
        var sessions = new List<WardenSession>();
        try
        {
            for (var i = 0; i < agents; i++)
            {
                var client = WardenClient.Create(target.ToString(), setup.Credentials[i]);
                clients.Add(client);
                sessions.Add(await LoadSetup.OpenSessionAsync(client, TimeSpan.FromMinutes(30)));
            }

            // Warm-up, not recorded.
            await DriveAsync(mode, clients, sessions, options, options.Warmup, hostCpu);
            return await DriveAsync(mode, clients, sessions, options, options.Duration, hostCpu);
        }
        finally
        {
            foreach (var session in sessions)
            {
                await session.DisposeAsync();
            }

            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    private static async Task<RunResult> DriveAsync(string mode, List<WardenClient> clients, List<WardenSession> sessions, LoadOptions options, TimeSpan duration, Func<TimeSpan?> hostCpu)
    {
        var workers = new List<Task<Tally>>();

        // The tallies (a histogram of ~200 KB each, one per caller: 512 in stream mode) are made before the measured
        // interval, so the client's CPU and bytes per decision are the calls', not the load generator's bookkeeping.
        var fresh = new Queue<Tally>(Enumerable.Range(0, clients.Count * (mode == "stream" ? options.StreamDepth : 1)).Select(_ => new Tally()));
        var streams = new List<Warden.Client.Streaming.WardenEvaluateStream>();
        using var stop = new CancellationTokenSource(duration);
        using var self = Process.GetCurrentProcess();
        var hostCpuBefore = hostCpu();
        var clientCpuBefore = self.TotalProcessorTime;
        var allocatedBefore = GC.GetTotalAllocatedBytes(true);
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < clients.Count; i++)
        {
            if (mode == "stream")
            {
                var stream = clients[i].OpenEvaluateStream(options.StreamDepth * 2);
                streams.Add(stream);
                for (var d = 0; d < options.StreamDepth; d++)
                {
                    var sessionId = sessions[i].Id;
                    var tally = fresh.Dequeue();
                    workers.Add(Task.Run(() => LoopAsync(r => stream.EvaluateAsync(r), sessionId, tally, stop.Token)));
                }
            }
            else
            {
                // The product's call path (the session's deadline and call options), not the bare generated stub.
                var session = sessions[i];
                var tally = fresh.Dequeue();
                workers.Add(Task.Run(() => LoopAsync(r => session.EvaluateAsync(r), session.Id, tally, stop.Token)));
            }
        }

        var tallies = await Task.WhenAll(workers);
        var elapsed = Stopwatch.GetElapsedTime(started);
        self.Refresh();
        var clientCpu = self.TotalProcessorTime - clientCpuBefore;
        var allocated = GC.GetTotalAllocatedBytes(true) - allocatedBefore;
        var hostCpuUsed = hostCpu() - hostCpuBefore;
        foreach (var stream in streams)
        {
            await stream.DisposeAsync();
        }

        var total = new Latencies();
        long allowed = 0, denied = 0, errors = 0;
        foreach (var t in tallies)
        {
            total.Add(t.Latencies);
            allowed += t.Allowed;
            denied += t.Denied;
            errors += t.Errors;
        }

        return new RunResult(mode, clients.Count, elapsed, total, allowed, denied, errors, hostCpuUsed, clientCpu, allocated);
    }

    private static async Task<Tally> LoopAsync(Func<EvaluateRequest, Task<EvaluateResponse>> evaluate, string sessionId, Tally tally, CancellationToken stop)
    {
        var i = 0;
        while (!stop.IsCancellationRequested)
        {
            var request = LoadSetup.Request(sessionId, i++);
            var start = Stopwatch.GetTimestamp();
            try
            {
                var response = await evaluate(request).ConfigureAwait(false);
                tally.Latencies.Record(start);
                if (response.Decision == Decision.Allow)
                {
                    tally.Allowed++;
                }
                else
                {
                    tally.Denied++;
                }
            }
            catch (RpcException)
            {
                tally.Errors++;
            }
        }

        return tally;
    }

    private sealed class Tally
    {
        public Latencies Latencies { get; } = new();

        public long Allowed { get; set; }

        public long Denied { get; set; }

        public long Errors { get; set; }
    }
}
