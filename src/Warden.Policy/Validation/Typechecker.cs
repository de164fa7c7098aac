using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Warden.Policy.Syntax;
using Warden.Policy.Values;

namespace Warden.Policy.Validation;

/// <summary>The result of typing one expression: its type (when known), what it proves, and whether it is well typed.</summary>
/// <param name="Type">The type, or null when none could be given.</param>
/// <param name="Caps">Capabilities that hold whenever the expression evaluates to true.</param>
/// <param name="Ok">False when a type error was found in the expression.</param>
internal readonly record struct Answer(VType? Type, ImmutableHashSet<Capability> Caps, bool Ok)
{
    public static Answer Success(VType type) => new(type, Capabilities.None, true);

    public static Answer Success(VType type, ImmutableHashSet<Capability> caps) => new(type, caps, true);

    public static Answer Fail(VType? type = null) => new(type, Capabilities.None, false);
}

/// <summary>
/// Cedar's strict type checker for one policy in one request environment: singleton <c>True</c>/<c>False</c> types
/// that short-circuit <c>&amp;&amp;</c>, <c>||</c> and <c>if</c> (the skipped branch is not checked), capabilities learnt
/// from <c>has</c>/<c>hasTag</c>, strict least upper bounds (no mixing entity types, record widths or
/// required/optional attributes), literal arguments of extension constructors, no empty set literals.
/// </summary>
/// <remarks>
/// INVARIANT: every failing answer has reported at least one error (here or in <see cref="ScopeChecks"/>, which
/// reports the unknown entity types and actions that type to nothing here), so a policy is valid exactly when no
/// error is reported; types computed after an error only serve to find more errors.
/// </remarks>
internal sealed class Typechecker
{
    /// <summary>Deepest expression nesting the checker follows before reporting the policy as too complex.</summary>
    public const int MaxDepth = 2048;

    private static readonly Predicate<VType> IsBool = t => t is VBool or VNever;
    private static readonly Predicate<VType> IsLong = t => t is VLong or VNever;
    private static readonly Predicate<VType> IsString = t => t is VString or VNever;
    private static readonly Predicate<VType> IsSet = t => t is VSet or VNever;
    private static readonly Predicate<VType> IsEntity = t => t is VEntityType or VNever;
    private static readonly Predicate<VType> IsEntityOrRecord = t => t is VEntityType or VRecord or VNever;
    private static readonly Predicate<VType> IsEntityOrEntitySet = t => t is VEntityType or VNever or VSet { Element: VEntityType or VNever };

    private readonly TypeLattice _lattice;
    private readonly ExprShapes _shapes;
    private readonly PolicyErrors _errors;
    private readonly RequestEnvironment _env;
    private int _depth;

    public Typechecker(TypeLattice lattice, ExprShapes shapes, PolicyErrors errors, RequestEnvironment env)
    {
        _lattice = lattice;
        _shapes = shapes;
        _errors = errors;
        _env = env;
    }

    /// <summary>Types a policy condition, which must be a boolean.</summary>
    public Answer CheckPolicy(Expr condition) => Expect(condition, Capabilities.None, IsBool, "Bool");

    private Answer Check(Expr e, ImmutableHashSet<Capability> prior)
    {
        if (++_depth > MaxDepth || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            _depth--;
            _errors.Add(ValidationErrorKind.TooComplex, $"expression nests deeper than the validator follows ({MaxDepth} levels)", e);
            return Answer.Fail();
        }

        try
        {
            return CheckNode(e, prior);
        }
        finally
        {
            _depth--;
        }
    }

