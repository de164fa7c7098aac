using System.Diagnostics;
using System.Globalization;
using Warden.Client;
using Warden.LoadGen.Infrastructure;

namespace Warden.LoadGen.Workloads;

/// <summary>Opens many sessions (spread over the agents, 32 at a time) and reports the host's working set.</summary>
internal static class SessionScaleWorkload
{
    public static async Task RunAsync(HostProcess host, LoadSetup setup, int sessions)
    {
        var before = host.WorkingSet;
        var cpuBefore = host.ProcessorTime;
        var clients = setup.Credentials.Select(c => WardenClient.Create(host.Grpc.ToString(), c)).ToArray();
        var started = Stopwatch.GetTimestamp();
        var next = -1;
        var opened = 0L;
        var failed = 0L;
        var workers = Enumerable.Range(0, 32).Select(worker => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < sessions)
            {
                try
                {
                    // Not disposed: the sessions must stay open while the working set is measured.
                    _ = await LoadSetup.OpenSessionAsync(clients[i % clients.Length], TimeSpan.FromMinutes(30));
                    Interlocked.Increment(ref opened);
                }
                catch (Grpc.Core.RpcException)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var cpu = host.ProcessorTime - cpuBefore;
        await Task.Delay(TimeSpan.FromSeconds(5));
        var after = host.WorkingSet;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"sessions: opened {opened} ({failed} failed) in {elapsed.TotalSeconds:F1} s ({opened / elapsed.TotalSeconds:F0}/s); host working set {before / 1048576.0:F0} MiB before, {after / 1048576.0:F0} MiB after ({(after - before) / (double)Math.Max(1, opened):F0} bytes per session); host CPU {cpu.TotalMicroseconds / Math.Max(1, opened):F0} µs per open"));
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }
}
