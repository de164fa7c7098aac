using Warden.Policy.Values;

namespace Warden.Policy.Evaluation;

/// <summary>
/// A compiled expression. <see cref="Evaluate"/> returns the value, or the default value (kind
/// <see cref="CedarValueKind.None"/>) with <see cref="EvaluationContext.Error"/> set when evaluation fails.
/// </summary>
internal abstract class Node
{
    public abstract CedarValue Evaluate(ref EvaluationContext context);

    /// <summary>The node's value when it does not depend on the request (after constant folding), else <see cref="CedarValue.IsNone"/>.</summary>
    public virtual CedarValue Constant => default;

    protected static string TypeError(string expected, CedarValue actual) =>
        $"type error: expected {expected}, got {CedarValue.KindName(actual.Kind)}";

    protected static CedarValue ExpectBool(ref EvaluationContext context, CedarValue value) =>
        value.Kind == CedarValueKind.Bool ? value : context.Fail(TypeError("bool", value));
}