    private Answer CheckNode(Expr e, ImmutableHashSet<Capability> prior)
    {
        switch (e)
        {
            case LiteralExpr literal:
                return CheckLiteral(literal.Value);
            case VarExpr variable:
                return Answer.Success(variable.Variable switch
                {
                    Var.Principal => VEntityType.Of(_env.PrincipalType),
                    Var.Action => VEntityType.Of(_env.Action.Type),
                    Var.Resource => VEntityType.Of(_env.ResourceType),
                    _ => _env.Context,
                });
            case IfExpr conditional:
                return CheckIf(conditional, prior);
            case AndExpr and:
                return CheckAnd(and, prior);
            case OrExpr or:
                return CheckOr(or, prior);
            case UnaryExpr unary:
                return CheckUnary(unary, prior);
            case BinaryExpr binary:
                return CheckBinary(binary, prior);
            case ExtensionCallExpr call:
                return CheckCall(call, prior);
            case GetAttrExpr get:
                return CheckGetAttr(get, prior);
            case HasAttrExpr has:
                return CheckHasAttr(has, prior);
            case LikeExpr like:
                return Expect(like.Target, prior, IsString, "String").Ok ? Answer.Success(VType.AnyBool) : Answer.Fail(VType.AnyBool);
            case IsExpr isExpr:
                {
                    var target = Expect(isExpr.Target, prior, IsEntity, "an entity");
                    if (!target.Ok)
                    {
                        return Answer.Fail(VType.AnyBool);
                    }

                    return Answer.Success(target.Type is VEntityType entity
                        ? !entity.Names.Contains(isExpr.EntityType) ? VType.False : entity.Single == isExpr.EntityType ? VType.True : VType.AnyBool
                        : VType.AnyBool);
                }

            case SetExpr set:
                return CheckSet(set, prior);
            case RecordExpr record:
                {
                    var ok = true;
                    var attributes = ImmutableSortedDictionary.CreateBuilder<string, VAttribute>(StringComparer.Ordinal);
                    foreach (var (name, valueExpr) in record.Attributes)
                    {
                        var value = Check(valueExpr, prior);
                        ok &= value.Ok && value.Type is not null;
                        if (value.Type is not null)
                        {
                            attributes[name] = new VAttribute(value.Type, true);
                        }
                    }

                    var type = new VRecord(attributes.ToImmutable(), false);
                    return ok ? Answer.Success(type) : Answer.Fail(type);
                }

            default:
                _errors.Add(ValidationErrorKind.UnexpectedType, $"unsupported expression `{e.GetType().Name}`", e);
                return Answer.Fail();
        }
    }

    private Answer CheckLiteral(CedarValue value)
    {
        switch (value.Kind)
        {
            case CedarValueKind.Bool:
                return Answer.Success(VType.Singleton(value.AsBool()));
            case CedarValueKind.Long:
                return Answer.Success(VType.Long);
            case CedarValueKind.String:
                return Answer.Success(VType.String);
            case CedarValueKind.Entity:
                // An undeclared entity type or action types to nothing; ScopeChecks reports it.
                var entity = value.AsEntity();
                var declared = entity.IsAction
                    ? _lattice.Schema.GetAction(entity.Type, entity.Id) is not null
                    : _lattice.Schema.GetEntityType(entity.Type) is not null;
                return declared ? Answer.Success(VEntityType.Of(entity.Type)) : Answer.Fail();
            default:
                return Answer.Fail();
        }
    }

    private Answer CheckIf(IfExpr e, ImmutableHashSet<Capability> prior)
    {
        var test = Expect(e.Condition, prior, IsBool, "Bool");
        if (!test.Ok)
        {
            Check(e.Then, prior);
            Check(e.Else, prior);
            return Answer.Fail();
        }

        switch (test.Type)
        {
            case VBool { Value: BoolKind.True }:
                {
                    // The else branch can never run, so it is not checked (as in Cedar).
                    var then = Check(e.Then, Capabilities.Union(prior, test.Caps));
                    return then.Ok ? Answer.Success(then.Type!, Capabilities.Union(then.Caps, test.Caps)) : Answer.Fail(then.Type);
                }

            case VBool { Value: BoolKind.False }:
                {
                    var otherwise = Check(e.Else, prior);
                    return otherwise.Ok ? Answer.Success(otherwise.Type!, otherwise.Caps) : Answer.Fail(otherwise.Type);
                }

            default:
                {
                    var then = Check(e.Then, Capabilities.Union(prior, test.Caps));
                    var otherwise = Check(e.Else, prior);
                    if (!then.Ok || !otherwise.Ok)
                    {
                        return Answer.Fail(then.Type ?? otherwise.Type);
                    }

                    var lub = _lattice.LeastUpperBound(then.Type!, otherwise.Type!);
                    if (lub is null)
                    {
                        return Incompatible(e, $"the branches of `if` have incompatible types {then.Type} and {otherwise.Type}");
                    }

                    // Whichever branch ran, its capabilities hold (the then branch's together with the guard's).
                    return Answer.Success(lub, Capabilities.Intersect(Capabilities.Union(test.Caps, then.Caps), otherwise.Caps));
                }
        }
    }

