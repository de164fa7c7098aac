using Warden.Policy.Syntax;

namespace Warden.Policy.Authorization;

/// <summary>
/// The answer to an authorization request: the decision, the policies that determined it, and the policies
/// that failed to evaluate (skipped, with their errors). A deny is a value, never an exception.
/// </summary>
public sealed class AuthorizationResponse
{
    private static readonly CedarPolicy[] NoPolicies = [];
    private static readonly PolicyEvaluationError[] NoErrors = [];

    internal AuthorizationResponse(Decision decision, CedarPolicy[]? determining, PolicyEvaluationError[]? errors)
    {
        Decision = decision;
        DeterminingPolicies = determining ?? NoPolicies;
        Errors = errors ?? NoErrors;
    }

    /// <summary>Allow or deny.</summary>
    public Decision Decision { get; }

    /// <summary>True when the decision is <see cref="Decision.Allow"/>.</summary>
    public bool IsAllowed => Decision == Decision.Allow;

    /// <summary>
    /// The policies that determined the decision, in policy order: the satisfied permits for an allow, the
    /// satisfied forbids for a deny by forbid, none for the default deny. Their <see cref="CedarPolicy.Annotations"/>
    /// (for example <c>@id</c>) are available.
    /// </summary>
    public IReadOnlyList<CedarPolicy> DeterminingPolicies { get; }

    /// <summary>The ids of <see cref="DeterminingPolicies"/>.</summary>
    public IEnumerable<string> DeterminingPolicyIds => DeterminingPolicies.Select(p => p.Id);

    /// <summary>The policies whose evaluation errored (skipped), in policy order.</summary>
    public IReadOnlyList<PolicyEvaluationError> Errors { get; }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Decision} reasons=[{string.Join(", ", DeterminingPolicyIds)}] errors=[{string.Join("; ", Errors)}]";
}
