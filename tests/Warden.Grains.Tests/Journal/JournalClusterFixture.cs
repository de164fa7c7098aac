using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.TestingHost;
using Warden.Grains.Hosting;
using Warden.Grains.Lineage;
using Warden.Lineage.Logs;

namespace Warden.Grains.Tests.Journal;

/// <summary>
/// Two silos with durable lineage over one shared (faulty) in-memory lineage log and memory grain storage. The session
/// state is written behind only on lifecycle changes here (huge count and delay, no write on deactivation), so a
/// deactivation stands in for a crash: whatever the state did not hold is only in lineage.
/// </summary>
public sealed class JournalClusterFixture : IAsyncLifetime
{
    internal FaultyLineageLog Log { get; } = new();

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(initialSilosCount: 2);
        var log = Log;
        builder.ConfigureSilo((_, silo) => Configure(silo, _ => log)); // FaultyLineageLog ignores disposal: both silos share it.
        builder.ConfigureClient(client => client.AddMemoryStreams("warden"));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    /// <summary>A silo with memory grain storage and durable lineage on <paramref name="log"/>, state written behind only on lifecycle changes.</summary>
    internal static void Configure(ISiloBuilder silo, Func<IServiceProvider, ILineageLog> log)
    {
        silo.AddMemoryGrainStorage("warden");
        silo.AddMemoryGrainStorage("PubSubStore");
        silo.AddMemoryStreams("warden");
        silo.UseInMemoryReminderService();
        silo.AddWardenGrains(_ => { });
        silo.AddWardenLineage(
            new WardenLineageOptions
            {
                Durability = LineageMode.Durable,
                ContextKey = new byte[32],
                StateWriteBehindDecisions = 1_000_000,
                StateWriteBehindDelay = TimeSpan.FromDays(1),
                WriteStateOnDeactivation = false,
            },
            log);
    }

    public async Task DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class JournalClusterCollection : ICollectionFixture<JournalClusterFixture>
{
    public const string Name = "warden journal cluster";
}
