using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Runtime.Placement;
using Orleans.TestingHost;
using Warden.Grains.Hosting;
using Warden.Grains.Revocation;
using Warden.Testing;

namespace Warden.Grains.Tests.KillSwitch;

/// <summary>
/// Three in-process silos whose grain state lives in one shared, durable store: Azure tables on a private Azurite. A
/// grain that deactivates, or whose silo dies, comes back on any silo from what was persisted, exactly as in a real
/// cluster (Orleans' memory storage would lose the state held by a dead silo). Placement is random so sessions spread
/// over every silo; the real clock runs; failure detection is fast so a killed silo is declared dead in seconds.
/// </summary>
public sealed class KillSwitchClusterFixture : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite = new();

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        var connection = _azurite.ConnectionString;
        var table = "KillSwitch" + Guid.NewGuid().ToString("N")[..12];
        var builder = new InProcessTestClusterBuilder(initialSilosCount: 3);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddAzureTableGrainStorage("warden", (AzureTableStorageOptions o) =>
            {
                o.TableServiceClient = new TableServiceClient(connection);
                o.TableName = table;
            });
            silo.AddMemoryGrainStorage("PubSubStore");
            silo.AddMemoryStreams("warden");
            silo.UseInMemoryReminderService();
            silo.AddWardenGrains();
            silo.Services.Replace(ServiceDescriptor.Singleton<ISessionTerminator, SwitchableTerminator>());
            silo.Services.Replace(ServiceDescriptor.Singleton<IRevocationFanOut, SwitchableFanOut>());
            silo.Services.AddSingleton<IRevocationObserver, ServerStamps>();
            silo.Services.AddSingleton<PlacementStrategy>(new RandomPlacement());
            silo.AddIncomingGrainCallFilter<FanOutProbe>();
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(1);
                o.NumMissedProbesLimit = 1;
                o.NumVotesForDeathDeclaration = 1;
            });
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10));
        });
        builder.ConfigureClient(client =>
        {
            client.AddMemoryStreams("warden");
            // Short, so the load's calls to sessions of a killed silo fail fast and move on to the new activations; a revoke
            // that times out on the client meanwhile is repeated by the test, as an operator would.
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10));
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    /// <summary>Kills a silo that is not the primary, and returns its address.</summary>
    public async Task KillAsync(SiloAddress victim)
    {
        var handle = Cluster.Silos.Single(s => s.SiloAddress.Equals(victim));
        await Cluster.KillSiloAsync(handle);
    }

    /// <summary>Brings the cluster back to three silos after a kill.</summary>
    public async Task RestoreAsync()
    {
        while (Cluster.Silos.Count < 3)
        {
            await Cluster.StartAdditionalSiloAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }

        await _azurite.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class KillSwitchCollection : ICollectionFixture<KillSwitchClusterFixture>
{
    public const string Name = "kill switch cluster";
}