    private Answer CheckAnd(AndExpr e, ImmutableHashSet<Capability> prior)
    {
        var left = Expect(e.Left, prior, IsBool, "Bool");
        if (left is { Ok: true, Type: VBool { Value: BoolKind.False } })
        {
            // Short circuit: the right operand never runs, so it is not checked.
            return Answer.Success(VType.False);
        }

        var right = Expect(e.Right, Capabilities.Union(prior, left.Caps), IsBool, "Bool");
        if (!left.Ok || !right.Ok)
        {
            return Answer.Fail(VType.AnyBool);
        }

        var caps = Capabilities.Union(left.Caps, right.Caps);
        return right.Type switch
        {
            VBool { Value: BoolKind.False } => Answer.Success(VType.False),
            VBool { Value: BoolKind.True } => Answer.Success(left.Type!, caps),
            _ when left.Type is VBool { Value: BoolKind.True } => Answer.Success(right.Type!, caps),
            _ => Answer.Success(VType.AnyBool, caps),
        };
    }

    private Answer CheckOr(OrExpr e, ImmutableHashSet<Capability> prior)
    {
        var left = Expect(e.Left, prior, IsBool, "Bool");
        if (left is { Ok: true, Type: VBool { Value: BoolKind.True } })
        {
            return Answer.Success(VType.True, left.Caps);
        }

        // The right operand runs only when the left was false: the left's capabilities do not hold there.
        var right = Expect(e.Right, prior, IsBool, "Bool");
        if (!left.Ok || !right.Ok)
        {
            return Answer.Fail(VType.AnyBool);
        }

        return right.Type switch
        {
            VBool { Value: BoolKind.True } => Answer.Success(VType.True, right.Caps),
            VBool { Value: BoolKind.False } => Answer.Success(left.Type!, left.Caps),
            _ when left.Type is VBool { Value: BoolKind.False } => Answer.Success(right.Type!, right.Caps),
            _ => Answer.Success(VType.AnyBool, Capabilities.Intersect(left.Caps, right.Caps)),
        };
    }

    private Answer CheckUnary(UnaryExpr e, ImmutableHashSet<Capability> prior)
    {
        switch (e.Op)
        {
            case UnaryOp.Not:
                var operand = Expect(e.Operand, prior, IsBool, "Bool");
                return operand.Ok
                    ? Answer.Success(operand.Type switch
                    {
                        VBool { Value: BoolKind.True } => VType.False,
                        VBool { Value: BoolKind.False } => VType.True,
                        _ => VType.AnyBool,
                    })
                    : Answer.Fail(VType.AnyBool);
            case UnaryOp.Neg:
                return Expect(e.Operand, prior, IsLong, "Long").Ok ? Answer.Success(VType.Long) : Answer.Fail(VType.Long);
            default:
                return Expect(e.Operand, prior, IsSet, "a set").Ok ? Answer.Success(VType.AnyBool) : Answer.Fail(VType.AnyBool);
        }
    }

    private Answer CheckBinary(BinaryExpr e, ImmutableHashSet<Capability> prior)
    {
        switch (e.Op)
        {
            case BinaryOp.Eq:
                return CheckEquality(e, prior);
            case BinaryOp.Less:
            case BinaryOp.LessEq:
                return CheckComparison(e, prior);
            case BinaryOp.Add:
            case BinaryOp.Sub:
            case BinaryOp.Mul:
                {
                    var left = Expect(e.Left, prior, IsLong, "Long");
                    var right = Expect(e.Right, prior, IsLong, "Long");
                    return left.Ok && right.Ok ? Answer.Success(VType.Long) : Answer.Fail(VType.Long);
                }

            case BinaryOp.In:
                return CheckIn(e, prior);
            case BinaryOp.Contains:
                {
                    var set = Expect(e.Left, prior, IsSet, "a set");
                    var element = Check(e.Right, prior);
                    if (!set.Ok || !element.Ok)
                    {
                        return Answer.Fail(VType.AnyBool);
                    }

                    return set.Type is VSet s && element.Type is { } elementType && _lattice.LeastUpperBound(s.Element, elementType) is null
                        ? Incompatible(e, $"`contains` looks for {elementType} among set elements of type {s.Element}")
                        : Answer.Success(VType.AnyBool);
                }

            case BinaryOp.ContainsAll:
            case BinaryOp.ContainsAny:
                {
                    var left = Expect(e.Left, prior, IsSet, "a set");
                    var right = Expect(e.Right, prior, IsSet, "a set");
                    if (!left.Ok || !right.Ok)
                    {
                        return Answer.Fail(VType.AnyBool);
                    }

                    return _lattice.LeastUpperBound(left.Type!, right.Type!) is null
                        ? Incompatible(e, $"`{(e.Op == BinaryOp.ContainsAll ? "containsAll" : "containsAny")}` compares {left.Type} with {right.Type}")
                        : Answer.Success(VType.AnyBool);
                }

            case BinaryOp.HasTag:
                return CheckHasTag(e, prior);
            default:
                return CheckGetTag(e, prior);
        }
    }

