using System.Collections.Immutable;
using Warden.Policy.Values;

namespace Warden.Policy.Syntax;

/// <summary>The four request variables.</summary>
public enum Var
{
    /// <summary><c>principal</c>.</summary>
    Principal,

    /// <summary><c>action</c>.</summary>
    Action,

    /// <summary><c>resource</c>.</summary>
    Resource,

    /// <summary><c>context</c>.</summary>
    Context,
}

/// <summary>Unary operators of Cedar's core AST.</summary>
public enum UnaryOp
{
    /// <summary><c>!e</c>; also the desugaring of <c>unless</c>, <c>!=</c>, <c>&gt;</c> and <c>&gt;=</c>.</summary>
    Not,

    /// <summary><c>-e</c> on a long (a minus directly before an integer literal is folded into the literal instead).</summary>
    Neg,

    /// <summary><c>e.isEmpty()</c>.</summary>
    IsEmpty,
}

/// <summary>Binary operators of Cedar's core AST.</summary>
public enum BinaryOp
{
    /// <summary><c>==</c>.</summary>
    Eq,

    /// <summary><c>&lt;</c> (long, datetime, duration).</summary>
    Less,

    /// <summary><c>&lt;=</c> (long, datetime, duration).</summary>
    LessEq,

    /// <summary><c>+</c>.</summary>
    Add,

    /// <summary>Binary <c>-</c>.</summary>
    Sub,

    /// <summary><c>*</c>.</summary>
    Mul,

    /// <summary>Hierarchy membership <c>in</c> (entity or set of entities on the right).</summary>
    In,

    /// <summary><c>left.contains(right)</c>.</summary>
    Contains,

    /// <summary><c>left.containsAll(right)</c>.</summary>
    ContainsAll,

    /// <summary><c>left.containsAny(right)</c>.</summary>
    ContainsAny,

    /// <summary><c>left.getTag(right)</c>.</summary>
    GetTag,

    /// <summary><c>left.hasTag(right)</c>.</summary>
    HasTag,
}

/// <summary>
/// A Cedar expression, in the shape of Cedar's core AST: surface sugar is desugared the way Cedar does it
/// (<c>a != b</c> is <c>!(a == b)</c>, <c>a &gt; b</c> is <c>!(a &lt;= b)</c>, <c>a &gt;= b</c> is <c>!(a &lt; b)</c>,
/// <c>e has a.b</c> is <c>e has a &amp;&amp; e.a has b</c>, <c>e is T in x</c> is <c>e is T &amp;&amp; e in x</c>,
/// and <c>-5</c> is the literal -5).
/// </summary>
public abstract record Expr
{
    /// <summary>Where the expression is in the policy text (<see cref="SourceSpan.None"/> when built in code).</summary>
    public SourceSpan Span { get; init; }

    /// <summary>The expression in Cedar syntax.</summary>
    public sealed override string ToString() => ExprPrinter.Print(this);
}

/// <summary>A literal: bool, long, string or entity uid.</summary>
/// <param name="Value">The value.</param>
public sealed record LiteralExpr(CedarValue Value) : Expr;

/// <summary>A request variable.</summary>
/// <param name="Variable">Which variable.</param>
public sealed record VarExpr(Var Variable) : Expr;

/// <summary><c>if Condition then Then else Else</c>.</summary>
/// <param name="Condition">The guard (must be a bool).</param>
/// <param name="Then">Evaluated when the guard is true.</param>
/// <param name="Else">Evaluated when the guard is false.</param>
public sealed record IfExpr(Expr Condition, Expr Then, Expr Else) : Expr;

/// <summary><c>Left &amp;&amp; Right</c>, short-circuiting; both sides must be bools.</summary>
/// <param name="Left">The left operand.</param>
/// <param name="Right">The right operand.</param>
public sealed record AndExpr(Expr Left, Expr Right) : Expr;

/// <summary><c>Left || Right</c>, short-circuiting; both sides must be bools.</summary>
/// <param name="Left">The left operand.</param>
/// <param name="Right">The right operand.</param>
public sealed record OrExpr(Expr Left, Expr Right) : Expr;

/// <summary>A unary operator application.</summary>
/// <param name="Op">The operator.</param>
/// <param name="Operand">The operand.</param>
public sealed record UnaryExpr(UnaryOp Op, Expr Operand) : Expr;

/// <summary>A binary operator application (both operands are always evaluated).</summary>
/// <param name="Op">The operator.</param>
/// <param name="Left">The left operand (the receiver for method-style operators).</param>
/// <param name="Right">The right operand (the argument for method-style operators).</param>
public sealed record BinaryExpr(BinaryOp Op, Expr Left, Expr Right) : Expr;

/// <summary>
/// A call of an extension function (<c>ip("…")</c>) or method (<c>x.isInRange(y)</c>); for a method the
/// receiver is the first argument. The arity is checked at evaluation, as in Cedar.
/// </summary>
/// <param name="Function">The function or method name (<c>ip</c>, <c>decimal</c>, <c>lessThan</c>…).</param>
/// <param name="Arguments">The arguments, receiver first for a method.</param>
/// <param name="IsMethodCall">True when written as a method call.</param>
public sealed record ExtensionCallExpr(string Function, ImmutableArray<Expr> Arguments, bool IsMethodCall) : Expr;

/// <summary>Attribute access: <c>Target.Attribute</c> or <c>Target["Attribute"]</c>.</summary>
/// <param name="Target">A record or entity.</param>
/// <param name="Attribute">The attribute name.</param>
public sealed record GetAttrExpr(Expr Target, string Attribute) : Expr;

/// <summary>Attribute presence: <c>Target has Attribute</c>.</summary>
/// <param name="Target">A record or entity.</param>
/// <param name="Attribute">The attribute name.</param>
public sealed record HasAttrExpr(Expr Target, string Attribute) : Expr;

/// <summary><c>Target like "pattern"</c>.</summary>
/// <param name="Target">A string.</param>
/// <param name="Pattern">The pattern.</param>
public sealed record LikeExpr(Expr Target, LikePattern Pattern) : Expr;

/// <summary><c>Target is EntityType</c>.</summary>
/// <param name="Target">An entity.</param>
/// <param name="EntityType">The fully qualified entity type.</param>
public sealed record IsExpr(Expr Target, string EntityType) : Expr;

/// <summary>A set literal <c>[a, b]</c>.</summary>
/// <param name="Elements">The element expressions.</param>
public sealed record SetExpr(ImmutableArray<Expr> Elements) : Expr;

/// <summary>A record literal <c>{a: 1, "b c": 2}</c>; attribute names are distinct.</summary>
/// <param name="Attributes">The attributes in source order.</param>
public sealed record RecordExpr(ImmutableArray<KeyValuePair<string, Expr>> Attributes) : Expr;
