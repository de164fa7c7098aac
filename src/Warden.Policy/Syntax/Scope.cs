using System.Collections.Immutable;
using Warden.Policy.Values;

namespace Warden.Policy.Syntax;

/// <summary>A policy's effect.</summary>
public enum Effect
{
    /// <summary><c>permit</c>: allows when satisfied, unless a forbid is also satisfied.</summary>
    Permit,

    /// <summary><c>forbid</c>: denies when satisfied, overriding every permit.</summary>
    Forbid,
}

/// <summary>The form of a principal or resource scope constraint.</summary>
public enum ScopeKind
{
    /// <summary>No constraint (<c>principal</c>).</summary>
    Any,

    /// <summary><c>principal == E</c>.</summary>
    Eq,

    /// <summary><c>principal in E</c> (E itself or any ancestor relation).</summary>
    In,

    /// <summary><c>principal is T</c>.</summary>
    Is,

    /// <summary><c>principal is T in E</c>.</summary>
    IsIn,
}

/// <summary>The form of an action scope constraint.</summary>
public enum ActionScopeKind
{
    /// <summary>No constraint (<c>action</c>).</summary>
    Any,

    /// <summary><c>action == A</c>.</summary>
    Eq,

    /// <summary><c>action in A</c> or <c>action in [A, B]</c>.</summary>
    In,
}

/// <summary>A principal or resource scope constraint.</summary>
/// <param name="Kind">The form.</param>
/// <param name="Entity">The entity for <c>==</c>, <c>in</c> and <c>is … in</c>; otherwise null.</param>
/// <param name="EntityType">The entity type for <c>is</c> and <c>is … in</c>; otherwise null.</param>
public sealed record ScopeConstraint(ScopeKind Kind, EntityUid? Entity, string? EntityType)
{
    /// <summary>The unconstrained scope.</summary>
    public static ScopeConstraint Any { get; } = new(ScopeKind.Any, null, null);

    /// <summary>Where the constraint is in the policy text.</summary>
    public SourceSpan Span { get; init; }

    /// <summary>The constraint in Cedar syntax for the given variable (<c>principal is User in Group::"g"</c>).</summary>
    /// <param name="variable">The variable name.</param>
    public string ToString(string variable) => Kind switch
    {
        ScopeKind.Eq => $"{variable} == {Entity}",
        ScopeKind.In => $"{variable} in {Entity}",
        ScopeKind.Is => $"{variable} is {EntityType}",
        ScopeKind.IsIn => $"{variable} is {EntityType} in {Entity}",
        _ => variable,
    };

    /// <summary>The constraint as Cedar's core AST expression over <paramref name="variable"/> (<c>true</c> when unconstrained).</summary>
    /// <param name="variable">The variable the constraint applies to.</param>
    public Expr ToExpr(Var variable)
    {
        var target = new VarExpr(variable) { Span = Span };
        return Kind switch
        {
            ScopeKind.Eq => new BinaryExpr(BinaryOp.Eq, target, Literal(Entity!)) { Span = Span },
            ScopeKind.In => new BinaryExpr(BinaryOp.In, target, Literal(Entity!)) { Span = Span },
            ScopeKind.Is => new IsExpr(target, EntityType!) { Span = Span },
            ScopeKind.IsIn => new AndExpr(
                new IsExpr(target, EntityType!) { Span = Span },
                new BinaryExpr(BinaryOp.In, target, Literal(Entity!)) { Span = Span })
            { Span = Span },
            _ => new LiteralExpr(CedarValue.True) { Span = Span },
        };
    }

    private LiteralExpr Literal(EntityUid uid) => new(CedarValue.FromEntity(uid)) { Span = Span };
}

/// <summary>An action scope constraint.</summary>
/// <param name="Kind">The form.</param>
/// <param name="Entities">The action(s): one for <c>==</c>, any number for <c>in</c>.</param>
/// <param name="IsList">True when written as a list (<c>action in [A, B]</c>).</param>
public sealed record ActionConstraint(ActionScopeKind Kind, ImmutableArray<EntityUid> Entities, bool IsList)
{
    /// <summary>The unconstrained action scope.</summary>
    public static ActionConstraint Any { get; } = new(ActionScopeKind.Any, [], false);

    /// <summary>Where the constraint is in the policy text.</summary>
    public SourceSpan Span { get; init; }

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        ActionScopeKind.Eq => $"action == {Entities[0]}",
        ActionScopeKind.In when !IsList => $"action in {Entities[0]}",
        ActionScopeKind.In => $"action in [{string.Join(", ", Entities)}]",
        _ => "action",
    };

    /// <summary>The constraint as Cedar's core AST expression over <c>action</c> (<c>true</c> when unconstrained).</summary>
    public Expr ToExpr()
    {
        var target = new VarExpr(Var.Action) { Span = Span };
        return Kind switch
        {
            ActionScopeKind.Eq => new BinaryExpr(BinaryOp.Eq, target, Literal(Entities[0])) { Span = Span },
            ActionScopeKind.In when !IsList => new BinaryExpr(BinaryOp.In, target, Literal(Entities[0])) { Span = Span },
            ActionScopeKind.In => new BinaryExpr(
                BinaryOp.In,
                target,
                new SetExpr([.. Entities.Select(Literal)]) { Span = Span })
            { Span = Span },
            _ => new LiteralExpr(CedarValue.True) { Span = Span },
        };
    }

    private LiteralExpr Literal(EntityUid uid) => new(CedarValue.FromEntity(uid)) { Span = Span };
}
