namespace Warden.Lineage.Records;

/// <summary>Size limits the writer enforces on every record (bad input is refused, never truncated).</summary>
public static class LineageLimits
{
    /// <summary>Longest tenant, agent or session id, in characters.</summary>
    public const int MaxIdLength = 256;

    /// <summary>
    /// Largest encoded record, in bytes. Chosen so that a record fits one Azure Table binary property (64 KiB)
    /// with room to spare; callers must cap the context they pass (the gRPC layer limits it long before this).
    /// </summary>
    public const int MaxRecordBytes = 60 * 1024;
}
