using System.Collections.Immutable;
using System.Runtime.CompilerServices;

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
/// reports unknown entity types and actions that type to nothing here), so a policy is valid exactly when no error
/// is reported; types computed after an error only serve to find more errors.
/// </remarks>
internal sealed class Typechecker
{
    /// <summary>Deepest expression nesting the checker follows before reporting the policy as too complex.</summary>
    public const int MaxDepth = 1024;

    private static readonly Predicate<VType> IsBool = t => t is VBool or VNever;
    private static readonly Predicate<VType> IsLong = t => t is VLong or VNever;
    private static readonly Predicate<VType> IsString = t => t is VString or VNever;
    private static readonly Predicate<VType> IsSet = t => t is VSet or VNever;
    private static readonly Predicate<VType> IsEntity = t => t is VEntityType or VNever;
    private static readonly Predicate<VType> IsEntityOrRecord = t => t is VEntityType or VRecord or VNever;
    private static readonly Predicate<VType> IsEntityOrEntitySet = t => t is VEntityType or VNever or VSet { Element: VEntityType or VNever };

    private readonly TypeLattice _lattice;
    private readonly PolicyErrors _errors;
    private readonly RequestEnvironment _env;
    private int _depth;

    public Typechecker(TypeLattice lattice, PolicyErrors errors, RequestEnvironment env)
    {
        _lattice = lattice;
        _errors = errors;
        _env = env;
    }

    /// <summary>Types a policy condition, which must be a boolean.</summary>
    public Answer CheckPolicy(VExpr condition) => Expect(condition, Capabilities.None, IsBool, "Bool");

