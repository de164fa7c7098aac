using System.Text;

namespace Warden.Policy.Tests.Differential.Generation;

/// <summary>
/// A generated Cedar expression, kept as a tree so a failing case can be shrunk node by node and printed with the
/// fewest parentheses Cedar's grammar needs (which exercises the parser's precedence) plus the extra ones the
/// generator chose.
/// </summary>
/// <remarks>
/// The printer is this test suite's own: it knows Cedar's grammar levels
/// (<c>if</c> &lt; <c>||</c> &lt; <c>&amp;&amp;</c> &lt; relations &lt; <c>+ -</c> &lt; <c>*</c> &lt; unary &lt; member &lt; primary)
/// and nothing of the engine under test.
/// </remarks>
internal abstract record GenExpr
{
    /// <summary>Grammar levels, lowest binding first.</summary>
    public const int IfLevel = 0, OrLevel = 1, AndLevel = 2, RelationLevel = 3, AddLevel = 4, MulLevel = 5, UnaryLevel = 6, MemberLevel = 7, PrimaryLevel = 8;

    /// <summary>Print this node in parentheses even where the grammar does not need them.</summary>
    public bool Paren { get; init; }

    /// <summary>The grammar level this node's text belongs to.</summary>
    public abstract int Level { get; }

    /// <summary>The direct children (for shrinking).</summary>
    public abstract IReadOnlyList<GenExpr> Kids { get; }

    /// <summary>This node with its children replaced (same count and order as <see cref="Kids"/>).</summary>
    public abstract GenExpr WithKids(IReadOnlyList<GenExpr> kids);

    /// <summary>Writes the node's own text (children through <see cref="Print(StringBuilder, GenExpr, int)"/>).</summary>
    protected abstract void WriteBody(StringBuilder sb);

    /// <summary>The Cedar text (sealed, so the records below do not replace it with their generated member dump).</summary>
    public sealed override string ToString()
    {
        var sb = new StringBuilder();
        Print(sb, this, IfLevel);
        return sb.ToString();
    }

    /// <summary>Prints <paramref name="e"/> where the grammar needs at least <paramref name="required"/>.</summary>
    protected static void Print(StringBuilder sb, GenExpr e, int required)
    {
        var paren = e.Paren || e.Level < required;
        if (paren)
        {
            sb.Append('(');
        }

        e.WriteBody(sb);
        if (paren)
        {
            sb.Append(')');
        }
    }

    /// <summary>Counts nodes.</summary>
    public int Size()
    {
        var n = 1;
        foreach (var k in Kids)
        {
            n += k.Size();
        }

        return n;
    }
}

/// <summary>A literal, variable, entity uid or any text that needs no parentheses.</summary>
internal sealed record AtomExpr(string Text) : GenExpr
{
    /// <inheritdoc />
    public override int Level => Text.StartsWith('-') ? UnaryLevel : PrimaryLevel;

    /// <inheritdoc />
    public override IReadOnlyList<GenExpr> Kids => [];

    /// <inheritdoc />
    public override GenExpr WithKids(IReadOnlyList<GenExpr> kids) => this;

    /// <inheritdoc />
    protected override void WriteBody(StringBuilder sb) => sb.Append(Text);
}

/// <summary><c>!e</c> or <c>-e</c>.</summary>
internal sealed record UnaryExpr(string Op, GenExpr Arg) : GenExpr
{
    /// <inheritdoc />
    public override int Level => UnaryLevel;

    /// <inheritdoc />
    public override IReadOnlyList<GenExpr> Kids => [Arg];

    /// <inheritdoc />
    public override GenExpr WithKids(IReadOnlyList<GenExpr> kids) => this with { Arg = kids[0] };

    /// <inheritdoc />
    protected override void WriteBody(StringBuilder sb)
    {
        sb.Append(Op);

        // Cedar allows up to four stacked unary operators (`!!e`, `--e`); a literal after `-` would fuse into a
        // negative literal, which is the same value except at the i64 edge, so keep a space there.
        if (Arg is AtomExpr { Text: var t } && Op == "-" && (t.Length > 0 && (char.IsAsciiDigit(t[0]) || t[0] == '-')))
        {
            sb.Append(' ');
        }

        Print(sb, Arg, Arg is UnaryExpr && !Arg.Paren ? UnaryLevel : MemberLevel);
    }
}

