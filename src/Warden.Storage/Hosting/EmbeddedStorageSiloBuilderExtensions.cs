using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Runtime.Hosting;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using Warden.Storage.Options;
using Warden.Storage.Sqlite;

namespace Warden.Storage.Hosting;

/// <summary>Registers Warden's embedded single-node storage on a silo.</summary>
public static class EmbeddedStorageSiloBuilderExtensions
{
    /// <summary>
    /// Keeps grain state (<see cref="WardenStorageNames.Grains"/> and <see cref="WardenStorageNames.PubSub"/>) and
    /// reminders in one SQLite database in <see cref="EmbeddedStorageOptions.DataDirectory"/>. Idempotent: calling
    /// it again only adds <paramref name="configure"/>; combining it with another storage mode throws.
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configure">Sets the data directory (required) and the durability.</param>
    /// <returns>The silo builder.</returns>
    public static ISiloBuilder AddWardenEmbeddedStorage(this ISiloBuilder builder, Action<EmbeddedStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);

        var services = builder.Services;
        services.Configure(configure);
        if (!StorageModeRegistration.TryRegister(services, WardenStorageMode.Embedded))
        {
            return builder;
        }

        services.AddOptions<EmbeddedStorageOptions>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<EmbeddedStorageOptions>, EmbeddedStorageOptionsValidator>();
        services.AddTransient<IPostConfigureOptions<EmbeddedStorageOptions>, DefaultStorageProviderSerializerOptionsConfigurator<EmbeddedStorageOptions>>();
        services.AddSingleton<SqliteStore>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SqliteStoreLifecycle>();
        services.AddGrainStorage(WardenStorageNames.Grains, CreateGrainStorage);
        services.AddGrainStorage(WardenStorageNames.PubSub, CreateGrainStorage);

        builder.AddReminders();
        services.AddSingleton<IReminderTable, SqliteReminderTable>();
        return builder;
    }

    private static IGrainStorage CreateGrainStorage(IServiceProvider services, string name)
    {
        var store = services.GetRequiredService<SqliteStore>();
        return new SqliteGrainStorage(
            name,
            store,
            store.Options.GrainStorageSerializer ?? services.GetRequiredService<IGrainStorageSerializer>(),
            services.GetRequiredService<IActivatorProvider>(),
            services.GetRequiredService<ILogger<SqliteGrainStorage>>());
    }
}
