using System.Diagnostics.Metrics;

namespace Warden.Host.Diagnostics;

/// <summary>
/// Metrics of the bidirectional evaluate stream (<see cref="MeterName"/>): the histogram
/// <c>warden.evaluate.stream.batch.size</c>, the number of requests each session grain call of the stream carries
/// (one for a lone request; a run of a session's queued requests otherwise).
/// </summary>
public static class StreamTelemetry
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "Warden.Host.Streams";

    internal static Meter Meter { get; } = new(MeterName);

    internal static Histogram<int> BatchSize { get; } = Meter.CreateHistogram<int>(
        "warden.evaluate.stream.batch.size",
        unit: "{request}",
        description: "Requests per session grain call of the evaluate stream.",
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256] });
}