/// <summary>A binary operator at a grammar level: left-associative for <c>|| &amp;&amp; + - *</c>, non-associative for relations.</summary>
internal sealed record BinaryExpr(string Op, GenExpr Left, GenExpr Right, int OpLevel) : GenExpr
{
    /// <inheritdoc />
    public override int Level => OpLevel;

    /// <inheritdoc />
    public override IReadOnlyList<GenExpr> Kids => [Left, Right];

    /// <inheritdoc />
    public override GenExpr WithKids(IReadOnlyList<GenExpr> kids) => this with { Left = kids[0], Right = kids[1] };

    /// <inheritdoc />
    protected override void WriteBody(StringBuilder sb)
    {
        Print(sb, Left, OpLevel == RelationLevel ? AddLevel : OpLevel);
        sb.Append(' ').Append(Op).Append(' ');
        Print(sb, Right, OpLevel + 1);
    }
}

/// <summary><c>e.attr</c> or <c>e["attr"]</c> (the accessor is printed already).</summary>
internal sealed record AccessExpr(GenExpr Target, string Accessor) : GenExpr
{
    /// <inheritdoc />
    public override int Level => MemberLevel;

    /// <inheritdoc />
    public override IReadOnlyList<GenExpr> Kids => [Target];

    /// <inheritdoc />
    public override GenExpr WithKids(IReadOnlyList<GenExpr> kids) => this with { Target = kids[0] };

    /// <inheritdoc />
    protected override void WriteBody(StringBuilder sb)
    {
        Print(sb, Target, MemberLevel);
        sb.Append(Accessor);
    }
}

/// <summary><c>e.method(args)</c>.</summary>
internal sealed record MethodExpr(GenExpr Target, string Name, GenExpr[] Args) : GenExpr
{
    /// <inheritdoc />
    public override int Level => MemberLevel;

    /// <inheritdoc />
    public override IReadOnlyList<GenExpr> Kids => [Target, .. Args];

    /// <inheritdoc />
    public override GenExpr WithKids(IReadOnlyList<GenExpr> kids) => this with { Target = kids[0], Args = [.. kids.Skip(1)] };

    /// <inheritdoc />
    protected override void WriteBody(StringBuilder sb)
    {
        Print(sb, Target, MemberLevel);
        sb.Append('.').Append(Name).Append('(');
        WriteList(sb, Args);
        sb.Append(')');
    }

    internal static void WriteList(StringBuilder sb, IReadOnlyList<GenExpr> items)
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            Print(sb, items[i], IfLevel);
        }
    }
}

/// <summary><c>fn(args)</c>: an extension function call.</summary>
internal sealed record CallExpr(string Function, GenExpr[] Args) : GenExpr
{
    /// <inheritdoc />
    public override int Level => PrimaryLevel;

    /// <inheritdoc />
    public override IReadOnlyList<GenExpr> Kids => Args;

    /// <inheritdoc />
    public override GenExpr WithKids(IReadOnlyList<GenExpr> kids) => this with { Args = [.. kids] };

    /// <inheritdoc />
    protected override void WriteBody(StringBuilder sb)
    {
        sb.Append(Function).Append('(');
        MethodExpr.WriteList(sb, Args);
        sb.Append(')');
    }
}

/// <summary><c>e has a</c>, <c>e has "a b"</c>, <c>e has a.b.c</c> (the attribute path is printed already).</summary>
internal sealed record HasExpr(GenExpr Target, string Path) : GenExpr
{
    /// <inheritdoc />
    public override int Level => RelationLevel;

    /// <inheritdoc />
    public override IReadOnlyList<GenExpr> Kids => [Target];

    /// <inheritdoc />
    public override GenExpr WithKids(IReadOnlyList<GenExpr> kids) => this with { Target = kids[0] };

