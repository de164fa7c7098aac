using System.Diagnostics;
using HdrHistogram;

namespace Warden.LoadGen.Infrastructure;

/// <summary>A latency histogram (HdrHistogram, 3 significant digits, 1 µs to 60 s) recorded in Stopwatch ticks.</summary>
internal sealed class Latencies
{
    private static readonly double TicksPerMicrosecond = Stopwatch.Frequency / 1_000_000.0;

    public LongHistogram Histogram { get; } = new(Stopwatch.Frequency * 60, 3);

    public long Count => Histogram.TotalCount;

    public void Record(long startTimestamp) => Histogram.RecordValue(Math.Max(1, Stopwatch.GetTimestamp() - startTimestamp));

    public void Add(Latencies other) => Histogram.Add(other.Histogram);

    public double PercentileMicroseconds(double percentile) => Histogram.GetValueAtPercentile(percentile) / TicksPerMicrosecond;
}
