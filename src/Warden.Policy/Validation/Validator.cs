using System.Collections.Immutable;
using Warden.Policy.Schemas;
using Warden.Policy.Syntax;

namespace Warden.Policy.Validation;

/// <summary>
/// Cedar's strict policy validation: checks every policy against a schema the way Cedar's validator does in strict
/// mode, so a policy set that passes here passes Cedar's validator (and is free of most runtime type errors for
/// requests that conform to the schema).
/// </summary>
/// <remarks>
/// A policy is type-checked once per request environment the schema allows (each principal type × action ×
/// resource type), with the action variable known in each; the scope is part of the checked condition, so
/// environments the scope excludes short-circuit to false before the body is examined. A policy that is false in
/// every environment gets a warning, not an error (as in Cedar).
/// </remarks>
public static class Validator
{
    /// <summary>Most request environments one policy is checked in; a larger schema is reported, not attempted.</summary>
    public const long MaxRequestEnvironments = 250_000;

    /// <summary>Validates every policy of <paramref name="policies"/> against <paramref name="schema"/>.</summary>
    /// <param name="schema">The schema.</param>
    /// <param name="policies">The policies.</param>
    /// <returns>Errors per policy (none means valid) and warnings.</returns>
    public static ValidationResult Validate(Schema schema, PolicySet policies)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(policies);
        return Validate(schema, policies.Policies);
    }

    /// <summary>Validates <paramref name="policies"/> against <paramref name="schema"/>.</summary>
    /// <param name="schema">The schema.</param>
    /// <param name="policies">The policies.</param>
    /// <returns>Errors per policy (none means valid) and warnings.</returns>
    public static ValidationResult Validate(Schema schema, IEnumerable<CedarPolicy> policies)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(policies);
        var lattice = new TypeLattice(schema);
        var shapes = new ExprShapes();
        var errors = ImmutableArray.CreateBuilder<ValidationError>();
        var warnings = ImmutableArray.CreateBuilder<ValidationWarning>();
        foreach (var policy in policies)
        {
            ValidatePolicy(schema, lattice, shapes, policy, errors, warnings);
        }

        return new ValidationResult(errors.ToImmutable(), warnings.ToImmutable());
    }

    /// <summary>
    /// The condition Cedar type-checks: <c>((principal scope &amp;&amp; action scope) &amp;&amp; resource scope) &amp;&amp;
    /// (when and negated unless clauses)</c>.
    /// </summary>
    internal static Expr Condition(CedarPolicy policy) =>
        new AndExpr(
            new AndExpr(
                new AndExpr(policy.Principal.ToExpr(Var.Principal), policy.Action.ToExpr()) { Span = policy.Span },
                policy.Resource.ToExpr(Var.Resource)) { Span = policy.Span },
            policy.NonScopeCondition) { Span = policy.Span };

    internal static void ValidatePolicy(
        Schema schema,
        TypeLattice lattice,
        ExprShapes shapes,
        CedarPolicy policy,
        ImmutableArray<ValidationError>.Builder errors,
        ImmutableArray<ValidationWarning>.Builder warnings)
    {
        var policyErrors = new PolicyErrors(policy.Id);
        ScopeChecks.Check(schema, policy, policyErrors);
        if (RequestEnvironment.Count(schema) > MaxRequestEnvironments)
        {
            policyErrors.Add(ValidationErrorKind.TooComplex, $"the schema allows more than {MaxRequestEnvironments} request environments", policy.Span.Line, policy.Span.Column);
        }
        else
        {
            var condition = Condition(policy);
            var alwaysFalse = true;
            foreach (var env in RequestEnvironment.All(schema, lattice))
            {
                var answer = new Typechecker(lattice, shapes, policyErrors, env).CheckPolicy(condition);
                alwaysFalse &= answer.Type is VBool { Value: BoolKind.False };
            }

            if (alwaysFalse && policyErrors.Count == 0)
            {
                warnings.Add(new ValidationWarning(policy.Id, "the policy is false for every request the schema allows (impossible policy)"));
            }
        }

        errors.AddRange(policyErrors.Errors);
    }
}
