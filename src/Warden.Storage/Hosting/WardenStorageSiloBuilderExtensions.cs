using Microsoft.Extensions.Configuration;
using Orleans.Hosting;
using Warden.Storage.Options;

namespace Warden.Storage.Hosting;

/// <summary>The one call a host makes: storage chosen by configuration.</summary>
public static class WardenStorageSiloBuilderExtensions
{
    /// <summary>
    /// Registers the storage mode that <c>Warden:Storage:Mode</c> names (see <see cref="WardenStorageSettings"/>):
    /// Embedded (default) → <see cref="EmbeddedStorageSiloBuilderExtensions.AddWardenEmbeddedStorage"/>;
    /// Azure → <see cref="AzureStorageSiloBuilderExtensions.AddWardenAzureStorage"/>, which also configures
    /// clustering; Memory → <see cref="MemoryStorageSiloBuilderExtensions.AddWardenMemoryStorage"/> (unit tests only).
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configuration">The application configuration (the root).</param>
    /// <returns>The silo builder.</returns>
    public static ISiloBuilder AddWardenStorage(this ISiloBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = WardenStorageSettings.Read(configuration);
        return settings.Mode switch
        {
            WardenStorageMode.Azure => builder.AddWardenAzureStorage(o =>
            {
                o.ConnectionString = settings.ConnectionString;
                o.TablePrefix = settings.TablePrefix;
                o.GrainStorage = settings.GrainStorage;
            }),
            WardenStorageMode.Memory => builder.AddWardenMemoryStorage(o => o.AllowOutsideDevelopment = settings.AllowMemory),
            _ => builder.AddWardenEmbeddedStorage(o =>
            {
                o.DataDirectory = settings.DataDirectory;
                o.Durability = settings.Durability;
            }),
        };
    }

    /// <summary>
    /// Whether the configured storage mode brings its own cluster membership (Azure). When it does not, the host
    /// configures single-node clustering itself (<c>UseLocalhostClustering</c>).
    /// </summary>
    /// <param name="configuration">The application configuration (the root).</param>
    /// <returns><see langword="true"/> in Azure mode.</returns>
    public static bool WardenStorageProvidesClustering(this IConfiguration configuration) =>
        WardenStorageSettings.Read(configuration).Mode == WardenStorageMode.Azure;
}
