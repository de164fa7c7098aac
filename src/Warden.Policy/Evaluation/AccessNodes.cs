using Warden.Policy.Entities;
using Warden.Policy.Values;

namespace Warden.Policy.Evaluation;

/// <summary>
/// <c>e.attr</c>: on a record, the attribute or an error; on an entity, the stored entity's attribute, an error
/// when the entity is not in the store or lacks the attribute.
/// </summary>
internal sealed class GetAttributeNode(Node target, string attribute) : Node
{
    public override CedarValue Evaluate(ref EvaluationContext context)
    {
        var value = target.Evaluate(ref context);
        if (value.IsNone)
        {
            return value;
        }

        return Get(ref context, value, attribute);
    }

    internal static CedarValue Get(ref EvaluationContext context, CedarValue value, string attribute)
    {
        switch (value.Kind)
        {
            case CedarValueKind.Record:
                return ((CedarRecord)value.RefUnchecked!).TryGetValue(attribute, out var field)
                    ? field
                    : context.Fail($"record does not have the attribute `{attribute}`");
            case CedarValueKind.Entity:
                {
                    var uid = (EntityUid)value.RefUnchecked!;
                    var stored = context.FindEntity(uid);
                    if (stored is null)
                    {
                        return context.Fail($"entity `{uid}` does not exist");
                    }

                    return stored.Entity.Attributes.TryGetValue(attribute, out var attributeValue)
                        ? attributeValue
                        : context.Fail($"`{uid}` does not have the attribute `{attribute}`");
                }

            default:
                return context.Fail(TypeError("one of [record, (entity of type `any_entity_type`)]", value));
        }
    }
}

/// <summary><c>e has attr</c>: false for an entity missing from the store.</summary>
internal sealed class HasAttributeNode(Node target, string attribute) : Node
{
    public override CedarValue Evaluate(ref EvaluationContext context)
    {
        var value = target.Evaluate(ref context);
        if (value.IsNone)
        {
            return value;
        }

        switch (value.Kind)
        {
            case CedarValueKind.Record:
                return CedarValue.FromBool(((CedarRecord)value.RefUnchecked!).ContainsKey(attribute));
            case CedarValueKind.Entity:
                {
                    var stored = context.FindEntity((EntityUid)value.RefUnchecked!);
                    return CedarValue.FromBool(stored is not null && stored.Entity.Attributes.ContainsKey(attribute));
                }

            default:
                return context.Fail(TypeError("one of [record, (entity of type `any_entity_type`)]", value));
        }
    }
}

/// <summary><c>entity.getTag(name)</c> and <c>entity.hasTag(name)</c>.</summary>
internal sealed class TagNode(Node target, Node tag, bool isGet) : Node
{
    public override CedarValue Evaluate(ref EvaluationContext context)
    {
        var entityValue = target.Evaluate(ref context);
        if (entityValue.IsNone)
        {
            return entityValue;
        }

        var tagValue = tag.Evaluate(ref context);
        if (tagValue.IsNone)
        {
            return tagValue;
        }

        if (entityValue.Kind != CedarValueKind.Entity)
        {
            return context.Fail(TypeError("(entity of type `any_entity_type`)", entityValue));
        }

        if (tagValue.Kind != CedarValueKind.String)
        {
            return context.Fail(TypeError("string", tagValue));
        }

        var uid = (EntityUid)entityValue.RefUnchecked!;
        var name = (string)tagValue.RefUnchecked!;
        StoredEntity? stored = context.FindEntity(uid);
        if (!isGet)
        {
            return CedarValue.FromBool(stored is not null && stored.Entity.Tags.ContainsKey(name));
        }

        if (stored is null)
        {
            return context.Fail($"entity `{uid}` does not exist");
        }

        return stored.Entity.Tags.TryGetValue(name, out var result)
            ? result
            : context.Fail($"`{uid}` does not have the tag `{name}`");
    }
}
