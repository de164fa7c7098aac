using Azure.Data.Tables;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Warden.Grains.Lineage;
using Warden.Host.Diagnostics;
using Warden.Host.Services;
using Warden.Lineage.Diagnostics;
using Warden.Lineage.Feeds;
using Warden.Lineage.Logs;
using Warden.Lineage.Logs.Azure;
using Warden.Lineage.Logs.Sqlite;
using Warden.Storage.Options;

namespace Warden.Host.Lineage;

/// <summary>Lineage in the host: the log and writer in the silo, the Lineage and Watch gRPC services, SSE, telemetry.</summary>
public static class LineageHosting
{
    /// <summary>
    /// Adds lineage as configured (see <c>docs/lineage.md</c>): <c>Warden:Lineage:*</c>, <c>Warden:DataPath</c>,
    /// <c>Warden:Storage:Mode</c> / <c>ConnectionString</c>, and OpenTelemetry export when
    /// <c>Warden:Telemetry:OtlpEndpoint</c> is set.
    /// </summary>
    /// <param name="builder">The host builder.</param>
    public static WebApplicationBuilder AddWardenLineage(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        var dataPath = LineageHostSettings.DataPath(configuration);
        var storage = WardenStorageSettings.Read(configuration);
        var azure = LineageHostSettings.IsAzure(storage);
        var options = LineageHostSettings.ReadOptions(configuration, dataPath, azure);
        string description;
        Func<IServiceProvider, ILineageLog> open;
        if (azure)
        {
            var connection = LineageHostSettings.ConnectionString(configuration, storage)
                ?? throw new InvalidOperationException("Warden:Storage:ConnectionString is required in Azure storage mode (lineage goes to its WardenLineage table).");
            description = "Azure table WardenLineage";
            open = _ => AzureTableLineageLog.OpenAsync(new TableServiceClient(connection)).GetAwaiter().GetResult();
        }
        else
        {
            var sqlite = new SqliteLineageLogOptions { DataDirectory = dataPath };
            if (Enum.TryParse<SqliteSynchronousMode>(configuration["Warden:Lineage:Synchronous"], ignoreCase: true, out var synchronous))
            {
                sqlite.Synchronous = synchronous;
            }

            description = "SQLite " + sqlite.ResolveFilePath();

            // INVARIANT: an embedded node is the only appender of its lineage.db (one node per data folder, held by
            // warden.lock), so its sessions append straight to the silo's writer without the per-tenant writer grain.
            options.AppendInProcess = true;
            open = _ => SqliteLineageLog.Open(sqlite);
        }

        builder.UseOrleans(silo => silo.AddWardenLineage(options, open));
        builder.Services.AddSingleton(sp => new LineageStore(
            options.Durability == LineageMode.Off ? null : sp.GetRequiredService<ILineageLog>(),
            options.Durability == LineageMode.Off ? "off" : description));
        // Live feeds read what the silo's writer publishes: its in-process broadcaster on an embedded node (the only
        // appender of its log), else the tenant's Orleans stream (records committed on any silo). Lineage off: a
        // broadcaster nothing publishes to (the Watch and SSE endpoints refuse before they read it).
        builder.Services.AddSingleton<ILiveLineageSource>(sp => options.AppendInProcess || options.Durability == LineageMode.Off
            ? sp.GetService<LineageBroadcaster>() ?? new LineageBroadcaster()
            : new OrleansLiveLineageSource(sp.GetRequiredService<IClusterClient>()));
        builder.Services.AddSingleton<HttpOperatorAuthenticator>();
        builder.Services.AddHostedService<LineageStartupReport>();
        AddTelemetry(builder);
        return builder;
    }

    /// <summary>Maps the Lineage and Watch gRPC services and the SSE feed <c>GET /v1/tenants/{tenant}/lineage/stream</c>.</summary>
    /// <param name="app">The app.</param>
    public static WebApplication MapWardenLineage(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGrpcService<LineageService>();
        app.MapGrpcService<WatchService>();
        app.MapGet("/v1/tenants/{tenant}/lineage/stream", LineageSseEndpoint.HandleAsync);
        return app;
    }

    private static void AddTelemetry(WebApplicationBuilder builder)
    {
        var endpoint = builder.Configuration["Warden:Telemetry:OtlpEndpoint"];
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return;
        }

        var uri = new Uri(endpoint);
        builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing
                .AddSource(DecisionTelemetry.ActivitySourceName, LineageTelemetry.ActivitySourceName)
                .AddOtlpExporter(o => o.Endpoint = uri))
            .WithMetrics(metrics => metrics
                .AddMeter(DecisionTelemetry.MeterName, LineageTelemetry.MeterName, StreamTelemetry.MeterName)
                .AddOtlpExporter(o => o.Endpoint = uri));
    }
}
