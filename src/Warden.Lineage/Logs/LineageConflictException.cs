namespace Warden.Lineage.Logs;

/// <summary>
/// A record with the same tenant and sequence is already stored: another writer appended to the chain since this
/// one read its head. The batch is refused (never overwritten), so the chain cannot fork.
/// </summary>
public sealed class LineageConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LineageConflictException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public LineageConflictException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the storage error.</summary>
    public LineageConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
