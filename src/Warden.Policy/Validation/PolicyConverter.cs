using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Text;
using Warden.Policy.Syntax;
using Warden.Policy.Values;

namespace Warden.Policy.Validation;

/// <summary>Builds the validator's view of a parsed policy. The parser's AST already has Cedar's desugaring.</summary>
internal sealed class PolicyConverter
{
    private readonly VExprFactory _factory;

    public PolicyConverter(VExprFactory factory)
    {
        _factory = factory;
    }

    /// <summary>Converts <paramref name="policy"/>.</summary>
    /// <exception cref="InsufficientExecutionStackException">The policy nests too deeply to follow.</exception>
    public VPolicy Convert(CedarPolicy policy)
    {
        var body = Convert(policy.NonScopeCondition);
        return VPolicy.Create(
            _factory,
            policy.Id,
            Scope(policy.Principal),
            ActionScope(policy.Action),
            Scope(policy.Resource),
            body,
            policy.Span.Line,
            policy.Span.Column);
    }

    private static VEntity Entity(EntityUid uid) => new(uid.Type, uid.Id);

    private static VScope Scope(ScopeConstraint scope) => scope.Kind switch
    {
        ScopeKind.Eq => new VScope(VScopeKind.Eq, Entity(scope.Entity!), null),
        ScopeKind.In => new VScope(VScopeKind.In, Entity(scope.Entity!), null),
        ScopeKind.Is => new VScope(VScopeKind.Is, null, scope.EntityType),
        ScopeKind.IsIn => new VScope(VScopeKind.IsIn, Entity(scope.Entity!), scope.EntityType),
        _ => VScope.Any,
    };

    private static VActionScope ActionScope(ActionConstraint scope) => scope.Kind switch
    {
        ActionScopeKind.Eq => new VActionScope(VActionScopeKind.Eq, [Entity(scope.Entities[0])]),
        ActionScopeKind.In => new VActionScope(VActionScopeKind.In, [.. scope.Entities.Select(Entity)]),
        _ => VActionScope.Any,
    };

    private VExpr Convert(Expr e)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        var line = e.Span.Line;
        var column = e.Span.Column;
        switch (e)
        {
            case LiteralExpr literal:
                var value = literal.Value;
                return value.Kind switch
                {
                    CedarValueKind.Bool => _factory.Bool(value.AsBool(), line, column),
                    CedarValueKind.Long => _factory.Long(value.AsLong(), line, column),
                    CedarValueKind.String => _factory.String(value.AsString(), line, column),
                    CedarValueKind.Entity => _factory.Entity(Entity(value.AsEntity()), line, column),
                    _ => throw new ArgumentException($"unexpected literal of kind {value.Kind}", nameof(e)),
                };
            case VarExpr variable:
                return _factory.Var(
                    variable.Variable switch
                    {
                        Var.Principal => VVar.Principal,
                        Var.Action => VVar.Action,
                        Var.Resource => VVar.Resource,
                        _ => VVar.Context,
                    },
                    line,
                    column);
            case IfExpr conditional:
                return _factory.Node(VKind.If, [Convert(conditional.Condition), Convert(conditional.Then), Convert(conditional.Else)], line: line, column: column);
            case AndExpr and:
                return _factory.Node(VKind.And, [Convert(and.Left), Convert(and.Right)], line: line, column: column);
            case OrExpr or:
                return _factory.Node(VKind.Or, [Convert(or.Left), Convert(or.Right)], line: line, column: column);
            case UnaryExpr unary:
                var unaryKind = unary.Op switch
                {
                    UnaryOp.Not => VKind.Not,
                    UnaryOp.Neg => VKind.Neg,
                    _ => VKind.IsEmpty,
                };
                return _factory.Node(unaryKind, [Convert(unary.Operand)], line: line, column: column);
            case BinaryExpr binary:
                var binaryKind = binary.Op switch
                {
                    BinaryOp.Eq => VKind.Eq,
                    BinaryOp.Less => VKind.Less,
                    BinaryOp.LessEq => VKind.LessEq,
                    BinaryOp.Add => VKind.Add,
                    BinaryOp.Sub => VKind.Sub,
                    BinaryOp.Mul => VKind.Mul,
                    BinaryOp.In => VKind.In,
                    BinaryOp.Contains => VKind.Contains,
                    BinaryOp.ContainsAll => VKind.ContainsAll,
                    BinaryOp.ContainsAny => VKind.ContainsAny,
                    BinaryOp.GetTag => VKind.GetTag,
                    _ => VKind.HasTag,
                };
                return _factory.Node(binaryKind, [Convert(binary.Left), Convert(binary.Right)], line: line, column: column);
            case ExtensionCallExpr call:
                return _factory.Node(VKind.Call, [.. call.Arguments.Select(Convert)], call.Function, line, column);
            case GetAttrExpr get:
                return _factory.Node(VKind.GetAttr, [Convert(get.Target)], get.Attribute, line, column);
            case HasAttrExpr has:
                return _factory.Node(VKind.HasAttr, [Convert(has.Target)], has.Attribute, line, column);
            case LikeExpr like:
                return _factory.Node(VKind.Like, [Convert(like.Target)], PatternKey(like.Pattern), line, column);
            case IsExpr isExpr:
                return _factory.Node(VKind.Is, [Convert(isExpr.Target)], isExpr.EntityType, line, column);
            case SetExpr set:
                return _factory.Node(VKind.Set, [.. set.Elements.Select(Convert)], line: line, column: column);
            case RecordExpr record:
                return _factory.Record(
                    [.. record.Attributes.Select(a => a.Key)],
                    [.. record.Attributes.Select(a => Convert(a.Value))],
                    line,
                    column);
            default:
                throw new ArgumentException($"unexpected expression {e.GetType().Name}", nameof(e));
        }
    }

    private static string PatternKey(LikePattern pattern)
    {
        // Wildcards and literal stars must differ in the key.
        var builder = new StringBuilder();
        foreach (var element in pattern.Elements)
        {
            if (element.IsWildcard)
            {
                builder.Append("\\*");
            }
            else
            {
                builder.Append(element.Character == '\\' ? "\\\\" : element.Character.ToString());
            }
        }

        return builder.ToString();
    }
}
