using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Warden.Host.Tests.Infrastructure;
using Warden.Protocol.V1;

namespace Warden.Host.Tests.Lineage;

/// <summary>The decision span and counters appear as soon as something listens (the filter skips them otherwise).</summary>
[Collection(HostCollection.Name)]
public sealed class DecisionTelemetryTests(WardenHostFixture host)
{
    [Fact]
    public async Task Evaluate_ListenersAttached_SpanAndCounterRecordTheDecision()
    {
        var (_, _, agent) = await Scenario.AgentAsync(host, "telemetry");
        await using (agent)
        {
            var session = await Scenario.OpenSessionAsync(agent);
            var spans = new ConcurrentQueue<Activity>();
            using var activities = new ActivityListener
            {
                ShouldListenTo = source => source.Name == "Warden.Decisions",
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = spans.Enqueue,
            };
            ActivitySource.AddActivityListener(activities);
            var effects = new ConcurrentQueue<string?>();
            using var meters = new MeterListener
            {
                InstrumentPublished = (instrument, listener) =>
                {
                    if (instrument.Meter.Name == "Warden.Decisions")
                    {
                        listener.EnableMeasurementEvents(instrument);
                    }
                },
            };
            meters.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
            {
                if (instrument.Name == "warden.decisions")
                {
                    foreach (var tag in tags)
                    {
                        if (tag.Key == "warden.decision.effect")
                        {
                            effects.Enqueue(tag.Value as string);
                        }
                    }
                }
            });
            meters.Start();

            var decision = await session.EvaluateAsync("db.query", Client.WardenModel.Resource("Table", "orders"));

            // Other tests of the collection may decide at the same time: the span is found by its decision id.
            var span = Assert.Single(spans, s => (s.GetTagItem("warden.decision.id") as string) == decision.DecisionId);
            var effect = decision.Decision == Decision.Allow ? "allow" : "deny";
            Assert.Equal(effect, span.GetTagItem("warden.decision.effect"));
            Assert.Contains(effect, effects);
        }
    }

    [Fact]
    public async Task Evaluate_AgentCallsInsideItsTrace_DecisionSpanJoinsThatTrace()
    {
        var (_, _, agent) = await Scenario.AgentAsync(host, "telemetry-trace");
        await using (agent)
        {
            var session = await Scenario.OpenSessionAsync(agent);
            var spans = new ConcurrentQueue<Activity>();
            using var activities = ListenToSpans(spans);

            // The agent's own step: its trace context goes out as the request's traceparent header.
            using var step = new Activity("agent.tool-step").SetIdFormat(ActivityIdFormat.W3C).Start();
            var decision = await session.EvaluateAsync("db.query", Client.WardenModel.Resource("Table", "orders"));
            step.Stop();

            var span = Assert.Single(spans, s => s.OperationName == "warden.decision" && (s.GetTagItem("warden.decision.id") as string) == decision.DecisionId);
            Assert.Equal(step.TraceId, span.TraceId);
            Assert.NotEqual(default, span.ParentSpanId);
        }
    }

    [Fact]
    public async Task EvaluateStream_OpenedInsideAgentsTrace_DecisionSpansJoinThatTrace()
    {
        var (_, _, agent) = await Scenario.AgentAsync(host, "telemetry-stream");
        await using (agent)
        {
            var session = await Scenario.OpenSessionAsync(agent);
            var spans = new ConcurrentQueue<Activity>();
            using var activities = ListenToSpans(spans);

            using var step = new Activity("agent.run").SetIdFormat(ActivityIdFormat.W3C).Start();
            await using var stream = agent.OpenEvaluateStream();
            var decision = await stream.EvaluateAsync(session.Id, "db.query", Client.WardenModel.Resource("Table", "orders"));
            step.Stop();

            var span = Assert.Single(spans, s => s.OperationName == "warden.decision" && (s.GetTagItem("warden.decision.id") as string) == decision.DecisionId);
            Assert.Equal(step.TraceId, span.TraceId);
        }
    }

    [Fact]
    public async Task Evaluate_OpenTelemetrySdk_AgentWithoutTrace_DecisionSpanIsARecordedRoot()
    {
        // The OpenTelemetry SDK as the host's OTLP export configures it: its default sampler (parent-based, always on
        // for roots) and no ASP.NET instrumentation, so ASP.NET's request activity (created for log scopes) is not recorded.
        var exported = new RecordedSpans();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource("Warden.Decisions").AddProcessor(exported).Build();
        var (_, _, agent) = await Scenario.AgentAsync(host, "telemetry-sdk");
        await using (agent)
        {
            var session = await Scenario.OpenSessionAsync(agent);
            Activity.Current = null;

            var decision = await session.EvaluateAsync("db.query", Client.WardenModel.Resource("Table", "orders"));

            var span = Assert.Single(exported.Spans, s => (s.GetTagItem("warden.decision.id") as string) == decision.DecisionId);
            Assert.True(span.Recorded);
            Assert.Equal(default, span.ParentSpanId);
        }
    }

    [Fact]
    public async Task Evaluate_OpenTelemetrySdk_AgentInSampledTrace_DecisionSpanIsChildOfAgentsSpan()
    {
        var exported = new RecordedSpans();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource("Warden.Decisions").AddProcessor(exported).Build();
        var (_, _, agent) = await Scenario.AgentAsync(host, "telemetry-sdk-trace");
        await using (agent)
        {
            var session = await Scenario.OpenSessionAsync(agent);

            // The agent's side records its step and its HTTP client span (what its traceparent header names).
            var clientSpans = new ConcurrentQueue<Activity>();
            using var client = new ActivityListener
            {
                ShouldListenTo = source => source.Name is "System.Net.Http" or "Grpc.Net.Client",
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStarted = clientSpans.Enqueue,
            };
            ActivitySource.AddActivityListener(client);
            using var step = new Activity("agent.tool-step").SetIdFormat(ActivityIdFormat.W3C);
            step.ActivityTraceFlags = ActivityTraceFlags.Recorded;
            step.Start();
            var decision = await session.EvaluateAsync("db.query", Client.WardenModel.Resource("Table", "orders"));
            step.Stop();

            // The parent is the agent's request span (under its step), not ASP.NET's unrecorded request span, which
            // never reaches a backend.
            var span = Assert.Single(exported.Spans, s => (s.GetTagItem("warden.decision.id") as string) == decision.DecisionId);
            Assert.Equal(step.TraceId, span.TraceId);
            var parent = span.ParentSpanId;
            while (parent != step.SpanId)
            {
                parent = Assert.Single(clientSpans, s => s.SpanId == parent).ParentSpanId;
            }
        }
    }

    [Fact]
    public async Task Evaluate_OpenTelemetrySdk_AgentTraceNotSampled_DecisionSpanFollowsTheAgentsChoice()
    {
        var exported = new RecordedSpans();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource("Warden.Decisions").AddProcessor(exported).Build();
        var (_, _, agent) = await Scenario.AgentAsync(host, "telemetry-sdk-unsampled");
        await using (agent)
        {
            var session = await Scenario.OpenSessionAsync(agent);

            using var step = new Activity("agent.tool-step").SetIdFormat(ActivityIdFormat.W3C).Start();
            var decision = await session.EvaluateAsync("db.query", Client.WardenModel.Resource("Table", "orders"));
            step.Stop();
            var control = await session.EvaluateAsync("db.query", Client.WardenModel.Resource("Table", "orders"));

            // The agent's traceparent says "not sampled": W3C parent-based sampling drops the decision's span too,
            // while a call outside any trace (the control) is still recorded.
            var spans = exported.Spans;
            Assert.DoesNotContain(spans, s => (s.GetTagItem("warden.decision.id") as string) == decision.DecisionId);
            Assert.Contains(spans, s => (s.GetTagItem("warden.decision.id") as string) == control.DecisionId);
        }
    }

    // Records the decision spans and ASP.NET's request spans (the request span is what carries the agent's traceparent).
    private static ActivityListener ListenToSpans(ConcurrentQueue<Activity> spans)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Warden.Decisions" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    // What the SDK hands its exporters: the spans its sampler recorded, as they end (from any thread).
    private sealed class RecordedSpans : BaseProcessor<Activity>
    {
        private readonly ConcurrentQueue<Activity> _spans = new();

        public IReadOnlyCollection<Activity> Spans => _spans;

        public override void OnEnd(Activity data) => _spans.Enqueue(data);
    }
}
