namespace Warden.Host.Validation;

/// <summary>
/// Limits the edge adds to the grains' <see cref="WardenLimits"/> (which every field also obeys). A request over a
/// limit is refused with INVALID_ARGUMENT naming the field; nothing is truncated silently.
/// </summary>
public static class RequestLimits
{
    /// <summary>Largest message the server accepts (4 MiB: room for a policy set, a schema and entities).</summary>
    public const int MaxMessageBytes = 4 * 1024 * 1024;

    /// <summary>Approval and request ids.</summary>
    public const int OpaqueIdLength = 128;

    /// <summary>Sessions listed by one ListSessions call (default 100).</summary>
    public const int ListLimit = 1000;

    /// <summary>Sessions listed when the request names no limit.</summary>
    public const int DefaultListLimit = 100;
}
