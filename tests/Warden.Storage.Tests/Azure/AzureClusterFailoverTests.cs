using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Warden.Storage.Hosting;
using Warden.Storage.Options;
using Warden.Storage.Tests.Cluster;
using Warden.Testing;

namespace Warden.Storage.Tests.Azure;

/// <summary>
/// Two silos in this process on Azure Storage (Azurite), talking over loopback TCP: table membership, table or
/// blob grain state, table reminders, and an external client that finds gateways in the membership table.
/// A silo is stopped; what was written through it is read on the other, and its reminders fire on the other.
/// </summary>
/// <remarks>
/// Orleans' in-process test cluster replaces the membership table with its own in-memory one, so these silos are
/// plain hosts: the membership really goes through the Azure table.
/// </remarks>
[Collection(AzuriteCollection.Name)]
public sealed class AzureClusterFailoverTests(AzuriteFixture azurite)
{
    // Reminders are spread over both silos' ring ranges by grain hash; with this many, the stopped silo owns some
    // (all on one side has a chance of 2^-16), and every one of them must fire on the survivor.
    private const int Tickers = 16;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData(AzureGrainStorageKind.Table)]
    [InlineData(AzureGrainStorageKind.Blob)]
    public async Task StopSilo_StateWrittenThroughItAndReminders_SurviveOnTheOtherSilo(AzureGrainStorageKind kind)
    {
        var prefix = "T" + Guid.NewGuid().ToString("N")[..16];
        var ports = FreePort.Next(4);
        using var first = await StartSiloAsync(prefix, kind, ports[0], ports[1]);
        using var second = await StartSiloAsync(prefix, kind, ports[2], ports[3]);
        using var clientHost = await StartClientAsync(prefix);
        var client = clientHost.Services.GetRequiredService<IClusterClient>();

        var note = client.GetGrain<IDurableNoteGrain>($"note-{prefix}");
        await note.WriteAsync("opened");
        await note.WriteAsync("revoked");
        var victimAddress = await note.GetSiloAsync();
        var (victim, survivor) = Address(first).Equals(victimAddress) ? (first, second) : (second, first);

        var tickers = Enumerable.Range(0, Tickers).Select(i => $"ticker-{prefix}-{i}").ToArray();
        var firstTicks = tickers.Select(ReminderSignals.Expect).ToArray();
        await Task.WhenAll(tickers.Select(k => client.GetGrain<IDurableNoteGrain>(k).StartReminderAsync(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1))));
        await Task.WhenAll(firstTicks).WaitAsync(Timeout);

        await victim.StopAsync();
        var ticksAfterStop = tickers.Select(ReminderSignals.Expect).ToArray();

        var state = await note.ReadAsync();
        Assert.Equal("revoked", state.Text);
        Assert.Equal(new[] { "opened", "revoked" }, state.Tags);
        Assert.Equal(Address(survivor), await note.GetSiloAsync());
        var tickedOn = await Task.WhenAll(ticksAfterStop).WaitAsync(Timeout);
        Assert.All(tickedOn, silo => Assert.Equal(Address(survivor), silo));

        await Task.WhenAll(tickers.Select(k => client.GetGrain<IDurableNoteGrain>(k).StopReminderAsync()));
        Array.ForEach(tickers, ReminderSignals.Forget);
        await clientHost.StopAsync();
        await survivor.StopAsync();
    }

    private static SiloAddress Address(IHost silo) => silo.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;

    private void Configure(AzureStorageOptions options, string prefix, AzureGrainStorageKind kind)
    {
        options.ConnectionString = azurite.ConnectionString;
        options.TablePrefix = prefix;
        options.GrainStorage = kind;
    }

    private async Task<IHost> StartSiloAsync(string prefix, AzureGrainStorageKind kind, int siloPort, int gatewayPort)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = Environments.Development });
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (prefix, prefix));
            silo.ConfigureEndpoints(IPAddress.Loopback, siloPort, gatewayPort);
            silo.AddWardenAzureStorage(o => Configure(o, prefix, kind));
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private async Task<IHost> StartClientAsync(string prefix)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = Environments.Development });
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (prefix, prefix));
            client.UseWardenAzureClustering(o => Configure(o, prefix, AzureGrainStorageKind.Table));
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
