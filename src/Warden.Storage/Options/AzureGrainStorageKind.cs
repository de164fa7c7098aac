namespace Warden.Storage.Options;

/// <summary>Where cluster mode keeps grain state in the storage account.</summary>
public enum AzureGrainStorageKind
{
    /// <summary>One table entity per grain state (Orleans' Azure table provider; state up to about 1 MiB).</summary>
    Table = 0,

    /// <summary>One blob per grain state (Orleans' Azure blob provider; no practical size limit).</summary>
    Blob = 1,
}
