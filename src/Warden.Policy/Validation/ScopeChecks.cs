using Warden.Policy.Schemas;
using Warden.Policy.Syntax;
using Warden.Policy.Values;

namespace Warden.Policy.Validation;

/// <summary>
/// The checks Cedar runs once per policy besides type checking: every entity type named exists, every action named
/// is declared, every entity of an enumerated type uses a listed id, and the scope admits at least one
/// (principal type, action, resource type) combination the schema allows.
/// </summary>
internal static class ScopeChecks
{
    public static void Check(Schema schema, CedarPolicy policy, PolicyErrors errors)
    {
        var entities = new List<(EntityUid Entity, Expr? At)>();
        var types = new List<(string Type, Expr? At)>();
        CollectScope(policy.Principal, entities, types);
        foreach (var action in policy.Action.Entities)
        {
            entities.Add((action, null));
        }

        CollectScope(policy.Resource, entities, types);
        CollectBody(policy.NonScopeCondition, entities, types);
        types.AddRange(entities.Select(e => (e.Entity.Type, e.At)));

        foreach (var (type, at) in types)
        {
            if (!EntityUid.IsActionType(type) && schema.GetEntityType(type) is null)
            {
                Add(errors, ValidationErrorKind.UnrecognizedEntityType, $"unrecognized entity type `{type}`", at, policy);
            }
        }

        foreach (var (entity, at) in entities)
        {
            if (entity.IsAction)
            {
                if (schema.GetAction(entity.Type, entity.Id) is null)
                {
                    Add(errors, ValidationErrorKind.UnrecognizedActionId, $"unrecognized action `{entity}`", at, policy);
                }
            }
            else if (schema.GetEntityType(entity.Type) is { EnumIds: { } ids } && !ids.Contains(entity.Id))
            {
                Add(errors, ValidationErrorKind.InvalidEnumEntity, $"`{entity}` is not one of the ids the enumerated type `{entity.Type}` allows", at, policy);
            }
        }

        CheckActionApplication(schema, policy, errors);
    }

    private static void CheckActionApplication(Schema schema, CedarPolicy policy, PolicyErrors errors)
    {
        var actions = policy.Action.Kind switch
        {
            ActionScopeKind.Any => [.. schema.ActionDeclarations],
            ActionScopeKind.Eq => schema.GetAction(policy.Action.Entities[0].Type, policy.Action.Entities[0].Id) is { } one ? [one] : [],
            _ => ActionsIn(schema, policy.Action),
        };
        var principals = TypesSatisfying(schema, policy.Principal);
        var resources = TypesSatisfying(schema, policy.Resource);
        if (!actions.Any(a => a.PrincipalTypes.Any(principals.Contains) && a.ResourceTypes.Any(resources.Contains)))
        {
            Add(errors, ValidationErrorKind.InvalidActionApplication, "no action in the scope applies to a principal and a resource the scope admits", null, policy);
        }
    }

    private static List<SchemaAction> ActionsIn(Schema schema, ActionConstraint scope)
    {
        // Every listed action must exist (otherwise nothing applies); the actions in a group count too.
        var result = new List<SchemaAction>();
        foreach (var entity in scope.Entities)
        {
            if (schema.GetAction(entity.Type, entity.Id) is not { } group)
            {
                return [];
            }

            result.Add(group);
            result.AddRange(group.Descendants.Select(d => schema.GetAction(d.Type, d.Id)!));
        }

        return result;
    }

    private static HashSet<string> TypesSatisfying(Schema schema, ScopeConstraint scope) => scope.Kind switch
    {
        ScopeKind.Any => schema.EntityTypes.Select(e => e.Name).ToHashSet(StringComparer.Ordinal),
        ScopeKind.Eq => [scope.Entity!.Type],
        ScopeKind.In => TypesIn(schema, scope.Entity!.Type),
        ScopeKind.Is => EntityUid.IsActionType(scope.EntityType!) || schema.GetEntityType(scope.EntityType!) is not null ? [scope.EntityType!] : [],
        _ => TypesIn(schema, scope.Entity!.Type).Contains(scope.EntityType!) ? [scope.EntityType!] : [],
    };

    private static HashSet<string> TypesIn(Schema schema, string type) =>
        new(schema.GetEntityType(type)?.DescendantTypes ?? [], StringComparer.Ordinal) { type };

    private static void CollectScope(ScopeConstraint scope, List<(EntityUid, Expr?)> entities, List<(string, Expr?)> types)
    {
        if (scope.Entity is not null)
        {
            entities.Add((scope.Entity, null));
        }

        if (scope.EntityType is not null)
        {
            types.Add((scope.EntityType, null));
        }
    }

    private static void CollectBody(Expr body, List<(EntityUid, Expr?)> entities, List<(string, Expr?)> types)
    {
        var stack = new Stack<Expr>();
        stack.Push(body);
        while (stack.TryPop(out var e))
        {
            if (e is LiteralExpr { Value.Kind: CedarValueKind.Entity } literal)
            {
                entities.Add((literal.Value.AsEntity(), e));
            }
            else if (e is IsExpr isExpr)
            {
                types.Add((isExpr.EntityType, e));
            }

            foreach (var child in ExprWalker.Children(e))
            {
                stack.Push(child);
            }
        }
    }

    private static void Add(PolicyErrors errors, ValidationErrorKind kind, string message, Expr? at, CedarPolicy policy)
    {
        if (at is null)
        {
            errors.Add(kind, message, policy.Span.Line, policy.Span.Column);
        }
        else
        {
            errors.Add(kind, message, at);
        }
    }
}
