using System.Text;
using Warden.Policy.Values;

namespace Warden.Policy.Syntax;

/// <summary>Prints expressions back as Cedar syntax, parenthesizing every compound operand so the result re-parses to the same AST.</summary>
internal static class ExprPrinter
{
    private const int MaxDepth = 4096;

    public static string Print(Expr expr)
    {
        var builder = new StringBuilder();
        Append(builder, expr, 0);
        return builder.ToString();
    }

    private static void Append(StringBuilder builder, Expr expr, int depth)
    {
        if (depth > MaxDepth)
        {
            builder.Append("...");
            return;
        }

        var next = depth + 1;
        switch (expr)
        {
            case LiteralExpr literal:
                builder.Append(literal.Value.ToString());
                break;
            case VarExpr variable:
                builder.Append(VarName(variable.Variable));
                break;
            case IfExpr ite:
                builder.Append("if ");
                Append(builder, ite.Condition, next);
                builder.Append(" then ");
                Append(builder, ite.Then, next);
                builder.Append(" else ");
                Append(builder, ite.Else, next);
                break;
            case AndExpr and:
                Operand(builder, and.Left, next);
                builder.Append(" && ");
                Operand(builder, and.Right, next);
                break;
            case OrExpr or:
                Operand(builder, or.Left, next);
                builder.Append(" || ");
                Operand(builder, or.Right, next);
                break;
            case UnaryExpr { Op: UnaryOp.IsEmpty } isEmpty:
                Operand(builder, isEmpty.Operand, next);
                builder.Append(".isEmpty()");
                break;
            case UnaryExpr unary:
                builder.Append(unary.Op == UnaryOp.Not ? "!" : "-");
                Operand(builder, unary.Operand, next);
                break;
            case BinaryExpr binary:
                AppendBinary(builder, binary, next);
                break;
            case ExtensionCallExpr call when call.IsMethodCall && call.Arguments.Length > 0:
                Operand(builder, call.Arguments[0], next);
                builder.Append('.').Append(call.Function).Append('(');
                AppendList(builder, call.Arguments.AsSpan()[1..], next);
                builder.Append(')');
                break;
            case ExtensionCallExpr call:
                builder.Append(call.Function).Append('(');
                AppendList(builder, call.Arguments.AsSpan(), next);
                builder.Append(')');
                break;
            case GetAttrExpr get:
                Operand(builder, get.Target, next);
                if (CedarNames.IsValidIdentifier(get.Attribute))
                {
                    builder.Append('.').Append(get.Attribute);
                }
                else
                {
                    builder.Append('[');
                    CedarStrings.AppendQuoted(builder, get.Attribute);
                    builder.Append(']');
                }

                break;
            case HasAttrExpr has:
                Operand(builder, has.Target, next);
                builder.Append(" has ");
                if (CedarNames.IsValidIdentifier(has.Attribute))
                {
                    builder.Append(has.Attribute);
                }
                else
                {
                    CedarStrings.AppendQuoted(builder, has.Attribute);
                }

                break;
            case LikeExpr like:
                Operand(builder, like.Target, next);
                builder.Append(" like ").Append(like.Pattern);
                break;
            case IsExpr isExpr:
                Operand(builder, isExpr.Target, next);
                builder.Append(" is ").Append(isExpr.EntityType);
                break;
            case SetExpr set:
                builder.Append('[');
                AppendList(builder, set.Elements.AsSpan(), next);
                builder.Append(']');
                break;
            case RecordExpr record:
                builder.Append('{');
                for (var i = 0; i < record.Attributes.Length; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(", ");
                    }

                    CedarStrings.AppendQuoted(builder, record.Attributes[i].Key);
                    builder.Append(": ");
                    Append(builder, record.Attributes[i].Value, next);
                }

                builder.Append('}');
                break;
            default:
                builder.Append(expr.GetType().Name);
                break;
        }
    }

    private static void AppendBinary(StringBuilder builder, BinaryExpr binary, int depth)
    {
        var method = binary.Op switch
        {
            BinaryOp.Contains => "contains",
            BinaryOp.ContainsAll => "containsAll",
            BinaryOp.ContainsAny => "containsAny",
            BinaryOp.GetTag => "getTag",
            BinaryOp.HasTag => "hasTag",
            _ => null,
        };
        if (method is not null)
        {
            Operand(builder, binary.Left, depth);
            builder.Append('.').Append(method).Append('(');
            Append(builder, binary.Right, depth);
            builder.Append(')');
            return;
        }

        var symbol = binary.Op switch
        {
            BinaryOp.Eq => "==",
            BinaryOp.Less => "<",
            BinaryOp.LessEq => "<=",
            BinaryOp.Add => "+",
            BinaryOp.Sub => "-",
            BinaryOp.Mul => "*",
            _ => "in",
        };
        Operand(builder, binary.Left, depth);
        builder.Append(' ').Append(symbol).Append(' ');
        Operand(builder, binary.Right, depth);
    }

    private static void Operand(StringBuilder builder, Expr expr, int depth)
    {
        var atomic = expr is VarExpr or SetExpr or RecordExpr or GetAttrExpr
            || (expr is LiteralExpr literal && !(literal.Value.Kind == CedarValueKind.Long && literal.Value.AsLong() < 0))
            || expr is ExtensionCallExpr { IsMethodCall: false };
        if (!atomic)
        {
            builder.Append('(');
        }

        Append(builder, expr, depth);
        if (!atomic)
        {
            builder.Append(')');
        }
    }

    private static void AppendList(StringBuilder builder, ReadOnlySpan<Expr> items, int depth)
    {
        for (var i = 0; i < items.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(", ");
            }

            Append(builder, items[i], depth);
        }
    }

    internal static string VarName(Var variable) => variable switch
    {
        Var.Principal => "principal",
        Var.Action => "action",
        Var.Resource => "resource",
        _ => "context",
    };
}
