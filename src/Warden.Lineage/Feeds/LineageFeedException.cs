namespace Warden.Lineage.Feeds;

/// <summary>
/// The feed could not keep its promise of no gap: the log itself is missing a sequence the live source skipped
/// (the chain is damaged; run verification).
/// </summary>
public sealed class LineageFeedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LineageFeedException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public LineageFeedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the cause.</summary>
    public LineageFeedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
