namespace Warden.Lineage.Chain;

/// <summary>
/// An append could not be shown durable (the log failed, another writer appended to the same chain, or the stored
/// chain failed its integrity check). Treat the event as not recorded: a decision whose append throws must be
/// returned to the agent as a deny. The record may still have reached the log; the converse never happens.
/// </summary>
public sealed class LineageWriteException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LineageWriteException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public LineageWriteException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the cause.</summary>
    public LineageWriteException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The tenant whose append failed, when known.</summary>
    public string? TenantId { get; init; }
}
