using System.Collections.Immutable;

namespace Warden.Grains.Policy;

/// <summary>
/// A tenant's policy set, compiled: the one seam between the grains and the Cedar engine. Compiling parses and
/// strictly validates; evaluating answers the two questions the grains ask (may the agent act, may it hold a grant).
/// </summary>
internal sealed class TenantPolicy
{
    private TenantPolicy(string tenantId, long version, ImmutableArray<string> policyIds)
    {
        TenantId = tenantId;
        Version = version;
        PolicyIds = policyIds;
    }

    /// <summary>The tenant.</summary>
    public string TenantId { get; }

    /// <summary>The policy set's version.</summary>
    public long Version { get; }

    /// <summary>The ids of its policies.</summary>
    public ImmutableArray<string> PolicyIds { get; }

    /// <summary>Parses and validates a tenant's documents; the compiled set, or every problem found.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="version">The version the set will have.</param>
    /// <param name="policies">Cedar policy text.</param>
    /// <param name="schema">The tenant's Cedar schema text.</param>
    /// <param name="entities">The tenant's entities JSON, or null.</param>
    public static PolicyCompilation Compile(string tenantId, long version, string policies, string schema, string? entities)
    {
        _ = (tenantId, version, policies, schema, entities);

        // Fail closed until the Cedar engine is merged: no set compiles, so no tenant has a policy and every
        // decision is a deny with reason no_policy.
        return new PolicyCompilation(null, [new FieldViolation("policies", "the Cedar engine is not available in this build")]);
    }

    /// <summary>Gate 2: may the agent take this action now.</summary>
    /// <param name="query">The question.</param>
    public PolicyVerdict Evaluate(ActionQuery query) => throw new InvalidOperationException($"Policy version {Version} cannot evaluate {query.Request.Action}: no engine.");

    /// <summary>Holdability: may the agent hold this grant.</summary>
    /// <param name="query">The question.</param>
    public PolicyVerdict EvaluateHold(HoldQuery query) => throw new InvalidOperationException($"Policy version {Version} cannot evaluate holding {query.Action}: no engine.");
}

/// <summary>The result of compiling a tenant's documents.</summary>
/// <param name="Policy">The compiled set; null when there were problems.</param>
/// <param name="Problems">Every problem, by field (<c>policies</c>, <c>schema</c>, <c>entities</c>).</param>
internal sealed record PolicyCompilation(TenantPolicy? Policy, ImmutableArray<FieldViolation> Problems);
