using Warden.Policy.Schemas;

namespace Warden.Policy.Validation;

/// <summary>
/// The checks Cedar runs once per policy besides type checking: every entity type named exists, every action named
/// is declared, every entity of an enumerated type uses a listed id, and the scope admits at least one
/// (principal type, action, resource type) combination the schema allows.
/// </summary>
internal static class ScopeChecks
{
    public static void Check(Schema schema, VPolicy policy, PolicyErrors errors)
    {
        var entities = new List<(VEntity Entity, VExpr? At)>();
        var types = new List<(string Type, VExpr? At)>();
        CollectScope(policy.Principal, entities, types);
        foreach (var action in policy.Action.Entities)
        {
            entities.Add((action, null));
        }

        CollectScope(policy.Resource, entities, types);
        CollectBody(policy.Body, entities, types);
        types.AddRange(entities.Select(e => (e.Entity.Type, e.At)));

        foreach (var (type, at) in types)
        {
            if (!Values.EntityUid.IsActionType(type) && schema.GetEntityType(type) is null)
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

    private static void CheckActionApplication(Schema schema, VPolicy policy, PolicyErrors errors)
    {
        var actions = policy.Action.Kind switch
        {
            VActionScopeKind.Any => schema.ActionDeclarations.ToList(),
            VActionScopeKind.Eq => schema.GetAction(policy.Action.Entities[0].Type, policy.Action.Entities[0].Id) is { } one ? [one] : [],
            _ => ActionsIn(schema, policy.Action),
        };
        var principals = TypesSatisfying(schema, policy.Principal);
        var resources = TypesSatisfying(schema, policy.Resource);
        if (!actions.Any(a => a.PrincipalTypes.Any(principals.Contains) && a.ResourceTypes.Any(resources.Contains)))
        {
            Add(errors, ValidationErrorKind.InvalidActionApplication, "no action in the scope applies to a principal and a resource the scope admits", null, policy);
        }
    }

    private static List<SchemaAction> ActionsIn(Schema schema, VActionScope scope)
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

    private static HashSet<string> TypesSatisfying(Schema schema, VScope scope)
    {
        var all = schema.EntityTypes.Select(e => e.Name);
        return scope.Kind switch
        {
            VScopeKind.Any => all.ToHashSet(StringComparer.Ordinal),
            VScopeKind.Eq => [scope.Entity!.Type],
            VScopeKind.In => TypesIn(schema, scope.Entity!.Type),
            VScopeKind.Is => Values.EntityUid.IsActionType(scope.EntityType!) || schema.GetEntityType(scope.EntityType!) is not null ? [scope.EntityType!] : [],
            _ => TypesIn(schema, scope.Entity!.Type).Contains(scope.EntityType!) ? [scope.EntityType!] : [],
        };
    }

    private static HashSet<string> TypesIn(Schema schema, string type)
    {
        var result = new HashSet<string>(schema.GetEntityType(type)?.DescendantTypes ?? [], StringComparer.Ordinal) { type };
        return result;
    }

    private static void CollectScope(VScope scope, List<(VEntity, VExpr?)> entities, List<(string, VExpr?)> types)
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

    private static void CollectBody(VExpr body, List<(VEntity, VExpr?)> entities, List<(string, VExpr?)> types)
    {
        var stack = new Stack<VExpr>();
        stack.Push(body);
        while (stack.TryPop(out var e))
        {
            if (e.Literal.Entity is { } entity)
            {
                entities.Add((entity, e));
            }
            else if (e.Kind == VKind.Is)
            {
                types.Add((e.Name!, e));
            }

            foreach (var child in e.Children)
            {
                stack.Push(child);
            }
        }
    }

    private static void Add(PolicyErrors errors, ValidationErrorKind kind, string message, VExpr? at, VPolicy policy)
    {
        if (at is null)
        {
            errors.Add(kind, message, policy.Line, policy.Column);
        }
        else
        {
            errors.Add(kind, message, at);
        }
    }
}
