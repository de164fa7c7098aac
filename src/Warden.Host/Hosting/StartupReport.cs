using Warden.Host.Diagnostics;
using Warden.Host.Security;

namespace Warden.Host.Hosting;

/// <summary>Once the host has started: loads the operator key (a bad one stops the start) and logs where Warden listens.</summary>
internal sealed class StartupReport(OperatorKeyStore operatorKey, BoundEndpoints endpoints, IHostApplicationLifetime lifetime, ILogger<StartupReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        operatorKey.EnsureLoaded();
        lifetime.ApplicationStarted.Register(() => HostLog.Listening(logger, endpoints.Grpc, endpoints.Http));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
