using System.Collections.Immutable;

namespace Warden.Policy.Validation;

/// <summary>The outcome of strict validation of a set of policies against a schema.</summary>
public sealed class ValidationResult
{
    internal ValidationResult(ImmutableArray<ValidationError> errors, ImmutableArray<ValidationWarning> warnings)
    {
        Errors = errors;
        Warnings = warnings;
    }

    /// <summary>Every error, grouped by policy in the order the policies were given.</summary>
    public ImmutableArray<ValidationError> Errors { get; }

    /// <summary>Warnings (for example a policy that can never apply); they do not fail validation.</summary>
    public ImmutableArray<ValidationWarning> Warnings { get; }

    /// <summary>True when no policy has an error.</summary>
    public bool Passed => Errors.IsEmpty;

    /// <summary>The errors of one policy.</summary>
    public IEnumerable<ValidationError> ErrorsFor(string policyId) => Errors.Where(e => e.PolicyId == policyId);
}