    private Answer CheckEquality(BinaryExpr e, ImmutableHashSet<Capability> prior)
    {
        var left = Check(e.Left, prior);
        var right = Check(e.Right, prior);
        if (!left.Ok || !right.Ok || left.Type is null || right.Type is null)
        {
            return Answer.Fail(VType.AnyBool);
        }

        // Entity types that share no member never compare equal; two literals (the action variable is one in each
        // environment) compare to a known result. Only an undecided comparison needs compatible types.
        VType type;
        if (TypeLattice.AreDisjoint(left.Type, right.Type))
        {
            type = VType.False;
        }
        else if (AsLiteral(e.Left) is { } a && AsLiteral(e.Right) is { } b)
        {
            type = VType.Singleton(a.Equals(b));
        }
        else
        {
            type = VType.AnyBool;
        }

        if (type is VBool { Value: BoolKind.Any } && _lattice.LeastUpperBound(left.Type, right.Type) is null)
        {
            return Incompatible(e, $"`==` compares {left.Type} with {right.Type}, which strict validation does not allow");
        }

        return Answer.Success(type);
    }

    private Answer CheckComparison(BinaryExpr e, ImmutableHashSet<Capability> prior)
    {
        var left = Check(e.Left, prior);
        var right = Check(e.Right, prior);
        if (!left.Ok || !right.Ok || left.Type is null || right.Type is null)
        {
            return Answer.Fail(VType.AnyBool);
        }

        static bool Comparable(VType t) => t is VLong || t is VExtension { Name: "datetime" or "duration" };
        var ok = (left.Type, right.Type) switch
        {
            (VNever, VNever) => false,
            (VNever, var other) => Comparable(other),
            (var other, VNever) => Comparable(other),
            var (l, r) => l.Equals(r) && Comparable(l),
        };
        if (!ok)
        {
            _errors.Add(ValidationErrorKind.UnexpectedType, $"`<`, `<=`, `>` and `>=` compare two Longs, datetimes or durations, not {left.Type} and {right.Type}", e);
            return Answer.Fail(VType.AnyBool);
        }

        return Answer.Success(VType.AnyBool);
    }

    private Answer CheckIn(BinaryExpr e, ImmutableHashSet<Capability> prior)
    {
        var left = Expect(e.Left, prior, IsEntity, "an entity");
        var right = Expect(e.Right, prior, IsEntityOrEntitySet, "an entity or a set of entities");
        if (!left.Ok || !right.Ok)
        {
            return Answer.Fail(VType.AnyBool);
        }

        // An action (literal or the `action` variable) in action literals: the schema's action hierarchy decides.
        if (AsEntity(e.Left) is { IsAction: true } action && AsEntities(e.Right) is { } targets)
        {
            var groups = targets.Where(t => t.IsAction).ToList();
            if (groups.Count == 0)
            {
                return Answer.Success(VType.False);
            }

            var member = false;
            foreach (var group in groups)
            {
                if (_lattice.Schema.GetAction(group.Type, group.Id) is not { } declared)
                {
                    // Reported by ScopeChecks as an unrecognized action.
                    return Answer.Fail(VType.AnyBool);
                }

                member |= group.Equals(action) || declared.Descendants.Contains((action.Type, action.Id));
            }

            return Answer.Success(VType.Singleton(member));
        }

        var lhs = left.Type as VEntityType;
        var rhs = right.Type switch
        {
            VEntityType entity => entity,
            VSet { Element: VEntityType element } => element,
            _ => null,
        };
        return Answer.Success(lhs is not null && rhs is not null && !_lattice.MayBeDescendant(lhs, rhs) ? VType.False : VType.AnyBool);
    }

