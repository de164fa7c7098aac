using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Warden.Host.Health;

/// <summary>The standard gRPC health service (<c>grpc.health.v1.Health</c>) and <c>GET /healthz</c>, both fed by the same checks.</summary>
public static class HealthHosting
{
    /// <summary>Registers the health checks and the gRPC health service.</summary>
    public static IServiceCollection AddWardenHealth(this IServiceCollection services)
    {
        services.AddGrpcHealthChecks().AddCheck<SiloHealthCheck>("silo");
        return services;
    }

    /// <summary>Maps the gRPC health service and <c>/healthz</c> (200 "Healthy" or 503 "Unhealthy").</summary>
    public static WebApplication MapWardenHealth(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGrpcHealthChecksService();
        app.MapHealthChecks("/healthz", new HealthCheckOptions
        {
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        });
        return app;
    }
}
