using Warden.Policy.Extensions;
using Warden.Policy.Syntax;
using Warden.Policy.Values;

namespace Warden.Policy.Evaluation;

/// <summary><c>a == b</c>: never an error; values of different kinds are unequal.</summary>
internal sealed class EqualsNode(Node left, Node right) : Node
{
    public override CedarValue Evaluate(ref EvaluationContext context)
    {
        var a = left.Evaluate(ref context);
        if (a.IsNone)
        {
            return a;
        }

        var b = right.Evaluate(ref context);
        return b.IsNone ? b : CedarValue.FromBool(a.Equals(b));
    }
}

/// <summary><c>a == constant</c>, the most common comparison, without evaluating the constant.</summary>
internal sealed class EqualsConstantNode(Node left, CedarValue constant) : Node
{
    public override CedarValue Evaluate(ref EvaluationContext context)
    {
        var a = left.Evaluate(ref context);
        return a.IsNone ? a : CedarValue.FromBool(a.Equals(constant));
    }
}

/// <summary><c>&lt;</c> and <c>&lt;=</c> on two longs, two datetimes or two durations.</summary>
internal sealed class CompareNode(Node left, Node right, bool orEqual) : Node
{
    public override CedarValue Evaluate(ref EvaluationContext context)
    {
        var a = left.Evaluate(ref context);
        if (a.IsNone)
        {
            return a;
        }

        var b = right.Evaluate(ref context);
        if (b.IsNone)
        {
            return b;
        }

        if (a.Kind == b.Kind && a.Kind is CedarValueKind.Long or CedarValueKind.Datetime or CedarValueKind.Duration)
        {
            return CedarValue.FromBool(orEqual ? a.ScalarUnchecked <= b.ScalarUnchecked : a.ScalarUnchecked < b.ScalarUnchecked);
        }

        var culprit = a.Kind is CedarValueKind.Long or CedarValueKind.Datetime or CedarValueKind.Duration ? b : a;
        return context.Fail(TypeError("one of [long, datetime, duration]", culprit));
    }
}

/// <summary><c>+</c>, <c>-</c>, <c>*</c> on longs; overflow is an error, never a wrap.</summary>
internal sealed class ArithmeticNode(BinaryOp op, Node left, Node right) : Node
{
    public override CedarValue Evaluate(ref EvaluationContext context)
    {
        var a = left.Evaluate(ref context);
        if (a.IsNone)
        {
            return a;
        }

        var b = right.Evaluate(ref context);
        if (b.IsNone)
        {
            return b;
        }

        if (a.Kind != CedarValueKind.Long || b.Kind != CedarValueKind.Long)
        {
            return context.Fail(TypeError("long", a.Kind != CedarValueKind.Long ? a : b));
        }

        var x = a.ScalarUnchecked;
        var y = b.ScalarUnchecked;
        long result;
        bool overflow;
        switch (op)
        {
            case BinaryOp.Add:
                result = unchecked(x + y);
                overflow = ((x ^ result) & (y ^ result)) < 0;
                break;
            case BinaryOp.Sub:
                result = unchecked(x - y);
                overflow = ((x ^ y) & (x ^ result)) < 0;
                break;
            default:
                var product = Math.BigMul(x, y, out var low);
                result = low;
                overflow = product != (low >> 63);
                break;
        }

        if (overflow)
        {
            var verb = op switch { BinaryOp.Add => "add", BinaryOp.Sub => "subtract", _ => "multiply" };
            return context.Fail($"integer overflow while attempting to {verb} the values `{x}` and `{y}`");
        }

        return CedarValue.FromLong(result);
    }
}

/// <summary>
/// Hierarchy membership <c>a in b</c>: <c>b</c> an entity or a set of entities (every element is checked to be
/// an entity). An entity missing from the store is only in itself.
/// </summary>
internal sealed class InNode(Node left, Node right) : Node
{
    public override CedarValue Evaluate(ref EvaluationContext context)
    {
        var a = left.Evaluate(ref context);
        if (a.IsNone)
        {
            return a;
        }

        var b = right.Evaluate(ref context);
        if (b.IsNone)
        {
            return b;
        }

        if (a.Kind != CedarValueKind.Entity)
        {
            var advice = b.Kind switch
            {
                CedarValueKind.Set => "; `in` is for checking the entity hierarchy; use `.contains()` to test set membership",
                CedarValueKind.Record => "; `in` is for checking the entity hierarchy; use `has` to test if a record has a key",
                _ => string.Empty,
            };
            return context.Fail(TypeError("(entity of type `any_entity_type`)", a) + advice);
        }

        var child = (EntityUid)a.RefUnchecked!;
        var stored = context.FindEntity(child);
        switch (b.Kind)
        {
            case CedarValueKind.Entity:
                return CedarValue.FromBool(IsIn(child, stored, (EntityUid)b.RefUnchecked!));
            case CedarValueKind.Set:
                {
                    var items = ((CedarSet)b.RefUnchecked!).Items;
                    foreach (var item in items)
                    {
                        if (item.Kind != CedarValueKind.Entity)
                        {
                            return context.Fail(TypeError("(entity of type `any_entity_type`)", item));
                        }
                    }

                    foreach (var item in items)
                    {
                        if (IsIn(child, stored, (EntityUid)item.RefUnchecked!))
                        {
                            return CedarValue.True;
                        }
                    }

                    return CedarValue.False;
                }

            default:
                return context.Fail(TypeError("one of [set, (entity of type `any_entity_type`)]", b));
        }
    }

