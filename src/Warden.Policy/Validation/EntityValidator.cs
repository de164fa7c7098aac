using System.Collections.Immutable;
using Warden.Policy.Entities;
using Warden.Policy.Schemas;
using Warden.Policy.Values;

namespace Warden.Policy.Validation;

/// <summary>
/// Checks that entity data conforms to a schema, as Cedar does for entities read with a schema: each entity's type
/// is declared (an enumerated type's entity uses a listed id and has no attributes, parents or tags), its
/// attributes and tags have the declared types, and its parents are of types the schema allows as ancestors. An
/// action entity must be a declared action with no attributes or tags whose ancestors (its parents, closed through
/// the other action entities given) are exactly the groups the schema puts it in.
/// </summary>
public static class EntityValidator
{
    /// <summary>Validates <paramref name="entities"/> against <paramref name="schema"/>.</summary>
    /// <param name="schema">The schema.</param>
    /// <param name="entities">The entities.</param>
    /// <returns>Every violation found; empty when all entities conform.</returns>
    public static ImmutableArray<SchemaViolation> Validate(Schema schema, IEnumerable<Entity> entities)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(entities);
        var violations = ImmutableArray.CreateBuilder<SchemaViolation>();
        var ancestorTypes = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var list = entities as IReadOnlyCollection<Entity> ?? [.. entities];
        var actions = new Dictionary<EntityUid, Entity>();
        foreach (var entity in list)
        {
            if (entity.Uid.IsAction)
            {
                actions.TryAdd(entity.Uid, entity);
            }
        }

        foreach (var entity in list)
        {
            var subject = entity.Uid.ToString();
            var problems = new List<string>();
            if (entity.Uid.IsAction)
            {
                CheckAction(schema, entity, actions, problems);
            }
            else if (schema.GetEntityType(entity.Uid.Type) is not { } type)
            {
                problems.Add($"entity type `{entity.Uid.Type}` is not declared");
            }
            else
            {
                CheckEntity(schema, entity, type, AncestorTypes(schema, type.Name, ancestorTypes), problems);
            }

            foreach (var problem in problems)
            {
                violations.Add(new SchemaViolation(subject, problem));
            }
        }

        return violations.ToImmutable();
    }

    private static void CheckEntity(Schema schema, Entity entity, SchemaEntityType type, HashSet<string> allowedAncestors, List<string> problems)
    {
        if (type.IsEnum)
        {
            ValueConformance.CheckEnumId(schema, entity.Uid, "id", problems);
            if (entity.Attributes.Count > 0 || !entity.Parents.IsEmpty || entity.Tags.Count > 0)
            {
                problems.Add("an entity of an enumerated type cannot have attributes, parents or tags");
            }

            return;
        }

        ValueConformance.CheckRecord(schema, entity.Attributes, type.Attributes, string.Empty, problems);
        ValueConformance.CheckEnumReferences(schema, CedarValue.FromRecord(entity.Attributes), "attributes", problems);
        foreach (var parent in entity.Parents)
        {
            if (!allowedAncestors.Contains(parent.Type))
            {
                problems.Add($"parent `{parent}`: entities of type `{type.Name}` cannot be in entities of type `{parent.Type}`");
            }
        }

        if (entity.Tags.Count > 0)
        {
            if (type.Tags is null)
            {
                problems.Add($"entities of type `{type.Name}` cannot have tags");
            }
            else
            {
                for (var i = 0; i < entity.Tags.Count; i++)
                {
                    ValueConformance.Check(schema, entity.Tags.Values[i], type.Tags, $"tag `{entity.Tags.Keys[i]}`", problems);
                }
            }
        }
    }

    private static void CheckAction(Schema schema, Entity entity, Dictionary<EntityUid, Entity> actions, List<string> problems)
    {
        if (schema.GetAction(entity.Uid.Type, entity.Uid.Id) is not { } action)
        {
            problems.Add("the action is not declared in the schema");
            return;
        }

        if (entity.Attributes.Count > 0 || entity.Tags.Count > 0)
        {
            problems.Add("an action entity cannot have attributes or tags");
        }

        // As Cedar does: the action's ancestors in the data (its parents, closed transitively through the other
        // action entities given) must be exactly the groups the schema puts it in, directly or not.
        var ancestors = new HashSet<(string Type, string Id)>();
        var pending = new Stack<EntityUid>(entity.Parents);
        while (pending.Count > 0)
        {
            var parent = pending.Pop();
            if (ancestors.Add((parent.Type, parent.Id)) && actions.TryGetValue(parent, out var group))
            {
                foreach (var next in group.Parents)
                {
                    pending.Push(next);
                }
            }
        }

        if (!action.Ancestors.SetEquals(ancestors))
        {
            problems.Add("the action's groups in the data do not match its schema declaration");
        }
    }

    private static HashSet<string> AncestorTypes(Schema schema, string type, Dictionary<string, HashSet<string>> cache)
    {
        // The types an entity of `type` may be in: every type that has `type` among its descendants (Cedar checks
        // parents against this transitively closed set).
        if (!cache.TryGetValue(type, out var result))
        {
            result = [.. schema.EntityTypes.Where(t => t.DescendantTypes.Contains(type)).Select(t => t.Name)];
            cache[type] = result;
        }

        return result;
    }
}
