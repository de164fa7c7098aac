using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Serialization.Configuration;
using Warden.Events;
using Warden.Grains.Events;

namespace Warden.Grains.Hosting;

/// <summary>Registers the stream provider Warden publishes its events on, in a silo and in an external client.</summary>
public static class WardenEventStreamsExtensions
{
    /// <summary>
    /// Adds Orleans' memory streams as <paramref name="name"/> with <see cref="EventMessageBodySerializer"/> as their
    /// message encoding (each session event is encoded once for its session and its tenant stream). Every silo of a
    /// cluster must register the provider this way, and an external Orleans client that subscribes to Warden's
    /// streams registers it with <see cref="AddWardenEventStreams(IClientBuilder, string)"/>.
    /// </summary>
    /// <param name="silo">The silo builder.</param>
    /// <param name="name">The provider's name (<see cref="WardenStreams.ProviderName"/> by default).</param>
    public static ISiloBuilder AddWardenEventStreams(this ISiloBuilder silo, string name = WardenStreams.ProviderName)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentException.ThrowIfNullOrEmpty(name);
        AddEncoding(silo.Services);
        silo.AddMemoryStreams<EventMessageBodySerializer>(name);
        return silo;
    }

    /// <summary>
    /// For an external Orleans client that subscribes to Warden's event streams: the memory stream provider
    /// <paramref name="name"/> with the silos' message encoding. Stream messages carry the encoding's type and are
    /// decoded by the subscriber, so a client registered with plain <c>AddMemoryStreams</c> cannot read them (each
    /// delivery fails and is logged by the silo).
    /// </summary>
    /// <param name="client">The client builder.</param>
    /// <param name="name">The provider's name (<see cref="WardenStreams.ProviderName"/> by default).</param>
    public static IClientBuilder AddWardenEventStreams(this IClientBuilder client, string name = WardenStreams.ProviderName)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(name);
        AddEncoding(client.Services);
        client.AddMemoryStreams<EventMessageBodySerializer>(name);
        return client;
    }

    private static void AddEncoding(IServiceCollection services)
    {
        // One instance per process: the session publishers and the tenant batcher share its encodings.
        services.TryAddSingleton<EventMessageBodySerializer>();

        // Stream messages name the encoding's type (MemoryBatchContainer<EventMessageBodySerializer>); Orleans reads
        // only types it was told about.
        services.Configure<TypeManifestOptions>(o => o.AddAllowedType(typeof(EventMessageBodySerializer)));
    }
}
