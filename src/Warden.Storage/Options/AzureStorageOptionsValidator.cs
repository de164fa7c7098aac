using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Warden.Storage.Azure;

namespace Warden.Storage.Options;

/// <summary>Rejects Azure storage options that cannot work, naming the option (never echoing the connection string).</summary>
internal sealed class AzureStorageOptionsValidator : IValidateOptions<AzureStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, AzureStorageOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add($"{nameof(AzureStorageOptions.ConnectionString)} is required in Azure storage mode.");
        }
        else if (!IsParsable(options.ConnectionString))
        {
            failures.Add($"{nameof(AzureStorageOptions.ConnectionString)} is not a valid Azure Storage connection string.");
        }

        if (!AzureResourceNames.IsValidPrefix(options.TablePrefix))
        {
            failures.Add(
                $"{nameof(AzureStorageOptions.TablePrefix)} must start with a letter, contain only letters and digits, " +
                $"and be 1 to {AzureResourceNames.MaxPrefixLength} characters long.");
        }

        if (!Enum.IsDefined(options.GrainStorage))
        {
            failures.Add($"{nameof(AzureStorageOptions.GrainStorage)} must be {nameof(AzureGrainStorageKind.Table)} or {nameof(AzureGrainStorageKind.Blob)}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsParsable(string connectionString)
    {
        try
        {
            // Parses only; no request is made.
            _ = new TableServiceClient(connectionString);
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException or UriFormatException)
        {
            return false;
        }
    }
}
