using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Warden.Storage.Azure;
using Warden.Storage.Options;

namespace Warden.Storage.Hosting;

/// <summary>Registers Warden's cluster mode on Azure Storage on a silo.</summary>
public static class AzureStorageSiloBuilderExtensions
{
    /// <summary>
    /// Keeps grain state (<see cref="WardenStorageNames.Grains"/> and <see cref="WardenStorageNames.PubSub"/>, in
    /// tables or blobs), cluster membership and reminders in one Azure Storage account, all from
    /// <see cref="AzureStorageOptions.ConnectionString"/>. The options are validated here and a bad one throws
    /// naming it. Idempotent for the same options; different options or another storage mode throw.
    /// </summary>
    /// <remarks>This configures clustering: do not also call <c>UseLocalhostClustering</c>.</remarks>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configure">Sets the connection string (required), the table prefix and the grain storage kind.</param>
    /// <returns>The silo builder.</returns>
    public static ISiloBuilder AddWardenAzureStorage(this ISiloBuilder builder, Action<AzureStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);

        var settings = AzureStorageSettings.From(configure);
        if (!StorageModeRegistration.TryRegister(builder.Services, WardenStorageMode.Azure, settings))
        {
            return builder;
        }

        // Published for other components (lineage) that keep their data in the same account.
        builder.Services.AddOptions<AzureStorageOptions>().Configure(settings.CopyTo);

        foreach (var name in new[] { WardenStorageNames.Grains, WardenStorageNames.PubSub })
        {
            if (settings.GrainStorage == AzureGrainStorageKind.Blob)
            {
                builder.AddAzureBlobGrainStorage(name, (Orleans.Configuration.AzureBlobStorageOptions o) =>
                {
                    o.BlobServiceClient = new BlobServiceClient(settings.ConnectionString);
                    o.ContainerName = settings.Names.GrainStateContainer;
                });
            }
            else
            {
                builder.AddAzureTableGrainStorage(name, (Orleans.Configuration.AzureTableStorageOptions o) =>
                {
                    o.TableServiceClient = new TableServiceClient(settings.ConnectionString);
                    o.TableName = settings.Names.GrainStateTable;
                });
            }
        }

        builder.UseAzureStorageClustering((Orleans.Clustering.AzureStorage.AzureStorageClusteringOptions o) =>
        {
            o.TableServiceClient = new TableServiceClient(settings.ConnectionString);
            o.TableName = settings.Names.MembershipTable;
        });
        builder.UseAzureTableReminderService((Orleans.Reminders.AzureStorage.AzureTableReminderStorageOptions o) =>
        {
            o.TableServiceClient = new TableServiceClient(settings.ConnectionString);
            o.TableName = settings.Names.RemindersTable;
        });
        return builder;
    }
}
