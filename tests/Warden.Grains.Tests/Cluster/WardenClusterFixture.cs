using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;
using Warden.Grains.Hosting;

namespace Warden.Grains.Tests.Cluster;

/// <summary>
/// One in-process Orleans cluster of two silos shared by every test in the <see cref="WardenClusterCollection"/>:
/// memory grain storage and memory streams named "warden", in-memory reminders, and one fake clock registered as the
/// silos' <see cref="TimeProvider"/> (grain code, grain timers and reminders all read it).
/// </summary>
public sealed class WardenClusterFixture : IAsyncLifetime
{
    /// <summary>The fake clock; tests move it forward only.</summary>
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(initialSilosCount: 2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage("warden");
            silo.AddMemoryGrainStorage("PubSubStore");
            silo.AddMemoryStreams("warden");
            silo.UseInMemoryReminderService();
            silo.Services.AddSingleton<TimeProvider>(Clock);
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            silo.AddWardenGrains(o =>
            {
                o.ReminderPeriod = TimeSpan.FromSeconds(1);
                o.ReminderDelay = TimeSpan.FromSeconds(30);
            });
        });
        builder.ConfigureClient(client => client.AddMemoryStreams("warden"));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
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
public sealed class WardenClusterCollection : ICollectionFixture<WardenClusterFixture>
{
    public const string Name = "warden cluster";
}
