using System.Globalization;
using Warden.LoadGen.Infrastructure;

namespace Warden.LoadGen.Workloads;

/// <summary>What one measured run produced.</summary>
internal sealed record RunResult(string Mode, int Agents, TimeSpan Elapsed, Latencies Latencies, long Allowed, long Denied, long Errors)
{
    public double PerSecond => Latencies.Count / Elapsed.TotalSeconds;

    public static string Header =>
        "mode      agents  decisions    per s     p50 µs    p99 µs  p99.9 µs   allow   deny  errors";

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Mode,-8} {Agents,7} {Latencies.Count,10} {PerSecond,8:F0} {Latencies.PercentileMicroseconds(50),10:F0} {Latencies.PercentileMicroseconds(99),9:F0} {Latencies.PercentileMicroseconds(99.9),9:F0} {Allowed,7} {Denied,6} {Errors,7}");
}
