using Azure.Data.Tables;
using Orleans.Hosting;
using Warden.Storage.Azure;
using Warden.Storage.Options;

namespace Warden.Storage.Hosting;

/// <summary>Connects an external Orleans client to a Warden cluster on Azure Storage.</summary>
public static class AzureStorageClientBuilderExtensions
{
    /// <summary>
    /// Finds the cluster's gateways in the membership table that <see cref="AzureStorageSiloBuilderExtensions.AddWardenAzureStorage"/>
    /// maintains, and fails over between them. Give the same connection string and table prefix as the silos.
    /// </summary>
    /// <param name="builder">The client builder.</param>
    /// <param name="configure">Sets the connection string (required) and the table prefix.</param>
    /// <returns>The client builder.</returns>
    public static IClientBuilder UseWardenAzureClustering(this IClientBuilder builder, Action<AzureStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);

        var settings = AzureStorageSettings.From(configure);
        return builder.UseAzureStorageClustering((Orleans.Clustering.AzureStorage.AzureStorageGatewayOptions o) =>
        {
            o.TableServiceClient = new TableServiceClient(settings.ConnectionString);
            o.TableName = settings.Names.MembershipTable;
        });
    }
}
