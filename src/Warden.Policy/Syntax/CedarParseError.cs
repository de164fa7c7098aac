namespace Warden.Policy.Syntax;

/// <summary>Why Cedar text did not parse: where, what was expected there, and a readable message.</summary>
/// <param name="Line">One-based line of the problem.</param>
/// <param name="Column">One-based column of the problem.</param>
/// <param name="Expected">What the parser expected at that point (for example <c>`;`</c> or <c>an entity uid</c>).</param>
/// <param name="Message">The full message, naming the location, what was expected and what was found.</param>
public sealed record CedarParseError(int Line, int Column, string Expected, string Message)
{
    /// <inheritdoc />
    public override string ToString() => Message;
}
