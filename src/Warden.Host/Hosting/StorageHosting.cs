using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Warden.Storage;
using Warden.Storage.Hosting;
using Warden.Storage.Options;

namespace Warden.Host.Hosting;

/// <summary>
/// The one place where the silo's storage is chosen, by <c>Warden:Storage:Mode</c> (see <c>docs/storage.md</c>):
/// grain state (<c>warden</c>), stream pub-sub state (<c>PubSubStore</c>) and reminders go to the embedded SQLite
/// database (default), to Azure Storage, or to memory (unit tests only). The <c>warden</c> stream provider's
/// subscriptions live in <c>PubSubStore</c>, so they are as durable as the grain state.
/// </summary>
public static class StorageHosting
{
    /// <summary>The grain storage name the grains use.</summary>
    public const string GrainStorage = WardenStorageNames.Grains;

    /// <summary>The stream provider name.</summary>
    public const string StreamProvider = "warden";

    /// <summary>
    /// Makes the embedded store live in the host's data folder (<c>Warden:DataPath</c>, <c>--data-path</c>) unless
    /// <c>Warden:Storage:DataDirectory</c> names another one: one folder for <c>operator.key</c>, <c>warden.db</c> and
    /// the lineage files. Call after every other configuration source was added.
    /// </summary>
    /// <param name="configuration">The host's configuration.</param>
    public static void DefaultStorageDirectoryToDataPath(ConfigurationManager configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var storageDirectory = $"{WardenStorageNames.ConfigurationSection}:{nameof(WardenStorageSettings.DataDirectory)}";
        if (!string.IsNullOrWhiteSpace(configuration[storageDirectory]))
        {
            return;
        }

        var dataPath = configuration[$"{WardenHostOptions.SectionName}:{nameof(WardenHostOptions.DataPath)}"];
        // INVARIANT: the key is unset in every source, so a source added last only fills the gap and overrides nothing.
        configuration.Sources.Add(new MemoryConfigurationSource
        {
            InitialData = [new(storageDirectory, string.IsNullOrWhiteSpace(dataPath) ? new WardenHostOptions().DataPath : dataPath)],
        });
    }

    /// <summary>
    /// Sets the stream cache's eviction so a message stays about <paramref name="retention"/>: purged once it has been
    /// cached that long and is that much older than the newest message (Orleans' defaults are 5 and 30 minutes). The
    /// metadata of a stream (its last sequence token, which spares an active subscriber a cache miss) stays twice as long.
    /// </summary>
    /// <param name="options">The provider's eviction options.</param>
    /// <param name="retention">How long a message stays.</param>
    internal static void ApplyCacheRetention(StreamCacheEvictionOptions options, TimeSpan retention)
    {
        options.DataMinTimeInCache = retention;
        options.DataMaxAgeInCache = retention;
        options.MetadataMinTimeInCache = retention * 2;
    }

    /// <summary>Adds the storage, streams and reminders the grains need, as configured.</summary>
    /// <param name="silo">The silo builder.</param>
    /// <param name="configuration">The host's configuration (the root).</param>
    public static ISiloBuilder AddWardenHostStorage(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(configuration);
        silo.AddWardenStorage(configuration);
        silo.AddMemoryStreams(StreamProvider, streams => streams.ConfigureCacheEviction(eviction =>
            eviction.Configure<IOptions<WardenHostOptions>>((options, host) => ApplyCacheRetention(options, host.Value.StreamCacheRetention))));
        return silo;
    }
}
