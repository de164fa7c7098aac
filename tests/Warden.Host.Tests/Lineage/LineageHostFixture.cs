using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Warden.Client;
using Warden.Client.Operators;
using Warden.Host.Hosting;
using Warden.Host.Tests.Infrastructure;
using Warden.Protocol.V1;

namespace Warden.Host.Tests.Lineage;

/// <summary>
/// The real host with durable lineage in its data folder (<c>lineage.db</c>) and one sensitive argument path
/// (<c>$.input.password</c>), shared by the lineage tests.
/// </summary>
public sealed class LineageHostFixture : IAsyncLifetime
{
    public const string SensitivePath = "$.input.password";

    private WebApplication? _app;

    public string DataPath { get; } = Path.Combine(Path.GetTempPath(), "warden-lineage-tests-" + Guid.NewGuid().ToString("N"));

    public Uri GrpcUri { get; private set; } = null!;

    public Uri HttpUri { get; private set; } = null!;

    public string OperatorKey { get; private set; } = string.Empty;

    public string LineageFile => Path.Combine(DataPath, "lineage.db");

    /// <summary>The running host's services.</summary>
    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("The host is not started.");

    public async Task InitializeAsync()
    {
        string[] args =
        [
            "--grpc-port", "0",
            "--http-port", "0",
            "--silo-port", Warden.Testing.FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--gateway-port", Warden.Testing.FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--data", DataPath,
            "--Warden:Lineage:Durability=Durable",
            "--Warden:Lineage:SensitiveArguments:0=" + SensitivePath,
        ];
        _app = Program.Build(args, builder =>
        {
            builder.Logging.ClearProviders();
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        await _app.StartAsync();
        var endpoints = _app.Services.GetRequiredService<BoundEndpoints>();
        GrpcUri = endpoints.Grpc;
        HttpUri = endpoints.Http;
        OperatorKey = (await File.ReadAllTextAsync(Path.Combine(DataPath, Warden.Host.Security.OperatorKeyStore.DefaultFileName))).Trim();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public WardenOperatorClient Operator() => WardenOperatorClient.Create(GrpcUri.ToString(), OperatorKey);

    public WardenClient Agent(string credential) => WardenClient.Create(GrpcUri.ToString(), credential);

    public GrpcChannel Channel() => GrpcChannel.ForAddress(GrpcUri);

    public Metadata Bearer() => new() { { "authorization", "Bearer " + OperatorKey } };

    public Protocol.V1.Lineage.LineageClient LineageClient(GrpcChannel channel) => new(channel.Intercept(h =>
    {
        h.Add("authorization", "Bearer " + OperatorKey);
        return h;
    }));

    public Watch.WatchClient WatchClient(GrpcChannel channel) => new(channel.Intercept(h =>
    {
        h.Add("authorization", "Bearer " + OperatorKey);
        return h;
    }));
}

[CollectionDefinition(Name)]
public sealed class LineageHostCollection : ICollectionFixture<LineageHostFixture>
{
    public const string Name = "lineage-host";
}
