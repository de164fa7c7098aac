namespace Warden.Storage.Sqlite;

/// <summary>
/// The embedded store could not do what was asked: the database is locked by someone else, corrupt, belongs
/// to another program, or the disk failed. Nothing was acknowledged; the message says what to do.
/// </summary>
public sealed class EmbeddedStorageException : Exception
{
    /// <summary>Creates the exception.</summary>
    public EmbeddedStorageException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong and what to do.</param>
    public EmbeddedStorageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What went wrong and what to do.</param>
    /// <param name="innerException">The underlying failure.</param>
    public EmbeddedStorageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
