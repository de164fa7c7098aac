using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Warden.Client;
using Warden.Client.Operators;
using Warden.Host;
using Warden.Host.Hosting;

namespace Warden.Cluster.Tests.Infrastructure;

/// <summary>The host built by its own <see cref="Program.Build"/> in this process, on free loopback ports.</summary>
internal sealed class InProcessHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private InProcessHost(WebApplication app, Uri grpc, string operatorKey)
    {
        _app = app;
        Grpc = grpc;
        OperatorKey = operatorKey;
    }

    public Uri Grpc { get; }

    public string OperatorKey { get; }

    /// <summary>Starts a host on <paramref name="dataPath"/> with only the command line an operator would give.</summary>
    public static async Task<InProcessHost> StartAsync(string dataPath, params string[] extraArguments)
    {
        var ports = Warden.Testing.FreePort.Next(2);
        string[] args =
        [
            "--grpc-port", "0", "--http-port", "0",
            "--silo-port", ports[0].ToString(CultureInfo.InvariantCulture),
            "--gateway-port", ports[1].ToString(CultureInfo.InvariantCulture),
            "--data-path", dataPath,
            .. extraArguments,
        ];
        var app = Program.Build(args, builder => builder.Logging.SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync();
        var grpc = app.Services.GetRequiredService<BoundEndpoints>().Grpc;
        var keyFile = Path.Combine(dataPath, "operator.key");
        var key = File.Exists(keyFile) ? (await File.ReadAllTextAsync(keyFile)).Trim() : string.Empty;
        return new InProcessHost(app, grpc, key);
    }

    public WardenOperatorClient Operator() => WardenOperatorClient.Create(Grpc.ToString(), OperatorKey);

    public WardenClient Agent(string credential) => WardenClient.Create(Grpc.ToString(), credential);

    /// <summary>A graceful stop, as <c>systemctl stop</c> or Ctrl+C does it.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
