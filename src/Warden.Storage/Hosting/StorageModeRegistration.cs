using Microsoft.Extensions.DependencyInjection;
using Warden.Storage.Options;

namespace Warden.Storage.Hosting;

/// <summary>
/// Records which storage mode a silo was given, so registering the same mode twice is a no-op and mixing two
/// modes is refused: grain state split between two stores would be state lost in one of them.
/// </summary>
internal sealed class StorageModeRegistration(WardenStorageMode mode, object? settings)
{
    public WardenStorageMode Mode { get; } = mode;

    public object? Settings { get; } = settings;

    /// <summary>Returns <see langword="true"/> when the caller should register the mode's services now.</summary>
    public static bool TryRegister(IServiceCollection services, WardenStorageMode mode, object? settings = null)
    {
        var existing = services
            .Where(d => d.ServiceType == typeof(StorageModeRegistration))
            .Select(d => d.ImplementationInstance)
            .OfType<StorageModeRegistration>()
            .FirstOrDefault();
        if (existing is null)
        {
            services.AddSingleton(new StorageModeRegistration(mode, settings));
            return true;
        }

        if (existing.Mode != mode)
        {
            throw new InvalidOperationException(
                $"Warden storage is already configured in {existing.Mode} mode; a silo uses exactly one storage mode, not also {mode}.");
        }

        if (!Equals(existing.Settings, settings))
        {
            throw new InvalidOperationException(
                $"Warden {mode} storage is already configured with different settings; configure it once.");
        }

        return false;
    }
}
