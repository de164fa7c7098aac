using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Warden.Storage.Hosting;
using Warden.Storage.Options;

namespace Warden.Bench.Storage;

/// <summary>
/// Grain-state writes per second through Orleans' <c>IPersistentState.WriteStateAsync</c> on one silo:
/// the embedded SQLite store at FULL and NORMAL durability, against memory storage. Each invocation makes
/// <see cref="WritesPerInvoke"/> acknowledged writes spread over <see cref="Concurrency"/> grains writing in parallel,
/// so the reported time is per write (writes/s = 1 s / time).
/// </summary>
[MemoryDiagnoser(displayGenColumns: false)]
[MedianColumn]
[Config(typeof(InProcessConfig))]
public class GrainStateWriteBenchmarks
{
    private const int WritesPerInvoke = 64;

    private IHost? _silo;
    private IGrainFactory? _grains;
    private string? _dataDirectory;
    private long _value;

    [Params("Memory", "SqliteFull", "SqliteNormal")]
    public string Store { get; set; } = "Memory";

    [Params(1, 64)]
    public int Concurrency { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _dataDirectory = Path.Combine(Path.GetTempPath(), "warden-bench", Guid.NewGuid().ToString("N"));
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            EnvironmentName = Environments.Development,
        });
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort: FreePort(), gatewayPort: FreePort());
            _ = Store switch
            {
                "Memory" => silo.AddWardenMemoryStorage(),
                "SqliteFull" => silo.AddWardenEmbeddedStorage(o => (o.DataDirectory, o.Durability) = (_dataDirectory, SqliteDurability.Full)),
                "SqliteNormal" => silo.AddWardenEmbeddedStorage(o => (o.DataDirectory, o.Durability) = (_dataDirectory, SqliteDurability.Normal)),
                _ => throw new InvalidOperationException(Store),
            };
        });
        _silo = builder.Build();
        await _silo.StartAsync();
        _grains = _silo.Services.GetRequiredService<IGrainFactory>();

        // Activate every grain once so the measurement is writes, not activations.
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(i => _grains.GetGrain<IBenchStateGrain>(i).WriteAsync(0)));
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_silo is not null)
        {
            await _silo.StopAsync();
            _silo.Dispose();
        }

        if (_dataDirectory is not null && Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    [Benchmark(OperationsPerInvoke = WritesPerInvoke)]
    public Task WriteState()
    {
        var perGrain = WritesPerInvoke / Concurrency;
        return Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async i =>
        {
            var grain = _grains!.GetGrain<IBenchStateGrain>(i);
            for (var n = 0; n < perGrain; n++)
            {
                await grain.WriteAsync(Interlocked.Increment(ref _value));
            }
        }));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
