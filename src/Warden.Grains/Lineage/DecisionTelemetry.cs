using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Warden.Grains.Lineage;

/// <summary>
/// OpenTelemetry names of decisions: <see cref="ActivitySourceName"/> (a <c>warden.decision</c> span per evaluation
/// call) and <see cref="MeterName"/>: counters <c>warden.decisions</c> (tag <c>warden.decision.effect</c>),
/// <c>warden.decisions.allowed</c>, <c>warden.decisions.denied</c>, and the histogram <c>warden.decision.duration</c>
/// (seconds, grain call of an evaluation including its state write and lineage append).
/// </summary>
public static class DecisionTelemetry
{
    /// <summary>The activity source name.</summary>
    public const string ActivitySourceName = "Warden.Decisions";

    /// <summary>The meter name.</summary>
    public const string MeterName = "Warden.Decisions";

    // Request-context keys that carry the caller's W3C trace context into the session grain's turn (Orleans does not
    // carry Activity.Current across a grain call).
    internal const string TraceParentKey = "warden.traceparent";
    internal const string TraceStateKey = "warden.tracestate";

    internal static ActivitySource ActivitySource { get; } = new(ActivitySourceName);

    internal static Meter Meter { get; } = new(MeterName);

    internal static Counter<long> Decisions { get; } = Meter.CreateCounter<long>("warden.decisions", description: "Decisions made, by effect.");

    internal static Counter<long> Allowed { get; } = Meter.CreateCounter<long>("warden.decisions.allowed", description: "Decisions that allowed.");

    internal static Counter<long> Denied { get; } = Meter.CreateCounter<long>("warden.decisions.denied", description: "Decisions that denied.");

    /// <summary>True while a span or one of the instruments has a listener (they attach and detach at any time).</summary>
    internal static bool IsObserved =>
        ActivitySource.HasListeners() || Decisions.Enabled || Allowed.Enabled || Denied.Enabled || Duration.Enabled;

    /// <summary>
    /// Carries the current activity (on the gRPC host: the request's span, whose parent is the agent's
    /// <c>traceparent</c>) into the session grain calls that follow on this async flow, so their <c>warden.decision</c>
    /// spans join the agent's trace. Does nothing while no one listens to decision spans, or with no current activity.
    /// </summary>
    public static void CarryTraceContext()
    {
        if (Activity.Current is { IdFormat: ActivityIdFormat.W3C } current && ActivitySource.HasListeners())
        {
            RequestContext.Set(TraceParentKey, current.Id!);
            if (current.TraceStateString is { } state)
            {
                RequestContext.Set(TraceStateKey, state);
            }
        }
    }

    /// <summary>The trace context a caller carried into this grain turn (<see cref="CarryTraceContext"/>), or none.</summary>
    internal static ActivityContext CarriedTraceContext() =>
        RequestContext.Get(TraceParentKey) is string parent
        && ActivityContext.TryParse(parent, RequestContext.Get(TraceStateKey) as string, isRemote: true, out var context)
            ? context
            : default;

    internal static Histogram<double> Duration { get; } = Meter.CreateHistogram<double>("warden.decision.duration", unit: "s", description: "Evaluation call latency in the session grain.");
}
