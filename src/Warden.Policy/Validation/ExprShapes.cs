using System.Text;
using Warden.Policy.Syntax;
using Warden.Policy.Values;

namespace Warden.Policy.Validation;

/// <summary>
/// Structural identity of expressions. Cedar's validator tracks "<c>e has a</c> is known true" per expression
/// <em>shape</em>: <c>principal.manager has name</c> makes <c>principal.manager.name</c> safe wherever that shape
/// recurs. Each node gets a number, equal for two nodes exactly when their expressions have the same shape
/// (positions ignored). Shapes are interned bottom-up, so numbering a tree costs time linear in its size.
/// </summary>
internal sealed class ExprShapes
{
    private readonly Dictionary<Expr, int> _ids = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, int> _shapes = new(StringComparer.Ordinal);

    /// <summary>The shape number of <paramref name="expr"/>.</summary>
    public int IdOf(Expr expr)
    {
        if (_ids.TryGetValue(expr, out var known))
        {
            return known;
        }

        // Post-order without recursion: a node is numbered once all its children are.
        var stack = new Stack<(Expr Node, bool ChildrenDone)>();
        stack.Push((expr, false));
        while (stack.TryPop(out var item))
        {
            if (_ids.ContainsKey(item.Node))
            {
                continue;
            }

            var children = ExprWalker.Children(item.Node);
            if (!item.ChildrenDone)
            {
                stack.Push((item.Node, true));
                foreach (var child in children)
                {
                    if (!_ids.ContainsKey(child))
                    {
                        stack.Push((child, false));
                    }
                }

                continue;
            }

            var key = new StringBuilder();
            AppendPayload(key, item.Node);
            foreach (var child in children)
            {
                key.Append('#').Append(_ids[child]);
            }

            var text = key.ToString();
            if (!_shapes.TryGetValue(text, out var id))
            {
                id = _shapes.Count + 1;
                _shapes[text] = id;
            }

            _ids[item.Node] = id;
        }

        return _ids[expr];
    }

    private static void AppendPayload(StringBuilder key, Expr node)
    {
        switch (node)
        {
            case LiteralExpr literal:
                var value = literal.Value;
                key.Append("lit:").Append((int)value.Kind).Append(':');
                switch (value.Kind)
                {
                    case CedarValueKind.Bool:
                        key.Append(value.AsBool() ? '1' : '0');
                        break;
                    case CedarValueKind.Long:
                        key.Append(value.AsLong());
                        break;
                    case CedarValueKind.String:
                        Quote(key, value.AsString());
                        break;
                    case CedarValueKind.Entity:
                        Quote(key, value.AsEntity().Type);
                        Quote(key, value.AsEntity().Id);
                        break;
                }

                break;
            case VarExpr variable:
                key.Append("var:").Append((int)variable.Variable);
                break;
            case UnaryExpr unary:
                key.Append("un:").Append((int)unary.Op);
                break;
            case BinaryExpr binary:
                key.Append("bin:").Append((int)binary.Op);
                break;
            case ExtensionCallExpr call:
                Quote(key.Append("call:"), call.Function);
                break;
            case GetAttrExpr get:
                Quote(key.Append("get:"), get.Attribute);
                break;
            case HasAttrExpr has:
                Quote(key.Append("has:"), has.Attribute);
                break;
            case LikeExpr like:
                key.Append("like:");
                foreach (var element in like.Pattern.Elements)
                {
                    key.Append(element.IsWildcard ? "*" : $"c{(int)element.Character}");
                }

                break;
            case IsExpr isExpr:
                Quote(key.Append("is:"), isExpr.EntityType);
                break;
            case RecordExpr record:
                key.Append("rec:");
                foreach (var attribute in record.Attributes)
                {
                    Quote(key, attribute.Key);
                }

                break;
            default:
                key.Append(node.GetType().Name);
                break;
        }
    }

    private static void Quote(StringBuilder key, string text) => key.Append(text.Length).Append(':').Append(text);
}
