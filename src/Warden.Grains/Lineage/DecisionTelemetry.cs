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
    /// Carries the caller's trace context into the session grain calls that follow on this async flow (Orleans does not
    /// carry <see cref="Activity.Current"/> into a grain's turn), so their <c>warden.decision</c> spans join the agent's
    /// trace. Does nothing while no one listens to decision spans.
    /// </summary>
    /// <remarks>
    /// The parent is the nearest span a tracer records: the current activity when it is sampled and comes from an
    /// <see cref="System.Diagnostics.ActivitySource"/> with listeners (e.g. ASP.NET's request span under ASP.NET
    /// instrumentation). ASP.NET also creates request activities that nothing records (for log scopes, from no source,
    /// with the caller's sampled flag copied); such a span never reaches a backend, and when the caller sent no context
    /// the OpenTelemetry SDK's default parent-based sampler drops the children of an unsampled one, so every decision
    /// span would be lost. Then the parent is the agent's own
    /// <c>traceparent</c> (the unrecorded activity's remote parent), whose sampled flag the decision span follows; with
    /// no caller context the decision span is a root.
    /// </remarks>
    public static void CarryTraceContext()
    {
        if (!ActivitySource.HasListeners())
        {
            return;
        }

        for (var activity = Activity.Current; activity is { IdFormat: ActivityIdFormat.W3C }; activity = activity.Parent)
        {
            // Recorded here: sampled, and from a source something listens to. ASP.NET's activity made for log scopes
            // comes from no source, and copies the caller's sampled flag.
            if (activity.Recorded && activity.Source.HasListeners())
            {
                Carry(activity.Id!, activity.TraceStateString);
                return;
            }

            if (activity.Parent is null)
            {
                // The remote caller's context, as the request brought it (null for a local root).
                if (activity.ParentId is { } remote)
                {
                    Carry(remote, activity.TraceStateString);
                }

                return;
            }
        }
    }

    private static void Carry(string traceParent, string? traceState)
    {
        RequestContext.Set(TraceParentKey, traceParent);
        if (traceState is not null)
        {
            RequestContext.Set(TraceStateKey, traceState);
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
