using Warden.Storage.Azure;

namespace Warden.Storage.Options;

/// <summary>
/// Options of cluster mode on Azure Storage: grain state, cluster membership and reminders in one storage
/// account (Azurite locally), all from <see cref="ConnectionString"/>.
/// </summary>
/// <remarks>
/// Rows are also partitioned by Orleans' <c>ClusterOptions.ServiceId</c> (state, reminders) and
/// <c>ClusterId</c> (membership); <see cref="TablePrefix"/> separates deployments and tests physically.
/// </remarks>
public sealed class AzureStorageOptions
{
    /// <summary>The default <see cref="TablePrefix"/>.</summary>
    public const string DefaultTablePrefix = "Warden";

    /// <summary>
    /// The storage account connection string (a real account, or Azurite's). Required. It carries the account
    /// key: keep it in a secret store or environment variable, never in a committed file.
    /// </summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>
    /// Prefix of every table (and, lower-cased, of the blob container) this deployment uses: letters and digits,
    /// starting with a letter, at most <see cref="AzureResourceNames.MaxPrefixLength"/> characters.
    /// Default <see cref="DefaultTablePrefix"/>.
    /// </summary>
    public string TablePrefix { get; set; } = DefaultTablePrefix;

    /// <summary>Table or blob grain state. Default <see cref="AzureGrainStorageKind.Table"/>.</summary>
    public AzureGrainStorageKind GrainStorage { get; set; } = AzureGrainStorageKind.Table;

    /// <summary>The table and container names these options resolve to.</summary>
    public AzureResourceNames ResourceNames => new(TablePrefix);
}
