namespace Warden.Lineage.Chain;

/// <summary>
/// The stored end of a tenant's chain is inconsistent (the head marker and the last record disagree, or the last
/// record does not match its hash): records were removed, added or changed outside the writer. The writer refuses
/// to append to that tenant until an operator has run verification and repaired the log.
/// </summary>
public sealed class LineageIntegrityException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LineageIntegrityException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public LineageIntegrityException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the cause.</summary>
    public LineageIntegrityException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The tenant whose chain is inconsistent.</summary>
    public string? TenantId { get; init; }
}
