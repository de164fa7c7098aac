using System.Collections.Immutable;
using System.Diagnostics;
using Warden.Sessions;

namespace Warden.Grains.Lineage;

/// <summary>
/// Measures every evaluation call of the session grain: one span, the latency histogram and the effect counters.
/// A grain call filter, so the decision path itself is unchanged; other calls pass straight through.
/// </summary>
internal sealed class DecisionTelemetryFilter : IIncomingGrainCallFilter
{
    public Task Invoke(IIncomingGrainCallContext context)
    {
        // Orleans' own calls (streams, timers, reminders) come through here too: only evaluations are measured, the
        // rest pass straight through without a state machine of their own. Nobody listening (no OpenTelemetry, no
        // dotnet-counters): nothing to measure, so no timing, span or counting per decision either.
        return !DecisionTelemetry.IsObserved
            || context.InterfaceMethod?.DeclaringType != typeof(ISessionGrain)
            || context.InterfaceMethod.Name is not (nameof(ISessionGrain.EvaluateAsync) or nameof(ISessionGrain.EvaluateManyAsync))
            ? context.Invoke()
            : MeasureAsync(context);
    }

    private static async Task MeasureAsync(IIncomingGrainCallContext context)
    {
        var started = Stopwatch.GetTimestamp();
        // The span's parent is the trace context the host carried in (the agent's request), when there is one.
        using var activity = DecisionTelemetry.ActivitySource.StartActivity("warden.decision", ActivityKind.Internal, DecisionTelemetry.CarriedTraceContext());
        activity?.SetTag("warden.session", context.TargetId.Key.ToString());
        await context.Invoke();
        DecisionTelemetry.Duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        switch (context.Result)
        {
            case Outcome<Decision> { IsOk: true } one:
                Count(one.Value, activity);
                break;
            case Outcome<ImmutableArray<Decision>> { IsOk: true } many:
                foreach (var decision in many.Value)
                {
                    Count(decision, activity);
                }

                break;
            default:
                activity?.SetStatus(ActivityStatusCode.Error, "caller error");
                break;
        }
    }

    private static void Count(Decision decision, Activity? activity)
    {
        var effect = decision.Effect switch
        {
            DecisionEffect.Allow => "allow",
            DecisionEffect.ApprovalRequired => "approval_required",
            _ => "deny",
        };
        DecisionTelemetry.Decisions.Add(1, new KeyValuePair<string, object?>("warden.decision.effect", effect));
        if (decision.IsAllowed)
        {
            DecisionTelemetry.Allowed.Add(1);
        }
        else if (decision.Effect == DecisionEffect.Deny)
        {
            DecisionTelemetry.Denied.Add(1);
        }

        if (activity is not null)
        {
            activity.SetTag("warden.decision.id", decision.DecisionId);
            activity.SetTag("warden.decision.effect", effect);
            activity.SetTag("warden.decision.reason", decision.Reasons.IsDefaultOrEmpty ? null : decision.Reasons[0].Code);
        }
    }
}
