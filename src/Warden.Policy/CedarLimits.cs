namespace Warden.Policy;

/// <summary>
/// The limits that keep adversarial input from exhausting the stack or the CPU. Input beyond them is
/// rejected with an error (a parse error, a JSON error or an evaluation error), never a crash.
/// </summary>
public static class CedarLimits
{
    /// <summary>How deeply parentheses, sets, records, calls and <c>if</c> may nest in policy text.</summary>
    public const int MaxNestingDepth = 200;

    /// <summary>
    /// The greatest height of a policy's expression tree, counting the left-folded chains that <c>&amp;&amp;</c>,
    /// <c>||</c>, <c>+</c>, <c>*</c>, attribute accesses and <c>has a.b.c</c> produce.
    /// </summary>
    public const int MaxExpressionHeight = 1000;

    /// <summary>How deeply arrays and objects may nest in Cedar JSON (entities, context, values); serde_json's default.</summary>
    public const int MaxJsonDepth = 128;

    /// <summary>How deeply evaluation may recurse (expression height plus nested value comparisons).</summary>
    public const int MaxEvaluationDepth = 2048;
}
