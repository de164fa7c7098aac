namespace Warden.Policy.Syntax;

/// <summary>Thrown when Cedar text does not parse; carries the line, column and what was expected.</summary>
public sealed class CedarParseException : Exception
{
    /// <summary>Creates the exception from a parse error.</summary>
    /// <param name="error">The error.</param>
    public CedarParseException(CedarParseError error)
        : base((error ?? throw new ArgumentNullException(nameof(error))).Message)
    {
        Error = error;
    }

    /// <summary>Creates the exception with a message only (line and column 0).</summary>
    public CedarParseException()
        : this(new CedarParseError(0, 0, string.Empty, "Cedar text did not parse"))
    {
    }

    /// <summary>Creates the exception with a message only (line and column 0).</summary>
    /// <param name="message">The message.</param>
    public CedarParseException(string message)
        : this(new CedarParseError(0, 0, string.Empty, message))
    {
    }

    /// <summary>Creates the exception with a message and an inner exception (line and column 0).</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public CedarParseException(string message, Exception innerException)
        : base(message, innerException)
    {
        Error = new CedarParseError(0, 0, string.Empty, message);
    }

    /// <summary>The structured error.</summary>
    public CedarParseError Error { get; }

    /// <summary>One-based line of the problem.</summary>
    public int Line => Error.Line;

    /// <summary>One-based column of the problem.</summary>
    public int Column => Error.Column;

    /// <summary>What the parser expected at that point.</summary>
    public string Expected => Error.Expected;
}
