using Warden.Policy.Entities;
using Warden.Policy.Syntax;
using Warden.Policy.Values;

namespace Warden.Policy.Evaluation;

/// <summary>
/// Turns an AST into evaluation nodes: flattens <c>&amp;&amp;</c>/<c>||</c> chains, folds request-independent
/// sub-expressions (literal sets and records, <c>ip("…")</c> and other constructors on literals) into constants,
/// and specializes comparisons against constants.
/// </summary>
internal static class Compiler
{
    private static readonly EntityUid Placeholder = new("__folding", string.Empty, trusted: true);

    /// <summary>Compiles an expression.</summary>
    /// <exception cref="ArgumentException">The tree is deeper than <see cref="CedarLimits.MaxExpressionHeight"/> or malformed.</exception>
    public static Node Compile(Expr expr)
    {
        ArgumentNullException.ThrowIfNull(expr);
        if (ExprWalker.Height(expr, CedarLimits.MaxExpressionHeight + 1) > CedarLimits.MaxExpressionHeight)
        {
            throw new ArgumentException($"expression is nested more than {CedarLimits.MaxExpressionHeight} levels deep", nameof(expr));
        }

        return CompileNode(expr);
    }

    private static Node CompileNode(Expr expr)
    {
        switch (expr)
        {
            case LiteralExpr literal:
                return new ConstantNode(literal.Value);
            case VarExpr variable:
                return new VariableNode(variable.Variable);
            case IfExpr ite:
                {
                    var condition = CompileNode(ite.Condition);
                    if (condition.Constant.Kind == CedarValueKind.Bool)
                    {
                        return CompileNode(condition.Constant.BoolUnchecked ? ite.Then : ite.Else);
                    }

                    return new IfNode(condition, CompileNode(ite.Then), CompileNode(ite.Else));
                }

            case AndExpr:
                return Fold(new AndNode(Flatten<AndExpr>(expr, e => (e.Left, e.Right))));
            case OrExpr:
                return Fold(new OrNode(Flatten<OrExpr>(expr, e => (e.Left, e.Right))));
            case UnaryExpr unary:
                {
                    var operand = CompileNode(unary.Operand);
                    Node node = unary.Op switch
                    {
                        UnaryOp.Not => new NotNode(operand),
                        UnaryOp.Neg => new NegateNode(operand),
                        _ => new IsEmptyNode(operand),
                    };
                    return Fold(node, operand);
                }

            case BinaryExpr binary:
                return CompileBinary(binary);
            case ExtensionCallExpr call:
                {
                    var arguments = call.Arguments.Select(CompileNode).ToArray();
                    return Fold(new ExtensionCallNode(call.Function, arguments), arguments);
                }

            case GetAttrExpr get:
                {
                    var target = CompileNode(get.Target);
                    var node = new GetAttributeNode(target, get.Attribute);
                    return target.Constant.Kind == CedarValueKind.Record ? Fold(node, target) : node;
                }

            case HasAttrExpr has:
                {
                    var target = CompileNode(has.Target);
                    var node = new HasAttributeNode(target, has.Attribute);
                    return target.Constant.Kind == CedarValueKind.Record ? Fold(node, target) : node;
                }

            case LikeExpr like:
                {
                    var operand = CompileNode(like.Target);
                    return Fold(new LikeNode(operand, like.Pattern), operand);
                }

            case IsExpr isExpr:
                {
                    var operand = CompileNode(isExpr.Target);
                    return Fold(new IsNode(operand, isExpr.EntityType), operand);
                }

            case SetExpr set:
                {
                    var elements = set.Elements.Select(CompileNode).ToArray();
                    return Fold(new SetNode(elements), elements);
                }

            case RecordExpr record:
                {
                    var keys = record.Attributes.Select(a => a.Key).ToArray();
                    if (keys.Distinct(StringComparer.Ordinal).Count() != keys.Length)
                    {
                        throw new ArgumentException("a record literal has duplicate attribute names", nameof(expr));
                    }

                    var values = record.Attributes.Select(a => CompileNode(a.Value)).ToArray();
                    return Fold(new RecordNode(keys, values), values);
                }

            default:
                throw new ArgumentException($"unsupported expression node {expr.GetType().Name}", nameof(expr));
        }
    }

    private static Node CompileBinary(BinaryExpr binary)
    {
        var left = CompileNode(binary.Left);
        var right = CompileNode(binary.Right);
        switch (binary.Op)
        {
            case BinaryOp.Eq:
                if (!right.Constant.IsNone && left.Constant.IsNone)
                {
                    return new EqualsConstantNode(left, right.Constant);
                }

                if (!left.Constant.IsNone && right.Constant.IsNone)
                {
                    return new EqualsConstantNode(right, left.Constant);
                }

                return Fold(new EqualsNode(left, right), left, right);
            case BinaryOp.Less:
            case BinaryOp.LessEq:
                return Fold(new CompareNode(left, right, binary.Op == BinaryOp.LessEq), left, right);
            case BinaryOp.Add:
            case BinaryOp.Sub:
            case BinaryOp.Mul:
                return Fold(new ArithmeticNode(binary.Op, left, right), left, right);
            case BinaryOp.In:
                return new InNode(left, right);
            case BinaryOp.Contains:
            case BinaryOp.ContainsAll:
            case BinaryOp.ContainsAny:
                return Fold(new SetMembershipNode(binary.Op, left, right), left, right);
            default:
                return new TagNode(left, right, isGet: binary.Op == BinaryOp.GetTag);
        }
    }

    // Operands of a chain of the same operator, in evaluation order, whichever way it is nested.
    private static Node[] Flatten<T>(Expr root, Func<T, (Expr Left, Expr Right)> split)
        where T : Expr
    {
        var operands = new List<Node>();
        var stack = new Stack<Expr>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var current = stack.Pop();
            if (current is T chain)
            {
                var (left, right) = split(chain);
                stack.Push(right);
                stack.Push(left);
            }
            else
            {
                operands.Add(CompileNode(current));
            }
        }

        return [.. operands];
    }

    private static Node Fold(AndNode node) => node;

    private static Node Fold(OrNode node) => node;

    // A node whose operands are all constants does not depend on the request: evaluate it once. Errors are
    // left to evaluation, so a policy that always errors still reports the error on every request.
    private static Node Fold(Node node, params Node[] operands)
    {
        foreach (var operand in operands)
        {
            if (operand.Constant.IsNone)
            {
                return node;
            }
        }

        var context = new EvaluationContext(Placeholder, Placeholder, Placeholder, CedarRecord.Empty, EntityStore.Empty);
        var value = node.Evaluate(ref context);
        return value.IsNone ? node : new ConstantNode(value);
    }
}
