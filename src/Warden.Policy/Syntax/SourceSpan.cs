namespace Warden.Policy.Syntax;

/// <summary>Where a piece of syntax sits in the policy text.</summary>
/// <param name="Offset">Zero-based offset of the first character (UTF-16 code units).</param>
/// <param name="Length">Length in UTF-16 code units.</param>
/// <param name="Line">One-based line of the first character.</param>
/// <param name="Column">One-based column of the first character.</param>
public readonly record struct SourceSpan(int Offset, int Length, int Line, int Column)
{
    /// <summary>No location (for syntax built in code rather than parsed).</summary>
    public static SourceSpan None => default;

    /// <summary>The span from the start of this one to the end of <paramref name="end"/>.</summary>
    /// <param name="end">A span that ends at or after this one.</param>
    public SourceSpan To(SourceSpan end) => this with { Length = Math.Max(Length, end.Offset + end.Length - Offset) };

    /// <inheritdoc />
    public override string ToString() => $"line {Line}, column {Column}";
}
