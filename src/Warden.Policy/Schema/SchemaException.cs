namespace Warden.Policy.Schemas;

/// <summary>
/// A schema that cannot be read: a syntax error, an undeclared or ambiguous type, a duplicate declaration, a cycle.
/// </summary>
/// <remarks>
/// <see cref="Line"/> and <see cref="Column"/> (both 1-based) locate the offending text; they are 0 when the
/// problem has no single place in the source (for example a cycle between common types declared far apart, where
/// the position given is one of the participants).
/// </remarks>
public sealed class SchemaException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, without the position.</param>
    /// <param name="line">1-based line, or 0 when unknown.</param>
    /// <param name="column">1-based column, or 0 when unknown.</param>
    public SchemaException(string message, int line, int column)
        : base(line > 0 ? $"{message} (line {line}, column {column})" : message)
    {
        Reason = message;
        Line = line;
        Column = column;
    }

    /// <summary>Creates the exception without a position.</summary>
    /// <param name="message">What is wrong.</param>
    public SchemaException(string message)
        : this(message, 0, 0)
    {
    }

    /// <summary>Creates the exception without a position, wrapping another.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The underlying failure.</param>
    public SchemaException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = message;
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public SchemaException()
        : this("invalid schema")
    {
    }

    /// <summary>What is wrong, without the position.</summary>
    public string Reason { get; }

    /// <summary>1-based line of the offending text, or 0 when unknown.</summary>
    public int Line { get; }

    /// <summary>1-based column of the offending text, or 0 when unknown.</summary>
    public int Column { get; }
}
