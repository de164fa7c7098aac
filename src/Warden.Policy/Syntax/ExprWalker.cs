namespace Warden.Policy.Syntax;

/// <summary>Non-recursive traversals of expression trees (safe on any depth).</summary>
public static class ExprWalker
{
    /// <summary>The direct sub-expressions of <paramref name="expr"/>, left to right.</summary>
    /// <param name="expr">The expression.</param>
    public static IReadOnlyList<Expr> Children(Expr expr) => expr switch
    {
        IfExpr e => [e.Condition, e.Then, e.Else],
        AndExpr e => [e.Left, e.Right],
        OrExpr e => [e.Left, e.Right],
        UnaryExpr e => [e.Operand],
        BinaryExpr e => [e.Left, e.Right],
        ExtensionCallExpr e => e.Arguments,
        GetAttrExpr e => [e.Target],
        HasAttrExpr e => [e.Target],
        LikeExpr e => [e.Target],
        IsExpr e => [e.Target],
        SetExpr e => e.Elements,
        RecordExpr e => [.. e.Attributes.Select(a => a.Value)],
        _ => [],
    };

    /// <summary>
    /// The height of the tree (a leaf has height 1), computed with an explicit stack; stops counting once
    /// <paramref name="cap"/> is reached and returns it.
    /// </summary>
    /// <param name="expr">The expression.</param>
    /// <param name="cap">The height beyond which counting stops.</param>
    public static int Height(Expr expr, int cap = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(expr);
        var max = 0;
        var stack = new Stack<(Expr Node, int Depth)>();
        stack.Push((expr, 1));
        while (stack.Count > 0)
        {
            var (node, depth) = stack.Pop();
            if (depth > max)
            {
                max = depth;
                if (max >= cap)
                {
                    return cap;
                }
            }

            foreach (var child in Children(node))
            {
                stack.Push((child, depth + 1));
            }
        }

        return max;
    }
}
