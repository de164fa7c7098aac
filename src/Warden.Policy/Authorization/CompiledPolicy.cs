using Warden.Policy.Entities;
using Warden.Policy.Evaluation;
using Warden.Policy.Syntax;
using Warden.Policy.Values;

namespace Warden.Policy.Authorization;

/// <summary>A policy ready to evaluate: its scope as direct checks and its conditions compiled (null when always true).</summary>
internal sealed class CompiledPolicy
{
    public CompiledPolicy(int index, CedarPolicy policy)
    {
        Index = index;
        Policy = policy;
        IsPermit = policy.Effect == Effect.Permit;
        var condition = Compiler.Compile(policy.NonScopeCondition);
        Condition = condition.Constant.Kind == CedarValueKind.Bool && condition.Constant.BoolUnchecked ? null : condition;
    }

    public int Index { get; }

    public CedarPolicy Policy { get; }

    public bool IsPermit { get; }

    public Node? Condition { get; }

    public bool ScopeMatches(ref EvaluationContext context) =>
        Matches(Policy.Principal, context.Principal, context.PrincipalEntity)
        && MatchesAction(Policy.Action, context.Action, context.ActionEntity)
        && Matches(Policy.Resource, context.Resource, context.ResourceEntity);

    private static bool Matches(ScopeConstraint constraint, EntityUid value, StoredEntity? stored) => constraint.Kind switch
    {
        ScopeKind.Any => true,
        ScopeKind.Eq => value.Equals(constraint.Entity),
        ScopeKind.In => InNode.IsIn(value, stored, constraint.Entity!),
        ScopeKind.Is => string.Equals(value.Type, constraint.EntityType, StringComparison.Ordinal),
        _ => string.Equals(value.Type, constraint.EntityType, StringComparison.Ordinal) && InNode.IsIn(value, stored, constraint.Entity!),
    };

    private static bool MatchesAction(ActionConstraint constraint, EntityUid value, StoredEntity? stored)
    {
        switch (constraint.Kind)
        {
            case ActionScopeKind.Any:
                return true;
            case ActionScopeKind.Eq:
                return value.Equals(constraint.Entities[0]);
            default:
                foreach (var entity in constraint.Entities)
                {
                    if (InNode.IsIn(value, stored, entity))
                    {
                        return true;
                    }
                }

                return false;
        }
    }
}
