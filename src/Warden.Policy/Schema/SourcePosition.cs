namespace Warden.Policy.Schemas;

/// <summary>A 1-based line and column in schema source text; <see cref="None"/> when there is no source.</summary>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column (in UTF-16 code units).</param>
internal readonly record struct SourcePosition(int Line, int Column)
{
    /// <summary>No position (a built-in declaration, or JSON input without location tracking).</summary>
    public static readonly SourcePosition None = new(0, 0);

    /// <summary>Builds a <see cref="SchemaException"/> located here.</summary>
    public SchemaException Error(string message) => new(message, Line, Column);
}
