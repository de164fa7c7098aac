using System.Diagnostics;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Warden.LoadGen.Infrastructure;
using Warden.Protocol.V1;

namespace Warden.LoadGen.Workloads;

/// <summary>
/// The floors under every Evaluate figure, each with N callers over one plain Grpc.Net.Client channel per caller, for
/// the same warm-up and duration as the other modes:
/// <list type="bullet">
/// <item><c>floor</c>: the host's standard gRPC health check, a unary call that reaches the host's HTTP/2 server and
/// gRPC pipeline and answers from the silo's membership status (no authentication, no grain call, no policy, no
/// storage): the machine's and the gRPC stack's own cost.</item>
/// <item><c>grain</c>: the operator's <c>GetTenant</c>, a plain grain-backed call (the operator credential checked by
/// the host, one read-only call to the tenant grain, the answer mapped back): what any Orleans-backed gRPC API pays
/// before doing its own work.</item>
/// </list>
/// What a decision costs beyond these rows is Warden's own work: the session, both gates and the state write.
/// </summary>
internal static class FloorWorkload
{
    /// <summary>N callers making the gRPC health check; "allow" counts SERVING answers, "deny" any other status.</summary>
    public static Task<RunResult> HealthAsync(Uri target, int callers, LoadOptions options, Func<TimeSpan?> hostCpu) =>
        RunAsync("floor", target, callers, options, hostCpu, channel =>
        {
            var client = new Health.HealthClient(channel);
            var request = new HealthCheckRequest();
            return async () => (await client.CheckAsync(request).ConfigureAwait(false)).Status == HealthCheckResponse.Types.ServingStatus.Serving;
        });

    /// <summary>N callers reading the load tenant through the operator API; "allow" counts answers for that tenant.</summary>
    public static Task<RunResult> GrainAsync(Uri target, string operatorKey, string tenantId, int callers, LoadOptions options, Func<TimeSpan?> hostCpu) =>
        RunAsync("grain", target, callers, options, hostCpu, channel =>
        {
            var client = new Operator.OperatorClient(channel);
            var request = new GetTenantRequest { TenantId = tenantId };
            var headers = new Metadata { { "authorization", "Bearer " + operatorKey } };
            return async () => (await client.GetTenantAsync(request, headers).ConfigureAwait(false)).TenantId == tenantId;
        });

    private static async Task<RunResult> RunAsync(string mode, Uri target, int callers, LoadOptions options, Func<TimeSpan?> hostCpu, Func<GrpcChannel, Func<Task<bool>>> caller)
    {
        var channels = Enumerable.Range(0, callers).Select(_ => GrpcChannel.ForAddress(target)).ToList();
        try
        {
            var calls = channels.Select(caller).ToList();
            await DriveAsync(mode, calls, options.Warmup, hostCpu);
            return await DriveAsync(mode, calls, options.Duration, hostCpu);
        }
        finally
        {
            foreach (var channel in channels)
            {
                channel.Dispose();
            }
        }
    }

    private static async Task<RunResult> DriveAsync(string mode, List<Func<Task<bool>>> calls, TimeSpan duration, Func<TimeSpan?> hostCpu)
    {
        using var stop = new CancellationTokenSource(duration);
        using var self = Process.GetCurrentProcess();
        var hostCpuBefore = hostCpu();
        // Each caller's histogram is made before the interval: its zeroing is not the client's cost per call.
        var histograms = calls.Select(_ => new Latencies()).ToList();
        var clientCpuBefore = self.TotalProcessorTime;
        var allocatedBefore = GC.GetTotalAllocatedBytes(true);
        var started = Stopwatch.GetTimestamp();
        var tallies = await Task.WhenAll(calls.Select((c, i) => Task.Run(() => LoopAsync(c, histograms[i], stop.Token))));
        var elapsed = Stopwatch.GetElapsedTime(started);
        self.Refresh();
        var clientCpu = self.TotalProcessorTime - clientCpuBefore;
        var allocated = GC.GetTotalAllocatedBytes(true) - allocatedBefore;
        var hostCpuUsed = hostCpu() - hostCpuBefore;

        var total = new Latencies();
        long expected = 0, other = 0, errors = 0;
        foreach (var (latencies, e, o, x) in tallies)
        {
            total.Add(latencies);
            expected += e;
            other += o;
            errors += x;
        }

        return new RunResult(mode, calls.Count, elapsed, total, expected, other, errors, hostCpuUsed, clientCpu, allocated);
    }

    private static async Task<(Latencies Latencies, long Expected, long Other, long Errors)> LoopAsync(Func<Task<bool>> call, Latencies latencies, CancellationToken stop)
    {
        long expected = 0, other = 0, errors = 0;
        while (!stop.IsCancellationRequested)
        {
            var start = Stopwatch.GetTimestamp();
            try
            {
                var answered = await call().ConfigureAwait(false);
                latencies.Record(start);
                if (answered)
                {
                    expected++;
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

        return (latencies, expected, other, errors);
    }
}
