using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Warden.Testing;

namespace Warden.Storage.Tests.Azure;

/// <summary>The fixture's Azurite answers on loopback with the connection string it hands out.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzuriteFixtureTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task ConnectionString_TablesAndBlobs_RoundTripOnLoopback()
    {
        Assert.Equal("127.0.0.1", azurite.TableEndpoint.Host);
        Assert.NotEqual(azurite.TableEndpoint.Port, azurite.BlobEndpoint.Port);

        var table = new TableServiceClient(azurite.ConnectionString).GetTableClient("Fixture" + Guid.NewGuid().ToString("N")[..8]);
        await table.CreateIfNotExistsAsync();
        await table.UpsertEntityAsync(new TableEntity("p", "r") { ["Value"] = "stored" });
        Assert.Equal("stored", (await table.GetEntityAsync<TableEntity>("p", "r")).Value.GetString("Value"));

        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("fixture-" + Guid.NewGuid().ToString("N")[..8]);
        await container.CreateIfNotExistsAsync();
        await container.GetBlobClient("b").UploadAsync(BinaryData.FromString("blob"));
        Assert.Equal("blob", (await container.GetBlobClient("b").DownloadContentAsync()).Value.Content.ToString());
    }
}
