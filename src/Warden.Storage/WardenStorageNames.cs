namespace Warden.Storage;

/// <summary>
/// The grain storage provider names every Warden storage mode registers.
/// </summary>
public static class WardenStorageNames
{
    /// <summary>The grain storage Warden's own grains use: <c>[PersistentState("…", WardenStorageNames.Grains)]</c>.</summary>
    public const string Grains = "warden";

    /// <summary>The grain storage Orleans streams use for their pub/sub rendezvous state.</summary>
    public const string PubSub = "PubSubStore";

    /// <summary>The configuration section the storage mode is read from.</summary>
    public const string ConfigurationSection = "Warden:Storage";
}
