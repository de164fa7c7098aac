using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Reminders;
using Orleans.TestingHost;
using Microsoft.Extensions.Logging;
using Warden.Grains.Events;
using Warden.Grains.Hosting;

namespace Warden.Grains.Tests.Cluster;

/// <summary>
/// One in-process Orleans cluster of two silos shared by every test in the <see cref="WardenClusterCollection"/>:
/// memory grain storage and memory streams named "warden", in-memory reminders, and one fake clock registered as the
/// silos' <see cref="TimeProvider"/> (grain code, grain timers and reminders all read it).
/// </summary>
/// <remarks>
/// <para>
/// Only the areas a test drives run on the fake clock: grain code and grain timers (the default
/// <see cref="TimeProvider"/>) and the reminder service (<c>ReminderTimeProviderNames.Reminders</c>). Orleans' own
/// machinery (messaging and its request timeouts, membership, the grain directory, stream pulling agents and queue
/// balancers, system timers) runs on real time. Before 2026-12-07 it all ran on the fake clock; a jump of the clock
/// then looked, to messaging and streaming, like minutes passing in an instant, and tenant-stream probes occasionally
/// received nothing for 30 s when every test assembly ran at once.
/// </para>
/// <para>
/// The fake clock still follows real time (<see cref="RunningClock"/>), so grain timers and reminders that are not
/// jumped to fire on time; tests jump it ahead to reach expiries, and await signals.
/// </para>
/// </remarks>
public class WardenClusterFixture : IAsyncLifetime
{
    private RunningClock? _running;

    /// <summary>The fake clock; it follows real time and tests jump it ahead.</summary>
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));

    /// <summary>Moves the clock to <paramref name="instant"/>, rounded up to a whole millisecond (or leaves it when it is already past it).</summary>
    public void JumpTo(DateTimeOffset instant)
    {
        // The clock stays on whole milliseconds (see RunningClock).
        var ticks = instant.UtcTicks % TimeSpan.TicksPerMillisecond;
        instant = ticks == 0 ? instant : instant.AddTicks(TimeSpan.TicksPerMillisecond - ticks);
        var now = Clock.GetUtcNow();
        if (instant > now)
        {
            Clock.Advance(instant - now);
        }
    }

    public InProcessTestCluster Cluster { get; private set; } = null!;

    /// <summary>The silos' and the client's recent log lines, for a probe that times out.</summary>
    internal ClusterLog Log { get; } = new();

    /// <summary>What each silo's tenant-event batcher is doing, one line per silo.</summary>
    internal IEnumerable<string> DescribeBatchers() =>
        Cluster.Silos.Select(s => $"{s.SiloAddress}: {s.ServiceProvider.GetRequiredService<TenantEventBatcher>().Describe()}");

    public IClusterClient Client => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(initialSilosCount: 2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddLogging(logging => logging.AddProvider(Log));
            silo.AddMemoryGrainStorage("warden");
            silo.AddMemoryGrainStorage("PubSubStore");
            silo.AddMemoryStreams("warden");
            silo.UseInMemoryReminderService();
            silo.Services.AddSingleton<TimeProvider>(Clock);
            silo.Services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
            silo.Services.AddKeyedSingleton<TimeProvider>(ReminderTimeProviderNames.Reminders, Clock);
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            silo.AddWardenGrains(o =>
            {
                // Far enough apart that a test can tell the clock check, the timer and the reminder apart.
                o.ExpirySweepDelay = TimeSpan.FromSeconds(20);
                o.ReminderDelay = TimeSpan.FromSeconds(60);
                o.ReminderPeriod = TimeSpan.FromSeconds(5);
            });
            ConfigureSilo(silo);
        });
        builder.ConfigureClient(client =>
        {
            client.Services.AddLogging(logging => logging.AddProvider(Log));
            client.AddMemoryStreams("warden");
        });
        _running = new RunningClock(Clock);
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    /// <summary>What a cluster with other options than the default adds to each silo's configuration.</summary>
    /// <param name="silo">The silo builder, after Warden's grains are added.</param>
    protected virtual void ConfigureSilo(ISiloBuilder silo)
    {
    }

    public async Task DisposeAsync()
    {
        if (_running is not null)
        {
            await _running.DisposeAsync();
        }

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
