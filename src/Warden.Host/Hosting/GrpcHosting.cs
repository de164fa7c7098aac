using Microsoft.Extensions.DependencyInjection.Extensions;
using Warden.Host.Security;
using Warden.Host.Services;
using Warden.Host.Validation;

namespace Warden.Host.Hosting;

/// <summary>The gRPC services, their one interceptor (<see cref="CallInterceptor"/>: authentication and exception mapping) and the security services.</summary>
public static class GrpcHosting
{
    /// <summary>Registers gRPC, the interceptor, the operator key and the authenticator.</summary>
    public static IServiceCollection AddWardenGrpc(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<OperatorKeyStore>();
        services.TryAddSingleton<CallerAuthenticator>();

        // Stateless, so one instance each: without a registration gRPC activates the interceptor and the agent
        // service anew for every call, on the decision path.
        services.TryAddSingleton<CallInterceptor>();
        services.TryAddSingleton<AgentRuntimeService>();
        services.TryAddSingleton<SessionGrainReferences>();
        services.AddHostedService<StartupReport>();
        services.AddGrpc(grpc =>
        {
            grpc.Interceptors.Add<CallInterceptor>();
            grpc.MaxReceiveMessageSize = RequestLimits.MaxMessageBytes;
            grpc.EnableDetailedErrors = false;
        });
        return services;
    }

    /// <summary>Maps the Warden gRPC services.</summary>
    public static WebApplication MapWardenGrpc(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGrpcService<AgentRuntimeService>();
        app.MapGrpcService<OperatorService>();
        return app;
    }
}
