using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Hosting;
using Orleans.Runtime.Hosting;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using Warden.Storage.Memory;
using Warden.Storage.Options;

namespace Warden.Storage.Hosting;

/// <summary>Registers Warden's memory-only storage on a silo: for unit tests only.</summary>
public static class MemoryStorageSiloBuilderExtensions
{
    /// <summary>
    /// Keeps grain state and reminders in memory, lost on restart. For unit tests only: the node refuses to
    /// start outside the Development environment unless <see cref="MemoryStorageOptions.AllowOutsideDevelopment"/>
    /// is set. Idempotent; combining it with another storage mode throws.
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configure">Optionally allows the mode outside Development.</param>
    /// <returns>The silo builder.</returns>
    public static ISiloBuilder AddWardenMemoryStorage(this ISiloBuilder builder, Action<MemoryStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);

        var services = builder.Services;
        if (configure is not null)
        {
            services.Configure(configure);
        }

        if (!StorageModeRegistration.TryRegister(services, WardenStorageMode.Memory))
        {
            return builder;
        }

        services.AddOptions<MemoryStorageOptions>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<MemoryStorageOptions>, MemoryStorageOptionsValidator>();
        // In this process, not Orleans' storage grains: the mode is single-silo, and a storage grain call per write
        // was most of a decision's state-write cost (see InProcessGrainStorage).
        services.AddGrainStorage(WardenStorageNames.Grains, CreateGrainStorage);
        services.AddGrainStorage(WardenStorageNames.PubSub, CreateGrainStorage);
        builder.UseInMemoryReminderService();
        return builder;
    }

    private static IGrainStorage CreateGrainStorage(IServiceProvider services, string name) =>
        new InProcessGrainStorage(services.GetRequiredService<IGrainStorageSerializer>(), services.GetRequiredService<IActivatorProvider>());
}
