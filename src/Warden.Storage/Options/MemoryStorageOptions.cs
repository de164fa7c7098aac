namespace Warden.Storage.Options;

/// <summary>Options of the memory-only mode, which exists for unit tests.</summary>
public sealed class MemoryStorageOptions
{
    /// <summary>
    /// Allow memory-only storage outside the Development environment, accepting that every agent, grant,
    /// revocation and reminder is lost on restart. Default <see langword="false"/>: the node refuses to start.
    /// </summary>
    public bool AllowOutsideDevelopment { get; set; }
}
