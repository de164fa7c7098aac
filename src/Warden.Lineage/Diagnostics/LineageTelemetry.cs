using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Warden.Lineage.Diagnostics;

/// <summary>
/// OpenTelemetry names of the lineage machinery. Register them with the host's OpenTelemetry setup:
/// <c>tracing.AddSource(LineageTelemetry.ActivitySourceName)</c> and <c>metrics.AddMeter(LineageTelemetry.MeterName)</c>.
/// </summary>
/// <remarks>
/// Instruments:
/// <list type="bullet">
/// <item><c>warden.lineage.records.committed</c> (counter, {record}; tag <c>warden.lineage.durability</c>): records durably committed.</item>
/// <item><c>warden.lineage.append.failures</c> (counter, {record}; tag <c>error.type</c>): appends that did not reach the log.</item>
/// <item><c>warden.lineage.batch.size</c> (histogram, {record}): records per group commit.</item>
/// <item><c>warden.lineage.commit.duration</c> (histogram, s): time the log took to commit one batch (the flush).</item>
/// <item><c>warden.lineage.append.duration</c> (histogram, s): from append to commit, as a durable appender waits.</item>
/// </list>
/// Spans: <c>lineage.commit</c>, one per batch, with the batch size and tenant count as tags.
/// </remarks>
public static class LineageTelemetry
{
    /// <summary>The name of the lineage <see cref="System.Diagnostics.ActivitySource"/>.</summary>
    public const string ActivitySourceName = "Warden.Lineage";

    /// <summary>The name of the lineage <see cref="System.Diagnostics.Metrics.Meter"/>.</summary>
    public const string MeterName = "Warden.Lineage";

    /// <summary>The activity source for lineage spans.</summary>
    public static ActivitySource ActivitySource { get; } = new(ActivitySourceName);

    /// <summary>The meter for lineage instruments.</summary>
    public static Meter Meter { get; } = new(MeterName);

    internal static Counter<long> RecordsCommitted { get; } =
        Meter.CreateCounter<long>("warden.lineage.records.committed", "{record}", "Lineage records durably committed.");

    internal static Counter<long> AppendFailures { get; } =
        Meter.CreateCounter<long>("warden.lineage.append.failures", "{record}", "Lineage appends that did not reach the log.");

    internal static Histogram<int> BatchSize { get; } =
        Meter.CreateHistogram<int>("warden.lineage.batch.size", "{record}", "Records committed per group commit.");

    internal static Histogram<double> CommitDuration { get; } =
        Meter.CreateHistogram<double>("warden.lineage.commit.duration", "s", "Time the log took to commit one batch.");

    internal static Histogram<double> AppendDuration { get; } =
        Meter.CreateHistogram<double>("warden.lineage.append.duration", "s", "Time from append to durable commit.");
}
