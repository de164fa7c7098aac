using Microsoft.Extensions.Options;
using Warden.Storage.Options;

namespace Warden.Storage.Azure;

/// <summary>A validated, immutable snapshot of <see cref="AzureStorageOptions"/> taken at registration.</summary>
internal sealed record AzureStorageSettings(string ConnectionString, AzureResourceNames Names, AzureGrainStorageKind GrainStorage)
{
    /// <summary>Applies <paramref name="configure"/> to fresh options and validates them, or throws naming what is wrong.</summary>
    public static AzureStorageSettings From(Action<AzureStorageOptions> configure)
    {
        var options = new AzureStorageOptions();
        configure(options);
        var result = new AzureStorageOptionsValidator().Validate(Microsoft.Extensions.Options.Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, typeof(AzureStorageOptions), result.Failures);
        }

        return new AzureStorageSettings(options.ConnectionString, options.ResourceNames, options.GrainStorage);
    }

    public void CopyTo(AzureStorageOptions options)
    {
        options.ConnectionString = ConnectionString;
        options.TablePrefix = Names.Prefix;
        options.GrainStorage = GrainStorage;
    }

    // The connection string holds the account key: keep it out of logs and exception messages.
    public override string ToString() => $"AzureStorageSettings {{ Names = {Names}, GrainStorage = {GrainStorage} }}";
}
