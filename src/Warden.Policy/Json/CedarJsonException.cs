namespace Warden.Policy.Json;

/// <summary>Thrown when JSON is not valid Cedar data (entities, context, a uid or a value); names where the problem is.</summary>
public sealed class CedarJsonException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CedarJsonException()
        : this("invalid Cedar JSON")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, including where.</param>
    public CedarJsonException(string message)
        : base(message)
    {
        Path = string.Empty;
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, including where.</param>
    /// <param name="innerException">The underlying JSON error.</param>
    public CedarJsonException(string message, Exception innerException)
        : base(message, innerException)
    {
        Path = string.Empty;
    }

    /// <summary>Creates the exception for a location in the document.</summary>
    /// <param name="path">Where in the document, for example <c>[3].attrs.manager</c>.</param>
    /// <param name="message">What is wrong.</param>
    public CedarJsonException(string path, string message)
        : base(string.IsNullOrEmpty(path) ? message : $"{path}: {message}")
    {
        Path = path;
    }

    /// <summary>Where in the document the problem is (empty for the root).</summary>
    public string Path { get; }
}
