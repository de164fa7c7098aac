namespace Warden.Host.Hosting;

/// <summary>
/// The one place where the silo's storage is chosen: grain state (<c>warden</c>), stream pub-sub state
/// (<c>PubSubStore</c>), the <c>warden</c> streams and reminders. Today everything is in memory; durable storage
/// (embedded SQLite, Azure Storage) replaces this method's body, nothing else.
/// </summary>
public static class StorageHosting
{
    /// <summary>The grain storage name the grains use.</summary>
    public const string GrainStorage = "warden";

    /// <summary>The stream provider name.</summary>
    public const string StreamProvider = "warden";

    /// <summary>Adds the storage, streams and reminders the grains need.</summary>
    public static ISiloBuilder AddWardenStorage(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(configuration);
        silo.AddMemoryGrainStorage(GrainStorage);
        silo.AddMemoryGrainStorage("PubSubStore");
        silo.AddMemoryStreams(StreamProvider);
        silo.UseInMemoryReminderService();
        return silo;
    }
}
