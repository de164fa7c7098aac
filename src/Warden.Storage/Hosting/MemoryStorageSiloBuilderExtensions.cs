using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Hosting;
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
        builder.AddMemoryGrainStorage(WardenStorageNames.Grains);
        builder.AddMemoryGrainStorage(WardenStorageNames.PubSub);
        builder.UseInMemoryReminderService();
        return builder;
    }
}