    private Answer Check(VExpr e, ImmutableHashSet<Capability> prior)
    {
        if (++_depth > MaxDepth || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            _depth--;
            _errors.Add(ValidationErrorKind.TooComplex, $"expression nests deeper than {MaxDepth} levels", e);
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

    private Answer CheckNode(VExpr e, ImmutableHashSet<Capability> prior)
    {
        switch (e.Kind)
        {
            case VKind.Literal:
                return CheckLiteral(e);
            case VKind.Var:
                return Answer.Success(e.Variable switch
                {
                    VVar.Principal => VEntityType.Of(_env.PrincipalType),
                    VVar.Action => VEntityType.Of(_env.Action.Type),
                    VVar.Resource => VEntityType.Of(_env.ResourceType),
                    _ => _env.Context,
                });
            case VKind.If:
                return CheckIf(e, prior);
            case VKind.And:
                return CheckAnd(e, prior);
            case VKind.Or:
                return CheckOr(e, prior);
            case VKind.Not:
                {
                    var operand = Expect(e.Children[0], prior, IsBool, "Bool");
                    return operand.Ok
                        ? Answer.Success(operand.Type switch
                        {
                            VBool { Value: BoolKind.True } => VType.False,
                            VBool { Value: BoolKind.False } => VType.True,
                            _ => VType.AnyBool,
                        })
                        : Answer.Fail(VType.AnyBool);
                }

            case VKind.Neg:
                return Expect(e.Children[0], prior, IsLong, "Long").Ok ? Answer.Success(VType.Long) : Answer.Fail(VType.Long);
            case VKind.IsEmpty:
                return Expect(e.Children[0], prior, IsSet, "a set").Ok ? Answer.Success(VType.AnyBool) : Answer.Fail(VType.AnyBool);
            case VKind.Eq:
                return CheckEquality(e, prior);
            case VKind.Less:
            case VKind.LessEq:
                return CheckComparison(e, prior);
            case VKind.Add:
            case VKind.Sub:
            case VKind.Mul:
                {
                    var left = Expect(e.Children[0], prior, IsLong, "Long");
                    var right = Expect(e.Children[1], prior, IsLong, "Long");
                    return left.Ok && right.Ok ? Answer.Success(VType.Long) : Answer.Fail(VType.Long);
                }

            case VKind.In:
                return CheckIn(e, prior);
            case VKind.Contains:
                {
                    var set = Expect(e.Children[0], prior, IsSet, "a set");
                    var element = Check(e.Children[1], prior);
                    if (!set.Ok || !element.Ok)
                    {
                        return Answer.Fail(VType.AnyBool);
                    }

                    return set.Type is VSet s && element.Type is { } elementType && _lattice.LeastUpperBound(s.Element, elementType) is null
                        ? Incompatible(e, $"`contains` compares set elements of type {s.Element} with {elementType}")
                        : Answer.Success(VType.AnyBool);
                }

            case VKind.ContainsAll:
            case VKind.ContainsAny:
                {
                    var left = Expect(e.Children[0], prior, IsSet, "a set");
                    var right = Expect(e.Children[1], prior, IsSet, "a set");
                    if (!left.Ok || !right.Ok)
                    {
                        return Answer.Fail(VType.AnyBool);
                    }

                    return _lattice.LeastUpperBound(left.Type!, right.Type!) is null
                        ? Incompatible(e, $"`{(e.Kind == VKind.ContainsAll ? "containsAll" : "containsAny")}` compares {left.Type} with {right.Type}")
                        : Answer.Success(VType.AnyBool);
                }

            case VKind.HasTag:
                return CheckHasTag(e, prior);
            case VKind.GetTag:
                return CheckGetTag(e, prior);
            case VKind.Call:
                return CheckCall(e, prior);
            case VKind.GetAttr:
                return CheckGetAttr(e, prior);
            case VKind.HasAttr:
                return CheckHasAttr(e, prior);
            case VKind.Like:
                return Expect(e.Children[0], prior, IsString, "String").Ok ? Answer.Success(VType.AnyBool) : Answer.Fail(VType.AnyBool);
            case VKind.Is:
                {
                    var target = Expect(e.Children[0], prior, IsEntity, "an entity");
                    if (!target.Ok)
                    {
                        return Answer.Fail(VType.AnyBool);
                    }

                    return Answer.Success(target.Type is VEntityType entity
                        ? !entity.Names.Contains(e.Name!) ? VType.False : entity.Single == e.Name ? VType.True : VType.AnyBool
                        : VType.AnyBool);
                }

            case VKind.Set:
                return CheckSet(e, prior);
            case VKind.Record:
                {
                    var ok = true;
                    var attributes = ImmutableSortedDictionary.CreateBuilder<string, VAttribute>(StringComparer.Ordinal);
                    for (var i = 0; i < e.Children.Length; i++)
                    {
                        var value = Check(e.Children[i], prior);
                        ok &= value.Ok && value.Type is not null;
                        if (value.Type is not null)
                        {
                            attributes[e.Keys[i]] = new VAttribute(value.Type, true);
                        }
                    }

                    var record = new VRecord(attributes.ToImmutable(), false);
                    return ok ? Answer.Success(record) : Answer.Fail(record);
                }

            default:
                _errors.Add(ValidationErrorKind.UnexpectedType, $"unsupported expression `{e.Kind}`", e);
                return Answer.Fail();
        }
    }

    private Answer CheckLiteral(VExpr e)
    {
        var literal = e.Literal;
        if (literal.Bool is { } b)
        {
            return Answer.Success(VType.Singleton(b));
        }

        if (literal.Long is not null)
        {
            return Answer.Success(VType.Long);
        }

        if (literal.String is not null)
        {
            return Answer.Success(VType.String);
        }

        // An undeclared entity type or action types to nothing; ScopeChecks reports it.
        var entity = literal.Entity!;
        var declared = entity.IsAction
            ? _lattice.Schema.GetAction(entity.Type, entity.Id) is not null
            : _lattice.Schema.GetEntityType(entity.Type) is not null;
        return declared ? Answer.Success(VEntityType.Of(entity.Type)) : Answer.Fail();
    }

    private Answer CheckIf(VExpr e, ImmutableHashSet<Capability> prior)
    {
        var test = Expect(e.Children[0], prior, IsBool, "Bool");
        if (!test.Ok)
        {
            Check(e.Children[1], prior);
            Check(e.Children[2], prior);
            return Answer.Fail();
        }

        switch (test.Type)
        {
            case VBool { Value: BoolKind.True }:
                {
                    // The else branch can never run, so it is not checked (as in Cedar).
                    var then = Check(e.Children[1], Capabilities.Union(prior, test.Caps));
                    return then.Ok ? Answer.Success(then.Type!, Capabilities.Union(then.Caps, test.Caps)) : Answer.Fail(then.Type);
                }

            case VBool { Value: BoolKind.False }:
                {
                    var otherwise = Check(e.Children[2], prior);
                    return otherwise.Ok ? Answer.Success(otherwise.Type!, otherwise.Caps) : Answer.Fail(otherwise.Type);
                }

            default:
                {
                    var then = Check(e.Children[1], Capabilities.Union(prior, test.Caps));
                    var otherwise = Check(e.Children[2], prior);
                    if (!then.Ok || !otherwise.Ok)
                    {
                        return Answer.Fail(then.Type ?? otherwise.Type);
                    }

                    var lub = _lattice.LeastUpperBound(then.Type!, otherwise.Type!);
                    if (lub is null)
                    {
                        return Incompatible(e, $"the branches of `if` have incompatible types {then.Type} and {otherwise.Type}");
                    }

                    // Whichever branch ran, its capabilities hold (then's together with the guard's).
                    return Answer.Success(lub, Capabilities.Intersect(Capabilities.Union(test.Caps, then.Caps), otherwise.Caps));
                }
        }
    }

    private Answer CheckAnd(VExpr e, ImmutableHashSet<Capability> prior)
    {
        var left = Expect(e.Children[0], prior, IsBool, "Bool");
        if (left is { Ok: true, Type: VBool { Value: BoolKind.False } })
        {
            // Short circuit: the right operand never runs, so it is not checked.
            return Answer.Success(VType.False);
        }

        var right = Expect(e.Children[1], Capabilities.Union(prior, left.Caps), IsBool, "Bool");
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

    private Answer CheckOr(VExpr e, ImmutableHashSet<Capability> prior)
    {
        var left = Expect(e.Children[0], prior, IsBool, "Bool");
        if (left is { Ok: true, Type: VBool { Value: BoolKind.True } })
        {
            return Answer.Success(VType.True, left.Caps);
        }

        // The right operand runs only when the left was false: the left's capabilities do not hold there.
        var right = Expect(e.Children[1], prior, IsBool, "Bool");
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

    private Answer CheckEquality(VExpr e, ImmutableHashSet<Capability> prior)
    {
        var left = Check(e.Children[0], prior);
        var right = Check(e.Children[1], prior);
        if (!left.Ok || !right.Ok || left.Type is null || right.Type is null)
        {
            return Answer.Fail(VType.AnyBool);
        }

        VType type;
        if (TypeLattice.AreDisjoint(left.Type, right.Type))
        {
            type = VType.False;
        }
        else if (AsLiteral(e.Children[0]) is { } a && AsLiteral(e.Children[1]) is { } b)
        {
            type = VType.Singleton(a == b);
        }
        else
        {
            type = VType.AnyBool;
        }

        if (type is VBool { Value: BoolKind.Any } && _lattice.LeastUpperBound(left.Type, right.Type) is null)
        {
            return Incompatible(e, $"`==` compares {left.Type} with {right.Type}, which can never be equal in strict mode");
        }

        return Answer.Success(type);
    }

    private Answer CheckComparison(VExpr e, ImmutableHashSet<Capability> prior)
    {
        var left = Check(e.Children[0], prior);
        var right = Check(e.Children[1], prior);
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
            _errors.Add(ValidationErrorKind.UnexpectedType, $"`<`/`<=` compares {left.Type} with {right.Type}; both must be Long, datetime or duration", e);
            return Answer.Fail(VType.AnyBool);
        }

        return Answer.Success(VType.AnyBool);
    }

    private Answer CheckIn(VExpr e, ImmutableHashSet<Capability> prior)
    {
        var left = Expect(e.Children[0], prior, IsEntity, "an entity");
        var right = Expect(e.Children[1], prior, IsEntityOrEntitySet, "an entity or a set of entities");
        if (!left.Ok || !right.Ok)
        {
            return Answer.Fail(VType.AnyBool);
        }

        // An action (literal or the `action` variable) in action literals: the schema's action hierarchy decides.
        if (AsEntity(e.Children[0]) is { IsAction: true } action && AsEntities(e.Children[1]) is { } targets)
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

                member |= group == action || declared.Descendants.Contains((action.Type, action.Id));
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

    private Answer CheckHasTag(VExpr e, ImmutableHashSet<Capability> prior)
    {
        var target = Expect(e.Children[0], prior, IsEntity, "an entity");
        var tag = Expect(e.Children[1], prior, IsString, "String");
        if (!target.Ok || !tag.Ok || target.Type is not VEntityType entity)
        {
            return Answer.Fail(VType.AnyBool);
        }

        var capability = Capability.ForTag(e.Children[0], e.Children[1]);
        var type = _lattice.TagTypes(entity).Count == 0 ? VType.False : prior.Contains(capability) ? VType.True : VType.AnyBool;
        return Answer.Success(type, [capability]);
    }

    private Answer CheckGetTag(VExpr e, ImmutableHashSet<Capability> prior)
    {
        var target = Expect(e.Children[0], prior, IsEntity, "an entity");
        var tag = Expect(e.Children[1], prior, IsString, "String");
        if (!target.Ok || !tag.Ok || target.Type is not VEntityType entity)
        {
            return Answer.Fail();
        }

        if (!prior.Contains(Capability.ForTag(e.Children[0], e.Children[1])))
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

    private Answer CheckGetAttr(VExpr e, ImmutableHashSet<Capability> prior)
    {
        var target = Expect(e.Children[0], prior, IsEntityOrRecord, "an entity or a record");
        if (!target.Ok || target.Type is null)
        {
            return Answer.Fail();
        }

        var attribute = e.Name!;
        var declared = _lattice.LookupAttribute(target.Type, attribute);
        if (declared is null)
        {
            _errors.Add(ValidationErrorKind.UnsafeAttributeAccess, $"{target.Type} has no attribute `{attribute}`", e);
            return Answer.Fail();
        }

        if (!declared.Required && !prior.Contains(Capability.ForAttribute(e.Children[0], attribute)))
        {
            _errors.Add(ValidationErrorKind.UnsafeOptionalAttributeAccess, $"optional attribute `{attribute}` of {target.Type} read without a `has` guard", e);
            return Answer.Fail(declared.Type);
        }

        return Answer.Success(declared.Type);
    }

    private Answer CheckHasAttr(VExpr e, ImmutableHashSet<Capability> prior)
    {
        var target = Expect(e.Children[0], prior, IsEntityOrRecord, "an entity or a record");
        if (!target.Ok || target.Type is null)
        {
            return Answer.Fail(VType.AnyBool);
        }

        var attribute = e.Name!;
        var capability = Capability.ForAttribute(e.Children[0], attribute);
        var declared = _lattice.LookupAttribute(target.Type, attribute);
        if (declared is null)
        {
            return Answer.Success(_lattice.MayHaveAttribute(target.Type, attribute) ? VType.AnyBool : VType.False);
        }

        // A required attribute of a record is always there; an entity may be missing from the store, in which case
        // `has` is false, unless an earlier test already proved the attribute present.
        var known = prior.Contains(capability) || (declared.Required && target.Type is VRecord);
        return Answer.Success(known ? VType.True : VType.AnyBool, [capability]);
    }

    private Answer CheckSet(VExpr e, ImmutableHashSet<Capability> prior)
    {
        var ok = true;
        var types = new List<VType>(e.Children.Length);
        foreach (var element in e.Children)
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

        if (e.Children.IsEmpty)
        {
            _errors.Add(ValidationErrorKind.EmptySetForbidden, "an empty set literal has no element type in strict mode", e);
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

    private Answer CheckCall(VExpr e, ImmutableHashSet<Capability> prior)
    {
        var name = e.Name!;
        if (!ExtensionSignatures.TryGet(name, out var signature))
        {
            _errors.Add(ValidationErrorKind.UndefinedFunction, $"`{name}` is not a function", e);
            CheckAll(e.Children, prior);
            return Answer.Fail();
        }

        var failed = false;
        if (e.Children.Length != signature.Arguments.Length)
        {
            _errors.Add(ValidationErrorKind.WrongNumberOfArguments, $"`{name}` takes {signature.Arguments.Length} argument(s), got {e.Children.Length}", e);
            failed = true;
        }

        if (signature.IsConstructor)
        {
            // A constructor's argument must be a literal in strict mode, and a literal string must parse.
            if (e.Children.Any(c => c.Kind != VKind.Literal))
            {
                _errors.Add(ValidationErrorKind.NonLiteralExtensionConstructor, $"`{name}` must be called with a literal string in strict mode", e);
                failed = true;
            }
            else if (e.Children.Length == 1 && e.Children[0].Literal.String is { } text && !signature.Parses(text, out var why))
            {
                _errors.Add(ValidationErrorKind.InvalidExtensionArgument, $"`{name}(\"{text}\")` does not parse: {why}", e);
                failed = true;
            }
        }

        if (failed)
        {
            CheckAll(e.Children, prior);
            return Answer.Fail(signature.Result);
        }

        var ok = true;
        for (var i = 0; i < e.Children.Length; i++)
        {
            var expected = signature.Arguments[i];
            ok &= Expect(e.Children[i], prior, t => t is VNever || _lattice.IsSubtype(t, expected), expected.ToString()).Ok;
        }

        return ok ? Answer.Success(signature.Result) : Answer.Fail(signature.Result);
    }

    private void CheckAll(ImmutableArray<VExpr> expressions, ImmutableHashSet<Capability> prior)
    {
        foreach (var expression in expressions)
        {
            Check(expression, prior);
        }
    }

    private Answer Expect(VExpr e, ImmutableHashSet<Capability> prior, Predicate<VType> accepts, string expected)
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

    private Answer Incompatible(VExpr e, string message)
    {
        _errors.Add(ValidationErrorKind.IncompatibleTypes, message, e);
        return Answer.Fail();
    }

    private VLiteral? AsLiteral(VExpr e) => e.Kind switch
    {
        VKind.Literal => e.Literal,
        VKind.Var when e.Variable == VVar.Action => new VLiteral(null, null, null, _env.ActionUid),
        _ => null,
    };

    private VEntity? AsEntity(VExpr e) => AsLiteral(e)?.Entity;

    private List<VEntity>? AsEntities(VExpr e)
    {
        if (AsEntity(e) is { } single)
        {
            return [single];
        }

        if (e.Kind != VKind.Set)
        {
            return null;
        }

        var entities = new List<VEntity>(e.Children.Length);
        foreach (var element in e.Children)
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