    private Answer CheckHasTag(BinaryExpr e, ImmutableHashSet<Capability> prior)
    {
        var target = Expect(e.Left, prior, IsEntity, "an entity");
        var tag = Expect(e.Right, prior, IsString, "String");
        if (!target.Ok || !tag.Ok || target.Type is not VEntityType entity)
        {
            return Answer.Fail(VType.AnyBool);
        }

        var capability = Capability.ForTag(_shapes, e.Left, e.Right);
        var type = _lattice.TagTypes(entity).Count == 0 ? VType.False : prior.Contains(capability) ? VType.True : VType.AnyBool;
        return Answer.Success(type, [capability]);
    }

    private Answer CheckGetTag(BinaryExpr e, ImmutableHashSet<Capability> prior)
    {
        var target = Expect(e.Left, prior, IsEntity, "an entity");
        var tag = Expect(e.Right, prior, IsString, "String");
        if (!target.Ok || !tag.Ok || target.Type is not VEntityType entity)
        {
            return Answer.Fail();
        }

        if (!prior.Contains(Capability.ForTag(_shapes, e.Left, e.Right)))
        {
            _errors.Add(ValidationErrorKind.UnsafeTagAccess, $"tag read on {entity} without a `hasTag` guard for it", e);
            return Answer.Fail();
        }

        var tagTypes = _lattice.TagTypes(entity);
        if (tagTypes.Count == 0)
        {
            _errors.Add(ValidationErrorKind.NoTagsAllowed, $"entities of type {entity} have no tags", e);
            return Answer.Fail();
        }

        VType? lub = VType.Never;
        foreach (var tagType in tagTypes)
        {
            lub = lub is null ? null : _lattice.LeastUpperBound(lub, tagType);
        }

        return lub is null ? Incompatible(e, $"the tags of {entity} have incompatible types") : Answer.Success(lub);
    }

    private Answer CheckGetAttr(GetAttrExpr e, ImmutableHashSet<Capability> prior)
    {
        var target = Expect(e.Target, prior, IsEntityOrRecord, "an entity or a record");
        if (!target.Ok || target.Type is null)
        {
            return Answer.Fail();
        }

        var declared = _lattice.LookupAttribute(target.Type, e.Attribute);
        if (declared is null)
        {
            _errors.Add(ValidationErrorKind.UnsafeAttributeAccess, $"{target.Type} has no attribute `{e.Attribute}`", e);
            return Answer.Fail();
        }

        if (!declared.Required && !prior.Contains(Capability.ForAttribute(_shapes, e.Target, e.Attribute)))
        {
            _errors.Add(ValidationErrorKind.UnsafeOptionalAttributeAccess, $"optional attribute `{e.Attribute}` of {target.Type} read without a `has` guard", e);
            return Answer.Fail(declared.Type);
        }

        return Answer.Success(declared.Type);
    }

    private Answer CheckHasAttr(HasAttrExpr e, ImmutableHashSet<Capability> prior)
    {
        var target = Expect(e.Target, prior, IsEntityOrRecord, "an entity or a record");
        if (!target.Ok || target.Type is null)
        {
            return Answer.Fail(VType.AnyBool);
        }

        var declared = _lattice.LookupAttribute(target.Type, e.Attribute);
        if (declared is null)
        {
            return Answer.Success(_lattice.MayHaveAttribute(target.Type, e.Attribute) ? VType.AnyBool : VType.False);
        }

        // A required attribute of a record is always there; an entity may be missing from the store, in which case
        // `has` is false, unless an earlier test already proved the attribute present.
        var capability = Capability.ForAttribute(_shapes, e.Target, e.Attribute);
        var known = prior.Contains(capability) || (declared.Required && target.Type is VRecord);
        return Answer.Success(known ? VType.True : VType.AnyBool, [capability]);
    }

