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
        var factory = new VExprFactory();
        var converter = new PolicyConverter(factory);
        var converted = new List<(CedarPolicy Source, VPolicy? Policy)>();
        foreach (var policy in policies)
        {
            VPolicy? view;
            try
            {
                view = converter.Convert(policy);
            }
            catch (InsufficientExecutionStackException)
            {
                view = null;
            }

            converted.Add((policy, view));
        }

        var lattice = new TypeLattice(schema);
        var errors = ImmutableArray.CreateBuilder<ValidationError>();
        var warnings = ImmutableArray.CreateBuilder<ValidationWarning>();
        foreach (var (source, policy) in converted)
        {
            if (policy is null)
            {
                errors.Add(new ValidationError(source.Id, ValidationErrorKind.TooComplex, "the policy nests too deeply to validate", source.Span.Line, source.Span.Column));
                continue;
            }

            ValidatePolicy(schema, lattice, policy, errors, warnings);
        }

        return new ValidationResult(errors.ToImmutable(), warnings.ToImmutable());
    }

    internal static void ValidatePolicy(
        Schema schema,
        TypeLattice lattice,
        VPolicy policy,
        ImmutableArray<ValidationError>.Builder errors,
        ImmutableArray<ValidationWarning>.Builder warnings)
    {
        var policyErrors = new PolicyErrors(policy.Id);
        ScopeChecks.Check(schema, policy, policyErrors);
        if (RequestEnvironment.Count(schema) > MaxRequestEnvironments)
        {
            policyErrors.Add(ValidationErrorKind.TooComplex, $"the schema allows more than {MaxRequestEnvironments} request environments", policy.Line, policy.Column);
        }
        else
        {
            var alwaysFalse = true;
            foreach (var env in RequestEnvironment.All(schema, lattice))
            {
                var answer = new Typechecker(lattice, policyErrors, env).CheckPolicy(policy.Condition);
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
