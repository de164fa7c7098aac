using Warden.Policy.Syntax;
using Warden.Policy.Values;

namespace Warden.Policy.Evaluation;

/// <summary>A value known at compile time (literals, and constant-folded sets, records and extension constructors).</summary>
internal sealed class ConstantNode(CedarValue value) : Node
{
    public override CedarValue Constant => value;

    public override CedarValue Evaluate(ref EvaluationContext context) => value;
}

/// <summary>A request variable.</summary>
internal sealed class VariableNode(Var variable) : Node
{
    public Var Variable { get; } = variable;

    public override CedarValue Evaluate(ref EvaluationContext context) => Variable switch
    {
        Var.Principal => CedarValue.FromEntity(context.Principal),
        Var.Action => CedarValue.FromEntity(context.Action),
        Var.Resource => CedarValue.FromEntity(context.Resource),
        _ => context.Context,
    };
}

/// <summary><c>if c then a else b</c>.</summary>
internal sealed class IfNode(Node condition, Node then, Node otherwise) : Node
{
    public override CedarValue Evaluate(ref EvaluationContext context)
    {
        var guard = ExpectBool(ref context, condition.Evaluate(ref context));
        if (guard.IsNone)
        {
            return guard;
        }

        return guard.BoolUnchecked ? then.Evaluate(ref context) : otherwise.Evaluate(ref context);
    }
}

/// <summary>
/// A left-folded chain of <c>&amp;&amp;</c> flattened into one node: evaluates operands in order, stopping at the
/// first <c>false</c>; every evaluated operand must be a bool. Equivalent to Cedar's nested binary form.
/// </summary>
internal sealed class AndNode(Node[] operands) : Node
{
    public override CedarValue Evaluate(ref EvaluationContext context)
    {
        foreach (var operand in operands)
        {
            var value = ExpectBool(ref context, operand.Evaluate(ref context));
            if (value.IsNone || !value.BoolUnchecked)
            {
                return value;
            }
        }

        return CedarValue.True;
    }
}

/// <summary>A flattened chain of <c>||</c>: stops at the first <c>true</c>; every evaluated operand must be a bool.</summary>
internal sealed class OrNode(Node[] operands) : Node
{
    public override CedarValue Evaluate(ref EvaluationContext context)
    {
        foreach (var operand in operands)
        {
            var value = ExpectBool(ref context, operand.Evaluate(ref context));
            if (value.IsNone || value.BoolUnchecked)
            {
                return value;
            }
        }

        return CedarValue.False;
    }
}

/// <summary><c>!e</c>.</summary>
internal sealed class NotNode(Node operand) : Node
{
    public override CedarValue Evaluate(ref EvaluationContext context)
    {
        var value = ExpectBool(ref context, operand.Evaluate(ref context));
        return value.IsNone ? value : CedarValue.FromBool(!value.BoolUnchecked);
    }
}

/// <summary><c>-e</c> on a long; negating the minimum long overflows.</summary>
internal sealed class NegateNode(Node operand) : Node
{
    public override CedarValue Evaluate(ref EvaluationContext context)
    {
        var value = operand.Evaluate(ref context);
        if (value.IsNone)
        {
            return value;
        }

        if (value.Kind != CedarValueKind.Long)
        {
            return context.Fail(TypeError("long", value));
        }

        var number = value.ScalarUnchecked;
        return number == long.MinValue
            ? context.Fail($"integer overflow while attempting to negate the value `{number}`")
            : CedarValue.FromLong(-number);
    }
}

/// <summary>A set literal with at least one non-constant element.</summary>
internal sealed class SetNode(Node[] elements) : Node
{
    public override CedarValue Evaluate(ref EvaluationContext context)
    {
        var items = new List<CedarValue>(elements.Length);
        foreach (var element in elements)
        {
            var value = element.Evaluate(ref context);
            if (value.IsNone)
            {
                return value;
            }

            items.Add(value);
        }

        return CedarValue.FromSet(CedarSet.FromList(items));
    }
}

/// <summary>A record literal with at least one non-constant attribute.</summary>
internal sealed class RecordNode(string[] keys, Node[] values) : Node
{
    public override CedarValue Evaluate(ref EvaluationContext context)
    {
        var attributes = new List<KeyValuePair<string, CedarValue>>(keys.Length);
        for (var i = 0; i < keys.Length; i++)
        {
            var value = values[i].Evaluate(ref context);
            if (value.IsNone)
            {
                return value;
            }

            attributes.Add(new(keys[i], value));
        }

        // INVARIANT: the parser rejects duplicate keys in record literals.
        _ = CedarRecord.TryFromList(attributes, out var record, out _);
        return CedarValue.FromRecord(record);
    }
}
