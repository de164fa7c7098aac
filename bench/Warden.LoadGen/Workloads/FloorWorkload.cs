using System.Diagnostics;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Warden.LoadGen.Infrastructure;

namespace Warden.LoadGen.Workloads;

/// <summary>
/// The floor under every Evaluate figure: N callers making the host's standard gRPC health check (a unary call that
/// reaches the host's HTTP/2 server and gRPC pipeline and answers from the silo's membership status, no grain call,
/// no policy, no storage) over one plain Grpc.Net.Client channel each, for the same warm-up and duration as the other
/// modes. What a decision costs beyond this row is Warden's own work; what this row costs is the machine's and the
/// gRPC stack's.
/// </summary>
internal static class FloorWorkload
{
    public static async Task<RunResult> RunAsync(Uri target, int callers, LoadOptions options, Func<TimeSpan?> hostCpu)
    {
        var channels = Enumerable.Range(0, callers).Select(_ => GrpcChannel.ForAddress(target)).ToList();
        try
        {
            var clients = channels.Select(c => new Health.HealthClient(c)).ToList();
            await DriveAsync(clients, options.Warmup, hostCpu);
            return await DriveAsync(clients, options.Duration, hostCpu);
        }
        finally
        {
            foreach (var channel in channels)
            {
                channel.Dispose();
            }
        }
    }

    private static async Task<RunResult> DriveAsync(List<Health.HealthClient> clients, TimeSpan duration, Func<TimeSpan?> hostCpu)
    {
        using var stop = new CancellationTokenSource(duration);
        using var self = Process.GetCurrentProcess();
        var hostCpuBefore = hostCpu();
        var clientCpuBefore = self.TotalProcessorTime;
        var allocatedBefore = GC.GetTotalAllocatedBytes(true);
        var started = Stopwatch.GetTimestamp();
        var tallies = await Task.WhenAll(clients.Select(c => Task.Run(() => LoopAsync(c, stop.Token))));
        var elapsed = Stopwatch.GetElapsedTime(started);
        self.Refresh();
        var clientCpu = self.TotalProcessorTime - clientCpuBefore;
        var allocated = GC.GetTotalAllocatedBytes(true) - allocatedBefore;
        var hostCpuUsed = hostCpu() - hostCpuBefore;

        var total = new Latencies();
        long serving = 0, other = 0, errors = 0;
        foreach (var (latencies, s, o, e) in tallies)
        {
            total.Add(latencies);
            serving += s;
            other += o;
            errors += e;
        }

        // "allow" counts SERVING answers, "deny" any other status.
        return new RunResult("floor", clients.Count, elapsed, total, serving, other, errors, hostCpuUsed, clientCpu, allocated);
    }

    private static async Task<(Latencies Latencies, long Serving, long Other, long Errors)> LoopAsync(Health.HealthClient client, CancellationToken stop)
    {
        var latencies = new Latencies();
        long serving = 0, other = 0, errors = 0;
        var request = new HealthCheckRequest();
        while (!stop.IsCancellationRequested)
        {
            var start = Stopwatch.GetTimestamp();
            try
            {
                var response = await client.CheckAsync(request).ConfigureAwait(false);
                latencies.Record(start);
                if (response.Status == HealthCheckResponse.Types.ServingStatus.Serving)
                {
                    serving++;
                }
                else
                {
                    other++;
                }
            }
            catch (RpcException)
            {
                errors++;
            }
        }

        return (latencies, serving, other, errors);
    }
}
