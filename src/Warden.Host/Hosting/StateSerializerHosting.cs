using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Serialization;
using Orleans.Storage;
using Warden.Grains.Sessions;

namespace Warden.Host.Hosting;

/// <summary>
/// Grain state is stored with Orleans' binary serializer (<see cref="OrleansGrainStorageSerializer"/>, version
/// tolerant through the state types' <c>[Id]</c> fields) instead of Orleans' default Newtonsoft JSON. A session writes
/// its state before every answer, and with JSON that serialization cost more than both gates together: 15 % of the
/// host's CPU under load, and 74.5 KB allocated per decision against 25.4 KB (<c>SessionDecisionBenchmarks</c>,
/// <c>docs/benchmarks.md</c>). Every storage provider that takes the silo's <see cref="IGrainStorageSerializer"/>
/// (memory, the embedded store, Azure) uses it. Session state has its own encoding on top
/// (<see cref="SessionStateStorageSerializer"/>: the parts a decision does not change are encoded once and reused).
/// </summary>
public static class StateSerializerHosting
{
    /// <summary>Makes the binary serializer the silo's grain-state serializer. Call after the silo was added.</summary>
    /// <param name="services">The host's services.</param>
    public static IServiceCollection AddWardenStateSerializer(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.RemoveAll<IGrainStorageSerializer>();
        services.AddSingleton<IGrainStorageSerializer>(sp => new SessionStateStorageSerializer(
            ActivatorUtilities.CreateInstance<OrleansGrainStorageSerializer>(sp),
            sp.GetRequiredService<Serializer>()));
        return services;
    }
}
