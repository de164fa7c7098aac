using Azure.Data.Tables;
using Orleans.Hosting;
using Orleans.TestingHost;
using Warden.Lineage.Logs.Azure;
using Warden.Testing;

namespace Warden.Grains.Tests.Journal;

/// <summary>One silo with durable lineage in the Azure table log of a private Azurite (cluster mode's lineage store).</summary>
public sealed class AzureJournalClusterFixture : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite = new();

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        var connection = _azurite.ConnectionString;
        var builder = new InProcessTestClusterBuilder(initialSilosCount: 1);
        builder.ConfigureSilo((_, silo) => JournalClusterFixture.Configure(
            silo,
            _ => AzureTableLineageLog.OpenAsync(new TableServiceClient(connection), new AzureTableLineageLogOptions { TableName = "JournalLineage" }).GetAwaiter().GetResult()));
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

        await _azurite.DisposeAsync();
    }
}
