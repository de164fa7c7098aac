using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Warden.Storage.Options;

/// <summary>Refuses memory-only storage outside Development unless it was explicitly allowed.</summary>
internal sealed class MemoryStorageOptionsValidator(IHostEnvironment? environment = null) : IValidateOptions<MemoryStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, MemoryStorageOptions options)
    {
        // No host environment is treated as production: the safe reading of an unknown state.
        if (options.AllowOutsideDevelopment || environment?.IsDevelopment() == true)
        {
            return ValidateOptionsResult.Success;
        }

        return ValidateOptionsResult.Fail(
            $"Memory storage loses all state on restart and is for unit tests only; the environment is " +
            $"'{environment?.EnvironmentName ?? "unknown"}'. Use {WardenStorageNames.ConfigurationSection}:Mode=Embedded or Azure, " +
            $"or set {WardenStorageNames.ConfigurationSection}:AllowMemory=true to accept losing every agent, grant and revocation on restart.");
    }
}