    internal static bool IsIn(EntityUid child, Entities.StoredEntity? stored, EntityUid ancestor) =>
        child.Equals(ancestor) || (stored is not null && stored.HasAncestor(ancestor));
}

/// <summary><c>set.contains(v)</c>, <c>set.containsAll(set)</c>, <c>set.containsAny(set)</c>.</summary>
internal sealed class SetMembershipNode(BinaryOp op, Node left, Node right) : Node
{
    public override CedarValue Evaluate(ref EvaluationContext context)
    {
        var a = left.Evaluate(ref context);
        if (a.IsNone)
        {
            return a;
        }

        var b = right.Evaluate(ref context);
        if (b.IsNone)
        {
            return b;
        }

        if (a.Kind != CedarValueKind.Set)
        {
            return context.Fail(TypeError("set", a));
        }

        var set = (CedarSet)a.RefUnchecked!;
        if (op == BinaryOp.Contains)
        {
            return CedarValue.FromBool(set.Contains(b));
        }

        if (b.Kind != CedarValueKind.Set)
        {
            return context.Fail(TypeError("set", b));
        }

        var other = (CedarSet)b.RefUnchecked!;
        return CedarValue.FromBool(op == BinaryOp.ContainsAll ? set.ContainsAll(other) : set.ContainsAny(other));
    }
}

/// <summary><c>set.isEmpty()</c>.</summary>
internal sealed class IsEmptyNode(Node operand) : Node
{
    public override CedarValue Evaluate(ref EvaluationContext context)
    {
        var value = operand.Evaluate(ref context);
        if (value.IsNone)
        {
            return value;
        }

        return value.Kind == CedarValueKind.Set
            ? CedarValue.FromBool(((CedarSet)value.RefUnchecked!).Count == 0)
            : context.Fail(TypeError("set", value));
    }
}

/// <summary><c>s like "pattern"</c>.</summary>
internal sealed class LikeNode(Node operand, LikePattern pattern) : Node
{
    public override CedarValue Evaluate(ref EvaluationContext context)
    {
        var value = operand.Evaluate(ref context);
        if (value.IsNone)
        {
            return value;
        }

        return value.Kind == CedarValueKind.String
            ? CedarValue.FromBool(pattern.IsMatch((string)value.RefUnchecked!))
            : context.Fail(TypeError("string", value));
    }
}

/// <summary><c>e is Type</c>.</summary>
internal sealed class IsNode(Node operand, string entityType) : Node
{
    public override CedarValue Evaluate(ref EvaluationContext context)
    {
        var value = operand.Evaluate(ref context);
        if (value.IsNone)
        {
            return value;
        }

        return value.Kind == CedarValueKind.Entity
            ? CedarValue.FromBool(string.Equals(((EntityUid)value.RefUnchecked!).Type, entityType, StringComparison.Ordinal))
            : context.Fail(TypeError("(entity of type `any_entity_type`)", value));
    }
}

/// <summary>An extension function or method call (arity and argument types checked at evaluation, as in Cedar).</summary>
internal sealed class ExtensionCallNode(string function, Node[] arguments) : Node
{
    public override CedarValue Evaluate(ref EvaluationContext context)
    {
        var buffer = default(ArgumentBuffer);
        Span<CedarValue> values = arguments.Length <= ArgumentBuffer.Length ? ((Span<CedarValue>)buffer)[..arguments.Length] : new CedarValue[arguments.Length];
        for (var i = 0; i < arguments.Length; i++)
        {
            var value = arguments[i].Evaluate(ref context);
            if (value.IsNone)
            {
                return value;
            }

            values[i] = value;
        }

        return ExtensionCalls.TryInvoke(function, values, out var result, out var error) ? result : context.Fail(error!);
    }

    // Room for the arguments of every extension function on the stack (the longest takes two).
    [System.Runtime.CompilerServices.InlineArray(Length)]
    private struct ArgumentBuffer
    {
        public const int Length = 4;

        private CedarValue _element;
    }
}
