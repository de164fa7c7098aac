using Microsoft.Extensions.Options;

namespace Warden.Storage.Options;

/// <summary>Rejects embedded storage options that cannot work, naming the option.</summary>
internal sealed class EmbeddedStorageOptionsValidator : IValidateOptions<EmbeddedStorageOptions>
{
    internal static readonly TimeSpan MaxBusyTimeout = TimeSpan.FromMinutes(5);

    public ValidateOptionsResult Validate(string? name, EmbeddedStorageOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            failures.Add($"{nameof(EmbeddedStorageOptions.DataDirectory)} is required: name the folder that holds the node's state.");
        }
        else if (options.DataDirectory.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            failures.Add($"{nameof(EmbeddedStorageOptions.DataDirectory)} contains characters that are not valid in a path.");
        }

        if (!Enum.IsDefined(options.Durability))
        {
            failures.Add($"{nameof(EmbeddedStorageOptions.Durability)} must be {nameof(SqliteDurability.Full)} or {nameof(SqliteDurability.Normal)}.");
        }

        if (options.BusyTimeout < TimeSpan.FromSeconds(1) || options.BusyTimeout > MaxBusyTimeout)
        {
            failures.Add($"{nameof(EmbeddedStorageOptions.BusyTimeout)} must be between 1 second and {MaxBusyTimeout.TotalMinutes} minutes.");
        }

        if (options.MaxWriteBatchSize is < 1 or > 10_000)
        {
            failures.Add($"{nameof(EmbeddedStorageOptions.MaxWriteBatchSize)} must be between 1 and 10000.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
