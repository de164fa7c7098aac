using Orleans.Hosting;
using Orleans.TestingHost;
using Warden.Storage.Hosting;
using Warden.Testing;

namespace Warden.Storage.Tests.Cluster;

/// <summary>
/// A whole cluster on the embedded store is stopped and a new one started on the same data directory:
/// grain state and reminders are as they were.
/// </summary>
public sealed class EmbeddedClusterRestartTests : IDisposable
{
    private static readonly TimeSpan TickTimeout = TimeSpan.FromSeconds(90);
    private readonly TempDirectory _directory = TempDirectory.Create("cluster-restart");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Restart_WholeCluster_StateAndReminderSurvive()
    {
        var key = $"restart-{Guid.NewGuid():N}";

        await using (var first = await StartClusterAsync())
        {
            var grain = first.Client.GetGrain<IDurableNoteGrain>(key);
            await grain.WriteAsync("opened");
            await grain.WriteAsync("granted");

            // The reminder proves itself once before the restart, so the test knows it was registered durably.
            var firstTick = ReminderSignals.Expect(key);
            await grain.StartReminderAsync(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
            await firstTick.WaitAsync(TickTimeout);
            await first.StopAllSilosAsync();
        }

        // Listen only now: a tick from here on can only come from the new cluster.
        var tickAfterRestart = ReminderSignals.Expect(key);
        await using var second = await StartClusterAsync();
        var revived = second.Client.GetGrain<IDurableNoteGrain>(key);

        var state = await revived.ReadAsync();
        Assert.Equal("granted", state.Text);
        Assert.Equal(2, state.Revision);
        Assert.Equal(new[] { "opened", "granted" }, state.Tags);

        var tickedOn = await tickAfterRestart.WaitAsync(TickTimeout);
        Assert.Equal(second.Silos.Single().SiloAddress, tickedOn);
        await revived.StopReminderAsync();
        ReminderSignals.Forget(key);
    }

    private async Task<InProcessTestCluster> StartClusterAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ServiceId = "warden-restart-test";
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddWardenEmbeddedStorage(o => o.DataDirectory = _directory.Path);
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
