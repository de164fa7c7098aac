using System.Globalization;
using Warden.LoadGen.Infrastructure;

namespace Warden.LoadGen.Workloads;

/// <summary>What one measured run produced.</summary>
/// <remarks>
/// CPU per decision (host and load generator, user + kernel time over the measured interval divided by decisions) is
/// the figure that survives a shared, loaded machine: throughput and latency depend on how much of the CPU the two
/// processes got, CPU per decision much less so. Client bytes per decision are what the load generator's process
/// allocated over the interval (every thread: the client library, the HTTP/2 stack and the request it builds) divided
/// by decisions: a figure load does not move at all.
/// </remarks>
internal sealed record RunResult(string Mode, int Agents, TimeSpan Elapsed, Latencies Latencies, long Allowed, long Denied, long Errors, TimeSpan? HostCpu, TimeSpan ClientCpu, long? ClientAllocated = null)
{
    public double PerSecond => Latencies.Count / Elapsed.TotalSeconds;

    public static string Header =>
        "mode      agents  decisions    per s     p50 µs    p99 µs  p99.9 µs   allow   deny  errors  host µs/dec  client µs/dec  client B/dec";

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Mode,-8} {Agents,7} {Latencies.Count,10} {PerSecond,8:F0} {Latencies.PercentileMicroseconds(50),10:F0} {Latencies.PercentileMicroseconds(99),9:F0} {Latencies.PercentileMicroseconds(99.9),9:F0} {Allowed,7} {Denied,6} {Errors,7} {PerDecision(HostCpu),12} {PerDecision(ClientCpu),14} {AllocatedPerDecision,13}");

    private string AllocatedPerDecision => ClientAllocated is { } a && Latencies.Count > 0
        ? (a / Latencies.Count).ToString(CultureInfo.InvariantCulture)
        : "-";

    private string PerDecision(TimeSpan? cpu) => cpu is { } c && Latencies.Count > 0
        ? (c.TotalMicroseconds / Latencies.Count).ToString("F1", CultureInfo.InvariantCulture)
        : "-";
}
