using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Serialization;
using Orleans.Storage;
using Warden.Grains.Sessions;

namespace Warden.Grains.Tests.Cluster;

/// <summary>
/// The same two-silo cluster as <see cref="WardenClusterFixture"/> with the host's grain-state serializer: Orleans
/// binary, and session state in <see cref="SessionStateStorageSerializer"/>'s own encoding (the memory grain storage
/// writes through it).
/// </summary>
public sealed class SessionStateEncodingClusterFixture : WardenClusterFixture
{
    protected override void ConfigureSilo(ISiloBuilder silo)
    {
        silo.Services.RemoveAll<IGrainStorageSerializer>();
        silo.Services.AddSingleton<IGrainStorageSerializer>(sp => new SessionStateStorageSerializer(
            ActivatorUtilities.CreateInstance<OrleansGrainStorageSerializer>(sp),
            sp.GetRequiredService<Serializer>()));
    }
}

[CollectionDefinition(Name)]
public sealed class SessionStateEncodingClusterCollection : ICollectionFixture<SessionStateEncodingClusterFixture>
{
    public const string Name = "warden cluster, session state encoding";
}