    /// <inheritdoc />
    protected override void WriteBody(StringBuilder sb)
    {
        Print(sb, Target, AddLevel);
        sb.Append(" has ").Append(Path);
    }
}

/// <summary><c>e like "pattern"</c> (the pattern is printed already, escapes included).</summary>
internal sealed record LikeExpr(GenExpr Target, string Pattern) : GenExpr
{
    /// <inheritdoc />
    public override int Level => RelationLevel;

    /// <inheritdoc />
    public override IReadOnlyList<GenExpr> Kids => [Target];

    /// <inheritdoc />
    public override GenExpr WithKids(IReadOnlyList<GenExpr> kids) => this with { Target = kids[0] };

    /// <inheritdoc />
    protected override void WriteBody(StringBuilder sb)
    {
        Print(sb, Target, AddLevel);
        sb.Append(" like ").Append(Pattern);
    }
}

/// <summary><c>e is T</c> or <c>e is T in x</c>.</summary>
internal sealed record IsExpr(GenExpr Target, string Type, GenExpr? In) : GenExpr
{
    /// <inheritdoc />
    public override int Level => RelationLevel;

    /// <inheritdoc />
    public override IReadOnlyList<GenExpr> Kids => In is null ? [Target] : [Target, In];

    /// <inheritdoc />
    public override GenExpr WithKids(IReadOnlyList<GenExpr> kids) => this with { Target = kids[0], In = kids.Count > 1 ? kids[1] : null };

    /// <inheritdoc />
    protected override void WriteBody(StringBuilder sb)
    {
        Print(sb, Target, AddLevel);
        sb.Append(" is ").Append(Type);
        if (In is not null)
        {
            sb.Append(" in ");
            Print(sb, In, AddLevel);
        }
    }
}

/// <summary><c>if c then t else e</c>.</summary>
internal sealed record IfExpr(GenExpr Condition, GenExpr Then, GenExpr Else) : GenExpr
{
    /// <inheritdoc />
    public override int Level => IfLevel;

    /// <inheritdoc />
    public override IReadOnlyList<GenExpr> Kids => [Condition, Then, Else];

    /// <inheritdoc />
    public override GenExpr WithKids(IReadOnlyList<GenExpr> kids) => this with { Condition = kids[0], Then = kids[1], Else = kids[2] };

    /// <inheritdoc />
    protected override void WriteBody(StringBuilder sb)
    {
        sb.Append("if ");
        Print(sb, Condition, IfLevel);
        sb.Append(" then ");
        Print(sb, Then, IfLevel);
        sb.Append(" else ");
        Print(sb, Else, IfLevel);
    }
}

/// <summary><c>[a, b, …]</c>.</summary>
internal sealed record SetExpr(GenExpr[] Items) : GenExpr
{
    /// <inheritdoc />
    public override int Level => PrimaryLevel;

    /// <inheritdoc />
    public override IReadOnlyList<GenExpr> Kids => Items;

    /// <inheritdoc />
    public override GenExpr WithKids(IReadOnlyList<GenExpr> kids) => this with { Items = [.. kids] };

    /// <inheritdoc />
    protected override void WriteBody(StringBuilder sb)
    {
        sb.Append('[');
        MethodExpr.WriteList(sb, Items);
        sb.Append(']');
    }
}

/// <summary><c>{key: value, "k": v, …}</c> (keys printed already: identifiers or string literals).</summary>
internal sealed record RecordExpr(string[] Keys, GenExpr[] Values) : GenExpr
{
    /// <inheritdoc />
    public override int Level => PrimaryLevel;

    /// <inheritdoc />
    public override IReadOnlyList<GenExpr> Kids => Values;

    /// <inheritdoc />
    public override GenExpr WithKids(IReadOnlyList<GenExpr> kids) => this with { Values = [.. kids] };

    /// <inheritdoc />
    protected override void WriteBody(StringBuilder sb)
    {
        sb.Append('{');
        for (var i = 0; i < Keys.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            sb.Append(Keys[i]).Append(": ");
            Print(sb, Values[i], IfLevel);
        }

        sb.Append('}');
    }
}
