using System.Diagnostics;
using System.Globalization;
using HdrHistogram;

namespace Warden.RevocationBench;

/// <summary>Latency histograms in <see cref="Stopwatch"/> ticks and their table rows.</summary>
internal static class Latency
{
    public static LongHistogram NewHistogram() => new(TimeSpan.FromMinutes(5).Ticks * Stopwatch.Frequency / TimeSpan.TicksPerSecond, 3);

    public static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    public static string Row(string scope, string inScope, LongHistogram h) => h.TotalCount == 0
        ? $"| {scope} | {inScope} | 0 | – | – | – |"
        : string.Create(
            CultureInfo.InvariantCulture,
            $"| {scope} | {inScope} | {h.TotalCount} | {Ms(h.GetValueAtPercentile(50)):F2} | {Ms(h.GetValueAtPercentile(99)):F2} | {Ms(h.GetMaxValue()):F2} |");
}
