using System.Collections.Immutable;
using System.Text;
using Warden.Policy.Values;

namespace Warden.Policy.Syntax;

/// <summary>An annotation <c>@key("value")</c> (a bare <c>@key</c> has the value <c>""</c>).</summary>
/// <param name="Key">The key (any identifier, reserved words included).</param>
/// <param name="Value">The unescaped value.</param>
public sealed record Annotation(string Key, string Value)
{
    /// <summary>Where the annotation is in the policy text.</summary>
    public SourceSpan Span { get; init; }
}

/// <summary>A <c>when</c> or <c>unless</c> clause.</summary>
/// <param name="IsWhen">True for <c>when</c>, false for <c>unless</c>.</param>
/// <param name="Body">The clause body as written (not negated for <c>unless</c>).</param>
public sealed record Condition(bool IsWhen, Expr Body)
{
    /// <summary>Where the clause is in the policy text.</summary>
    public SourceSpan Span { get; init; }

    /// <summary>The clause as it contributes to the policy: the body for <c>when</c>, <c>!body</c> for <c>unless</c>.</summary>
    public Expr ToExpr() => IsWhen ? Body : new UnaryExpr(UnaryOp.Not, Body) { Span = Span };
}

/// <summary>A parsed static Cedar policy.</summary>
public sealed class CedarPolicy
{
    private Expr? _condition;

    /// <summary>Creates a policy (normally done by the parser).</summary>
    /// <param name="id">The policy id (<c>policy0</c>, <c>policy1</c>… by position in the text).</param>
    /// <param name="effect">The effect.</param>
    /// <param name="principal">The principal scope constraint.</param>
    /// <param name="action">The action scope constraint.</param>
    /// <param name="resource">The resource scope constraint.</param>
    /// <param name="conditions">The <c>when</c>/<c>unless</c> clauses in order.</param>
    /// <param name="annotations">The annotations in order; keys are distinct.</param>
    /// <param name="span">Where the policy is in the text.</param>
    public CedarPolicy(
        string id,
        Effect effect,
        ScopeConstraint principal,
        ActionConstraint action,
        ScopeConstraint resource,
        ImmutableArray<Condition> conditions,
        ImmutableArray<Annotation> annotations,
        SourceSpan span)
    {
        Id = id ?? throw new ArgumentNullException(nameof(id));
        Effect = effect;
        Principal = principal ?? throw new ArgumentNullException(nameof(principal));
        Action = action ?? throw new ArgumentNullException(nameof(action));
        Resource = resource ?? throw new ArgumentNullException(nameof(resource));
        Conditions = conditions;
        Annotations = annotations;
        Span = span;
    }

    /// <summary>The policy id: <c>policyN</c> for the N-th policy (from 0) of the parsed text.</summary>
    public string Id { get; }

    /// <summary>Permit or forbid.</summary>
    public Effect Effect { get; }

    /// <summary>The principal scope constraint.</summary>
    public ScopeConstraint Principal { get; }

    /// <summary>The action scope constraint.</summary>
    public ActionConstraint Action { get; }

    /// <summary>The resource scope constraint.</summary>
    public ScopeConstraint Resource { get; }

    /// <summary>The <c>when</c>/<c>unless</c> clauses in source order.</summary>
    public ImmutableArray<Condition> Conditions { get; }

    /// <summary>The annotations in source order.</summary>
    public ImmutableArray<Annotation> Annotations { get; }

    /// <summary>Where the policy is in the text.</summary>
    public SourceSpan Span { get; }

    /// <summary>The value of the <c>@id("…")</c> annotation, or null.</summary>
    public string? AnnotatedId => GetAnnotation("id");

    /// <summary>
    /// The conjunction of the clauses as Cedar builds it: <c>c1 &amp;&amp; c2 &amp;&amp; …</c> folded to the left, where an
    /// <c>unless</c> clause contributes <c>!body</c>; the literal <c>true</c> when there are no clauses.
    /// </summary>
    public Expr NonScopeCondition => _condition ??= BuildCondition();

    /// <summary>The value of an annotation, or null when absent.</summary>
    /// <param name="key">The annotation key.</param>
    public string? GetAnnotation(string key)
    {
        foreach (var annotation in Annotations)
        {
            if (annotation.Key == key)
            {
                return annotation.Value;
            }
        }

        return null;
    }

    /// <summary>The policy in Cedar syntax.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder();
        foreach (var annotation in Annotations)
        {
            builder.Append('@').Append(annotation.Key).Append('(').Append(CedarStrings.Quote(annotation.Value)).Append(")\n");
        }

        builder.Append(Effect == Effect.Permit ? "permit" : "forbid").Append(" (\n  ")
            .Append(Principal.ToString("principal")).Append(",\n  ")
            .Append(Action).Append(",\n  ")
            .Append(Resource.ToString("resource")).Append("\n)");
        foreach (var condition in Conditions)
        {
            builder.Append(condition.IsWhen ? "\nwhen { " : "\nunless { ").Append(condition.Body).Append(" }");
        }

        return builder.Append(';').ToString();
    }

    private Expr BuildCondition()
    {
        if (Conditions.IsEmpty)
        {
            return new LiteralExpr(CedarValue.True) { Span = Span };
        }

        var result = Conditions[0].ToExpr();
        for (var i = 1; i < Conditions.Length; i++)
        {
            result = new AndExpr(result, Conditions[i].ToExpr()) { Span = Span };
        }

        return result;
    }
}
