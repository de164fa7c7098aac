using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Warden.Client;
using Warden.Client.Operators;
using Warden.Host.Hosting;
using Warden.Protocol.V1;

namespace Warden.Host.Tests.Infrastructure;

/// <summary>
/// The real host (Kestrel on loopback with free ports, an in-process silo), built by the host's own
/// <see cref="Program.Build"/>, shared by a test collection. No operator key is configured, so the host generates one
/// in its data folder exactly as a first start does; the fixture reads it from there.
/// </summary>
public sealed class WardenHostFixture : IAsyncLifetime
{
    private WebApplication? _app;

    internal CapturedLogs Logs { get; } = new();

    public string DataPath { get; } = Path.Combine(Path.GetTempPath(), "warden-host-tests-" + Guid.NewGuid().ToString("N"));

    public Uri GrpcUri { get; private set; } = null!;

    public Uri HttpUri { get; private set; } = null!;

    public string OperatorKey { get; private set; } = string.Empty;

    public string OperatorKeyPath => Path.Combine(DataPath, Warden.Host.Security.OperatorKeyStore.DefaultFileName);

    public IServiceProvider Services => _app!.Services;

    public async Task InitializeAsync()
    {
        string[] args =
        [
            "--grpc-port", "0",
            "--http-port", "0",
            "--silo-port", Warden.Testing.FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--gateway-port", Warden.Testing.FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--data", DataPath,
        ];
        _app = Program.Build(args, builder =>
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(Logs);
            builder.Logging.SetMinimumLevel(LogLevel.Information);
            Configure(builder);
        });
        await _app.StartAsync();
        var endpoints = _app.Services.GetRequiredService<BoundEndpoints>();
        GrpcUri = endpoints.Grpc;
        HttpUri = endpoints.Http;
        OperatorKey = (await File.ReadAllTextAsync(OperatorKeyPath)).Trim();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Hook for fixtures that add test-only services (grain call filters).</summary>
    internal static void Configure(WebApplicationBuilder builder) =>
        builder.Services.AddSingleton<IIncomingGrainCallFilter, FaultInjectionFilter>();

    public WardenOperatorClient Operator(string? key = null) => WardenOperatorClient.Create(GrpcUri.ToString(), key ?? OperatorKey);

    public WardenClient Agent(string credential) => WardenClient.Create(GrpcUri.ToString(), credential);

    /// <summary>A raw channel, for calls with hand-made headers.</summary>
    public GrpcChannel Channel() => GrpcChannel.ForAddress(GrpcUri);

    public static Metadata Bearer(string token) => new() { { "authorization", "Bearer " + token } };
}

[CollectionDefinition(Name)]
public sealed class HostCollection : ICollectionFixture<WardenHostFixture>
{
    public const string Name = "host";
}
