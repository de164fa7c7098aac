using System.Collections.Immutable;

namespace Warden.Policy.Validation;

/// <summary>Forms of a principal or resource scope constraint.</summary>
internal enum VScopeKind
{
    /// <summary>Unconstrained.</summary>
    Any,

    /// <summary><c>== entity</c></summary>
    Eq,

    /// <summary><c>in entity</c></summary>
    In,

    /// <summary><c>is Type</c></summary>
    Is,

    /// <summary><c>is Type in entity</c></summary>
    IsIn,
}

/// <summary>A principal or resource scope constraint.</summary>
/// <param name="Kind">Its form.</param>
/// <param name="Entity">The entity, for Eq, In and IsIn.</param>
/// <param name="EntityType">The type, for Is and IsIn.</param>
internal sealed record VScope(VScopeKind Kind, VEntity? Entity, string? EntityType)
{
    public static readonly VScope Any = new(VScopeKind.Any, null, null);
}

/// <summary>Forms of the action scope constraint.</summary>
internal enum VActionScopeKind
{
    /// <summary>Unconstrained.</summary>
    Any,

    /// <summary><c>action == A</c></summary>
    Eq,

    /// <summary><c>action in A</c> or <c>action in [A, B]</c></summary>
    In,
}

/// <summary>The action scope constraint.</summary>
/// <param name="Kind">Its form.</param>
/// <param name="Entities">The action(s) named.</param>
internal sealed record VActionScope(VActionScopeKind Kind, ImmutableArray<VEntity> Entities)
{
    public static readonly VActionScope Any = new(VActionScopeKind.Any, []);
}

/// <summary>A policy as the validator sees it.</summary>
/// <param name="Id">The policy id.</param>
/// <param name="Principal">Principal scope.</param>
/// <param name="Action">Action scope.</param>
/// <param name="Resource">Resource scope.</param>
/// <param name="Body">The conjunction of the when clauses and negated unless clauses (<c>true</c> when none).</param>
/// <param name="Condition">The whole condition Cedar type-checks: <c>((principal &amp;&amp; action) &amp;&amp; resource) &amp;&amp; body</c>.</param>
/// <param name="Line">1-based line of the policy, or 0.</param>
/// <param name="Column">1-based column of the policy, or 0.</param>
internal sealed record VPolicy(string Id, VScope Principal, VActionScope Action, VScope Resource, VExpr Body, VExpr Condition, int Line, int Column)
{
    /// <summary>Builds the policy, deriving <see cref="Condition"/> from the scope the way Cedar does.</summary>
    public static VPolicy Create(VExprFactory f, string id, VScope principal, VActionScope action, VScope resource, VExpr body, int line = 0, int column = 0)
    {
        var condition = f.Node(VKind.And, [
            f.Node(VKind.And, [
                f.Node(VKind.And, [ScopeExpr(f, principal, VVar.Principal, line, column), ActionExpr(f, action, line, column)], line: line, column: column),
                ScopeExpr(f, resource, VVar.Resource, line, column)], line: line, column: column),
            body], line: line, column: column);
        return new VPolicy(id, principal, action, resource, body, condition, line, column);
    }

    private static VExpr ScopeExpr(VExprFactory f, VScope scope, VVar variable, int line, int column) => scope.Kind switch
    {
        VScopeKind.Eq => f.Node(VKind.Eq, [f.Var(variable, line, column), f.Entity(scope.Entity!, line, column)], line: line, column: column),
        VScopeKind.In => f.Node(VKind.In, [f.Var(variable, line, column), f.Entity(scope.Entity!, line, column)], line: line, column: column),
        VScopeKind.Is => f.Node(VKind.Is, [f.Var(variable, line, column)], scope.EntityType, line, column),
        VScopeKind.IsIn => f.Node(VKind.And, [
            f.Node(VKind.Is, [f.Var(variable, line, column)], scope.EntityType, line, column),
            f.Node(VKind.In, [f.Var(variable, line, column), f.Entity(scope.Entity!, line, column)], line: line, column: column)], line: line, column: column),
        _ => f.Bool(true, line, column),
    };

    private static VExpr ActionExpr(VExprFactory f, VActionScope scope, int line, int column) => scope.Kind switch
    {
        VActionScopeKind.Eq => f.Node(VKind.Eq, [f.Var(VVar.Action, line, column), f.Entity(scope.Entities[0], line, column)], line: line, column: column),

        // Cedar's AST holds `action in A` as `action in [A]`.
        VActionScopeKind.In => f.Node(VKind.In, [
            f.Var(VVar.Action, line, column),
            f.Node(VKind.Set, [.. scope.Entities.Select(e => f.Entity(e, line, column))], line: line, column: column)], line: line, column: column),
        _ => f.Bool(true, line, column),
    };
}
