using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Warden.Grains.Events;
using Warden.Grains.Options;
using Warden.Grains.Persistence;
using Warden.Grains.Policy;
using Warden.Grains.Revocation;

namespace Warden.Grains.Hosting;

/// <summary>Registers what Warden's grains need in a silo.</summary>
public static class WardenGrainsExtensions
{
    /// <summary>
    /// Adds Warden's grains' services: <see cref="SessionOptions"/> (validated at start), <see cref="WardenEventOptions"/>
    /// (configure or bind it yourself, e.g. <c>services.Configure&lt;WardenEventOptions&gt;(section)</c>), the per-silo
    /// policy cache, and <see cref="TimeProvider.System"/> unless a <see cref="TimeProvider"/> is registered already.
    /// Idempotent. The silo must also provide grain storage and a stream provider named <c>"warden"</c> and a reminder service.
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configure">Optional changes to <see cref="SessionOptions"/>.</param>
    public static ISiloBuilder AddWardenGrains(this ISiloBuilder builder, Action<SessionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddWardenGrains(configure);
        return builder;
    }

    /// <summary>The <see cref="IServiceCollection"/> half of <see cref="AddWardenGrains(ISiloBuilder, Action{SessionOptions}?)"/>.</summary>
    /// <param name="services">The silo's services.</param>
    /// <param name="configure">Optional changes to <see cref="SessionOptions"/>.</param>
    public static IServiceCollection AddWardenGrains(this IServiceCollection services, Action<SessionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (configure is not null)
        {
            services.Configure(configure);
        }

        if (services.Any(d => d.ServiceType == typeof(WardenGrainsMarker)))
        {
            return services;
        }

        services.AddSingleton<WardenGrainsMarker>();
        services.AddOptions<SessionOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SessionOptions>, SessionOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PolicyCache>();
        services.AddOptions<WardenEventOptions>();
        services.TryAddSingleton<TenantEventBatcher>();
        services.TryAddSingleton<ISessionTerminator, AcknowledgedSessionTerminator>();
        services.AddOptions<RevocationOptions>();
        services.TryAddSingleton<RevocationTable>();
        services.TryAddSingleton<CredentialRevocations>();
        services.TryAddSingleton<RevocationTableClient>();
        services.TryAddSingleton<AcknowledgedRevocationFanOut>();
        services.TryAddSingleton<IRevocationFanOut>(sp => sp.GetRequiredService<AcknowledgedRevocationFanOut>());
        services.AddGrainService<RevocationTableService>();
        services.TryAddSingleton<IAttributeToFactoryMapper<DirectPersistentStateAttribute>, DirectPersistentStateMapper>();
        return services;
    }

    /// <summary>Marks the registration as done, so a second call adds nothing but configuration.</summary>
    private sealed class WardenGrainsMarker;
}