    private Answer CheckSet(SetExpr e, ImmutableHashSet<Capability> prior)
    {
        var ok = true;
        var types = new List<VType>(e.Elements.Length);
        foreach (var element in e.Elements)
        {
            var answer = Check(element, prior);
            ok &= answer.Ok && answer.Type is not null;
            if (answer.Type is not null)
            {
                types.Add(answer.Type);
            }
        }

        if (!ok)
        {
            return Answer.Fail();
        }

        if (e.Elements.IsEmpty)
        {
            _errors.Add(ValidationErrorKind.EmptySetForbidden, "an empty set literal has no element type in strict validation", e);
            return Answer.Fail();
        }

        VType? lub = VType.Never;
        foreach (var type in types)
        {
            lub = _lattice.LeastUpperBound(lub, type);
            if (lub is null)
            {
                return Incompatible(e, $"set elements have incompatible types ({string.Join(", ", types)})");
            }
        }

        return Answer.Success(new VSet(lub));
    }

    private Answer CheckCall(ExtensionCallExpr e, ImmutableHashSet<Capability> prior)
    {
        if (!ExtensionSignatures.TryGet(e.Function, out var signature))
        {
            _errors.Add(ValidationErrorKind.UndefinedFunction, $"`{e.Function}` is not a function", e);
            CheckAll(e.Arguments, prior);
            return Answer.Fail();
        }

        var failed = false;
        if (e.Arguments.Length != signature.Arguments.Length)
        {
            _errors.Add(ValidationErrorKind.WrongNumberOfArguments, $"`{e.Function}` takes {signature.Arguments.Length} argument(s), got {e.Arguments.Length}", e);
            failed = true;
        }

        if (signature.IsConstructor)
        {
            // A constructor's argument must be a literal in strict mode, and a literal string must parse.
            if (e.Arguments.Any(a => a is not LiteralExpr))
            {
                _errors.Add(ValidationErrorKind.NonLiteralExtensionConstructor, $"`{e.Function}` must be called with a literal string in strict validation", e);
                failed = true;
            }
            else if (e.Arguments.Length == 1 && e.Arguments[0] is LiteralExpr { Value.Kind: CedarValueKind.String } literal
                && !signature.Parses(literal.Value.AsString(), out var why))
            {
                _errors.Add(ValidationErrorKind.InvalidExtensionArgument, $"`{e.Function}({CedarStrings.Quote(literal.Value.AsString())})` does not parse: {why}", e);
                failed = true;
            }
        }

        if (failed)
        {
            CheckAll(e.Arguments, prior);
            return Answer.Fail(signature.Result);
        }

        var ok = true;
        for (var i = 0; i < e.Arguments.Length; i++)
        {
            var expected = signature.Arguments[i];
            ok &= Expect(e.Arguments[i], prior, t => t is VNever || _lattice.IsSubtype(t, expected), expected.ToString()).Ok;
        }

        return ok ? Answer.Success(signature.Result) : Answer.Fail(signature.Result);
    }

    private void CheckAll(ImmutableArray<Expr> expressions, ImmutableHashSet<Capability> prior)
    {
        foreach (var expression in expressions)
        {
            Check(expression, prior);
        }
    }

    private Answer Expect(Expr e, ImmutableHashSet<Capability> prior, Predicate<VType> accepts, string expected)
    {
        var answer = Check(e, prior);
        if (answer.Type is null)
        {
            return Answer.Fail();
        }

        if (!accepts(answer.Type))
        {
            if (answer.Ok)
            {
                _errors.Add(ValidationErrorKind.UnexpectedType, $"expected {expected}, found {answer.Type}", e);
            }

            return Answer.Fail();
        }

        return answer;
    }

    private Answer Incompatible(Expr e, string message)
    {
        _errors.Add(ValidationErrorKind.IncompatibleTypes, message, e);
        return Answer.Fail();
    }

    private CedarValue? AsLiteral(Expr e) => e switch
    {
        LiteralExpr literal => literal.Value,
        VarExpr { Variable: Var.Action } => CedarValue.FromEntity(_env.ActionUid),
        _ => null,
    };

    private EntityUid? AsEntity(Expr e) => AsLiteral(e) is { Kind: CedarValueKind.Entity } value ? value.AsEntity() : null;

    private List<EntityUid>? AsEntities(Expr e)
    {
        if (AsEntity(e) is { } single)
        {
            return [single];
        }

        if (e is not SetExpr set)
        {
            return null;
        }

        var entities = new List<EntityUid>(set.Elements.Length);
        foreach (var element in set.Elements)
        {
            if (AsEntity(element) is not { } entity)
            {
                return null;
            }

            entities.Add(entity);
        }

        return entities;
    }
}
