namespace Warden.Lineage.Records;

/// <summary>Stored bytes are not a valid lineage record (corruption, tampering, or an unknown format version).</summary>
public sealed class LineageFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LineageFormatException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public LineageFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the decoding error.</summary>
    public LineageFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The tenant whose record failed to decode, when the log knows it.</summary>
    public string? TenantId { get; init; }

    /// <summary>The storage position (sequence key) of the record that failed to decode, when the log knows it.</summary>
    public long? StoredSequence { get; init; }
}
