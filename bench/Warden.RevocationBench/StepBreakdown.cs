using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Warden.Grains.Revocation;

namespace Warden.RevocationBench;

/// <summary>
/// The steps of an agent or tenant revoke, each timed on its own from one silo (<c>--breakdown</c>): Orleans' membership
/// refresh, a direct membership-table read, one acknowledged call per silo to the revocation tables, and the whole
/// fan-out as the revoke runs it. The entries
/// recorded are for a tenant that does not exist and are cleared again.
/// </summary>
internal static class StepBreakdown
{
    public static async Task<IEnumerable<string>> RunAsync(BenchCluster bench, int reps)
    {
        var services = bench.Cluster.Silos[0].ServiceProvider;
        var membership = services.GetRequiredService<IClusterMembershipService>();
        var tables = services.GetRequiredService<RevocationTableClient>();
        var fanOut = services.GetRequiredService<AcknowledgedRevocationFanOut>();
        var table = services.GetRequiredService<IMembershipTable>();
        var read = Latency.NewHistogram();
        var refresh = Latency.NewHistogram();
        var calls = Latency.NewHistogram();
        var whole = Latency.NewHistogram();
        for (var rep = 0; rep < reps; rep++)
        {
            var scope = RevokedScope.Agent("breakdown", "a" + rep, "bench");
            var started = Stopwatch.GetTimestamp();
            await membership.Refresh();
            refresh.RecordValue(Stopwatch.GetTimestamp() - started);

            started = Stopwatch.GetTimestamp();
            await table.ReadAllAsync(CancellationToken.None);
            read.RecordValue(Stopwatch.GetTimestamp() - started);

            var silos = membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).ToList();
            started = Stopwatch.GetTimestamp();
            await Task.WhenAll(silos.Select(silo => tables.On(silo).RecordAsync(scope)));
            calls.RecordValue(Stopwatch.GetTimestamp() - started);

            started = Stopwatch.GetTimestamp();
            await fanOut.RecordAsync(scope);
            whole.RecordValue(Stopwatch.GetTimestamp() - started);
            await fanOut.ClearAsync(scope);
        }

        return
        [
            Latency.Row("step: membership refresh", "IClusterMembershipService.Refresh", refresh),
            Latency.Row("step: membership table read", "IMembershipTable.ReadAll", read),
            Latency.Row("step: table calls", "one per active silo, parallel", calls),
            Latency.Row("step: whole table fan-out", "AcknowledgedRevocationFanOut", whole),
        ];
    }
}
