using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Warden.Host.Hosting;
using Warden.Host.Tests.Infrastructure;

namespace Warden.Host.Tests.Hosting;

/// <summary>
/// ASP.NET's request activity exists only while decision spans have a listener. In the host collection: the decision
/// telemetry tests there attach listeners to decision spans, which must not overlap these.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class RequestActivitiesTests
{
    private const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    [Fact]
    public async Task Request_NothingListens_NoRequestActivity()
    {
        var seen = await ActivityOfOneRequestAsync();

        Assert.True(seen.Ran);
        Assert.Null(seen.Activity);
    }

    [Fact]
    public async Task Request_DecisionSpansListened_RequestActivityCarriesTheCallersTraceContext()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Warden.Decisions",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);

        var seen = await ActivityOfOneRequestAsync();

        Assert.True(seen.Ran);
        Assert.NotNull(seen.Activity);
        Assert.Equal(RequestActivities.ActivityName, seen.Activity.OperationName);
        Assert.Equal(TraceParent, seen.Activity.ParentId);
    }

    // One request to a host of its own, through a middleware that notes the request's current activity.
    private static async Task<Probe> ActivityOfOneRequestAsync()
    {
        var probe = new Probe();
        var data = Path.Combine(Path.GetTempPath(), "warden-activities-" + Guid.NewGuid().ToString("N"));
        string[] args =
        [
            "--grpc-port", "0",
            "--http-port", "0",
            "--silo-port", Warden.Testing.FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--gateway-port", Warden.Testing.FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--data", data,
        ];
        await using (var app = Program.Build(args, builder => builder.Services.AddSingleton<IStartupFilter>(probe)))
        {
            await app.StartAsync();
            try
            {
                using var http = new HttpClient { BaseAddress = app.Services.GetRequiredService<BoundEndpoints>().Http };
                using var request = new HttpRequestMessage(HttpMethod.Get, "/probe");
                request.Headers.TryAddWithoutValidation("traceparent", TraceParent);
                using var response = await http.SendAsync(request);
                response.EnsureSuccessStatusCode();
            }
            finally
            {
                await app.StopAsync();
            }
        }

        try
        {
            Directory.Delete(data, recursive: true);
        }
        catch (IOException)
        {
        }

        return probe;
    }

    private sealed class Probe : IStartupFilter
    {
        public bool Ran { get; private set; }

        public Activity? Activity { get; private set; }

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (HttpContext context, Func<Task> rest) =>
            {
                if (context.Request.Path == "/probe")
                {
                    Activity = Activity.Current;
                    Ran = true;
                    context.Response.StatusCode = StatusCodes.Status200OK;
                    return;
                }

                await rest();
            });
            next(app);
        };
    }
}
