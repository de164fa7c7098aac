using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using Warden.Storage.Options;
using Warden.Storage.Sqlite;

namespace Warden.Storage.Tests.Support;

/// <summary>
/// The services a silo gives a storage provider (its configured grain storage serializer, its activators), taken
/// from a silo host that is built but never started.
/// </summary>
public sealed class OrleansServices : IDisposable
{
    private readonly IHost _host;

    public OrleansServices()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleans(silo => silo.UseLocalhostClustering());
        _host = builder.Build();
        Serializer = _host.Services.GetRequiredService<IGrainStorageSerializer>();
        Activators = _host.Services.GetRequiredService<IActivatorProvider>();
    }

    public IGrainStorageSerializer Serializer { get; }

    public IActivatorProvider Activators { get; }

    internal static SqliteStore NewStore(string directory, Action<EmbeddedStorageOptions>? configure = null)
    {
        var options = new EmbeddedStorageOptions { DataDirectory = directory };
        configure?.Invoke(options);
        return new SqliteStore(Microsoft.Extensions.Options.Options.Create(options), NullLogger<SqliteStore>.Instance);
    }

    internal SqliteGrainStorage NewGrainStorage(SqliteStore store, string name = WardenStorageNames.Grains) =>
        new(name, store, Serializer, Activators, NullLogger<SqliteGrainStorage>.Instance);

    public void Dispose() => _host.Dispose();
}
