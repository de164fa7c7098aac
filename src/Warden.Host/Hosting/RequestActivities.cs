using System.Diagnostics;
using Warden.Grains.Lineage;

namespace Warden.Host.Hosting;

/// <summary>
/// ASP.NET's per-request activity, made only while something uses it. ASP.NET creates an activity (and, with its
/// request logger enabled, a log scope) for every request when its request logger is enabled at any level, when a
/// <see cref="DiagnosticListener"/> subscriber asks for it, or when its <see cref="ActivitySource"/> has listeners.
/// The host turns the request logger off by default (<see cref="LoggingDefaults"/>), so by default no request makes
/// one; this subscriber asks for the activity exactly while decision spans have listeners, because the decision span
/// takes the agent's trace context from it (<see cref="DecisionTelemetry.CarryTraceContext"/>).
/// </summary>
/// <remarks>
/// The activity asked for this way is the one the request logger made before: from no source, the caller's
/// <c>traceparent</c> as its remote parent, not recorded by anything. ASP.NET instrumentation (a listener on its
/// source or on its diagnostic events) still gets its own request spans, as before.
/// </remarks>
public static class RequestActivities
{
    /// <summary>The name of ASP.NET's request activity and of the diagnostic event that asks for it.</summary>
    public const string ActivityName = "Microsoft.AspNetCore.Hosting.HttpRequestIn";

    // A source of the decision spans' name: a listener that listens to decision spans listens to it too. It never
    // starts an activity; HasListeners is all it is asked.
    private static readonly ActivitySource DecisionSpans = new(DecisionTelemetry.ActivitySourceName);

    /// <summary>True while ASP.NET should make its request activity: decision spans have a listener.</summary>
    internal static bool Wanted => DecisionSpans.HasListeners();

    /// <summary>Subscribes to the app's ASP.NET diagnostic listener; the subscription ends when the app stops.</summary>
    /// <param name="app">The built app, before it starts.</param>
    public static WebApplication UseWardenRequestActivities(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var subscription = app.Services.GetRequiredService<DiagnosticListener>().Subscribe(IgnoredEvents.Instance, IsEnabled);
        app.Lifetime.ApplicationStopped.Register(subscription.Dispose);
        return app;
    }

    // ASP.NET asks IsEnabled(ActivityName, httpContext) before each request; every other event it asks about (the
    // activity's start and stop events, routing's) is declined, so none is written.
    internal static bool IsEnabled(string name, object? context, object? unused) =>
        Wanted && string.Equals(name, ActivityName, StringComparison.Ordinal);

    private sealed class IgnoredEvents : IObserver<KeyValuePair<string, object?>>
    {
        public static readonly IgnoredEvents Instance = new();

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
        }
    }
}
