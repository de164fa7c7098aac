using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using Warden.Policy.Extensions;
using Warden.Policy.Values;

namespace Warden.Policy.Syntax;

/// <summary>
/// Recursive-descent parser for Cedar 4.x policy text, following Cedar's grammar and its CST-to-AST rules
/// (reserved identifiers, method/function checks, desugaring). Throws <see cref="CedarParseException"/> on the first error.
/// </summary>
internal sealed class Parser
{
    private readonly List<Token> _tokens;
    private int _position;
    private int _nesting;

    private Parser(string text)
    {
        _tokens = Lexer.Tokenize(text);
    }

    private Token Current => _tokens[_position];

    public static ImmutableArray<CedarPolicy> ParsePolicies(string text)
    {
        var parser = new Parser(text);
        var policies = ImmutableArray.CreateBuilder<CedarPolicy>();
        while (parser.Current.Kind != TokenKind.EndOfInput)
        {
            policies.Add(parser.ParsePolicy(policies.Count));
        }

        return policies.ToImmutable();
    }

    public static Expr ParseExpression(string text)
    {
        var parser = new Parser(text);
        var expr = parser.ParseExpr();
        parser.Expect(TokenKind.EndOfInput, "end of input");
        parser.CheckHeight(expr, parser._tokens[0].Span);
        return expr;
    }

    // ---------------------------------------------------------------- policies

    private CedarPolicy ParsePolicy(int index)
    {
        var start = Current.Span;
        var annotations = ImmutableArray.CreateBuilder<Annotation>();
        while (Current.Kind == TokenKind.At)
        {
            var at = Next().Span;
            var key = ExpectIdentifier("an annotation key");
            var value = string.Empty;
            if (Current.Kind == TokenKind.LeftParen)
            {
                Next();
                var literal = Expect(TokenKind.String, "an annotation value (a string literal)");
                value = UnescapeString(literal);
                Expect(TokenKind.RightParen, "`)`");
            }

            foreach (var existing in annotations)
            {
                if (existing.Key == key.Text)
                {
                    throw Error(at, "a distinct annotation key", $"duplicate annotation: @{key.Text}");
                }
            }

            annotations.Add(new Annotation(key.Text, value) { Span = at.To(Previous.Span) });
        }

        var effectToken = ExpectIdentifier("`permit` or `forbid`");
        var effect = effectToken.Text switch
        {
            "permit" => Effect.Permit,
            "forbid" => Effect.Forbid,
            _ => throw Error(effectToken.Span, "`permit` or `forbid`", $"`{effectToken.Text}` is not a valid policy effect"),
        };

        Expect(TokenKind.LeftParen, "`(`");
        var (principal, action, resource) = ParseScope(effectToken.Span);
        Expect(TokenKind.RightParen, "`)`");

        var conditions = ImmutableArray.CreateBuilder<Condition>();
        while (Current.Kind == TokenKind.Identifier && Peek(1).Kind == TokenKind.LeftBrace)
        {
            var keyword = Next();
            Next();
            if (Current.Kind == TokenKind.RightBrace)
            {
                throw Error(keyword.Span, "an expression", $"`{keyword.Text}` condition clause cannot be empty");
            }

            var isWhen = keyword.Text switch
            {
                "when" => true,
                "unless" => false,
                _ => throw Error(keyword.Span, "`when` or `unless`", $"`{keyword.Text}` is not a valid policy condition"),
            };
            var body = ParseExpr();
            Expect(TokenKind.RightBrace, "`}`");
            conditions.Add(new Condition(isWhen, body) { Span = keyword.Span.To(Previous.Span) });
        }

        Expect(TokenKind.Semicolon, Current.Kind == TokenKind.Identifier ? "`when`, `unless` or `;`" : "`;`");
        var policy = new CedarPolicy(
            "policy" + index.ToString(CultureInfo.InvariantCulture),
            effect,
            principal,
            action,
            resource,
            conditions.ToImmutable(),
            annotations.ToImmutable(),
            start.To(Previous.Span));
        CheckHeight(policy.NonScopeCondition, start);
        return policy;
    }

    private (ScopeConstraint Principal, ActionConstraint Action, ScopeConstraint Resource) ParseScope(SourceSpan effectSpan)
    {
        ScopeConstraint? principal = null;
        ActionConstraint? action = null;
        ScopeConstraint? resource = null;
        var count = 0;
        while (Current.Kind != TokenKind.RightParen)
        {
            var variable = ExpectIdentifier("`principal`, `action` or `resource`");
            var expected = count switch
            {
                0 => "principal",
                1 => "action",
                2 => "resource",
                _ => throw Error(variable.Span, "`)`", $"this policy has an extra element in the scope: {variable.Text}"),
            };
            if (variable.Text != expected)
            {
                throw Error(
                    variable.Span,
                    $"`{expected}`",
                    variable.Text is "principal" or "action" or "resource"
                        ? $"found the variable `{variable.Text}` where the variable `{expected}` must be used"
                        : $"expected the scope variable `{expected}`, found `{variable.Text}`");
            }

            if (Current.Kind == TokenKind.Colon)
            {
                throw Error(Current.Span, "`,` or `)`", "type constraints using `:` are not supported");
            }

            if (count == 1)
            {
                action = ParseActionConstraint(variable.Span);
            }
            else
            {
                var constraint = ParsePrincipalOrResourceConstraint(variable.Span);
                if (count == 0)
                {
                    principal = constraint;
                }
                else
                {
                    resource = constraint;
                }
            }

            count++;
            if (Current.Kind == TokenKind.Comma)
            {
                Next();
            }
            else if (Current.Kind != TokenKind.RightParen)
            {
                throw Unexpected("`,` or `)`");
            }
        }

        if (count < 3)
        {
            var missing = count switch { 0 => "principal", 1 => "action", _ => "resource" };
            throw Error(effectSpan, $"`{missing}`", $"this policy is missing the `{missing}` variable in the scope");
        }

        return (principal!, action!, resource!);
    }

    private ScopeConstraint ParsePrincipalOrResourceConstraint(SourceSpan start)
    {
        string? entityType = null;
        if (Current.IsIdentifier("is"))
        {
            Next();
            entityType = ParseEntityTypeName();
        }

        if (!IsRelationalOperator(Current.Kind) && !Current.IsIdentifier("in"))
        {
            return entityType is null
                ? ScopeConstraint.Any with { Span = start }
                : new ScopeConstraint(ScopeKind.Is, null, entityType) { Span = start.To(Previous.Span) };
        }

        var op = Next();
        if (op.Kind == TokenKind.SingleEqual)
        {
            throw Error(op.Span, "`==`", "`=` is not a valid operator; did you mean `==`?");
        }

        var isEq = op.Kind == TokenKind.EqualEqual;
        if (!isEq && !op.IsIdentifier("in"))
        {
            throw Error(op.Span, "`==`, `in` or `is`", $"`{op.Text}` is not a valid operator in the policy scope");
        }

        if (isEq && entityType is not null)
        {
            throw Error(op.Span, "`in`", "`is` cannot be combined with `==` in the policy scope");
        }

        var targets = ParseScopeTargets(allowList: false);
        var kind = isEq ? ScopeKind.Eq : entityType is null ? ScopeKind.In : ScopeKind.IsIn;
        return new ScopeConstraint(kind, targets[0], entityType) { Span = start.To(Previous.Span) };
    }

    private ActionConstraint ParseActionConstraint(SourceSpan start)
    {
        if (Current.IsIdentifier("is"))
        {
            throw Error(Current.Span, "`==`, `in`, `,` or `)`", "`is` cannot appear in the action scope");
        }

        if (!IsRelationalOperator(Current.Kind) && !Current.IsIdentifier("in"))
        {
            return ActionConstraint.Any with { Span = start };
        }

        var op = Next();
        if (op.Kind == TokenKind.SingleEqual)
        {
            throw Error(op.Span, "`==`", "`=` is not a valid operator; did you mean `==`?");
        }

        var isEq = op.Kind == TokenKind.EqualEqual;
        if (!isEq && !op.IsIdentifier("in"))
        {
            throw Error(op.Span, "`==` or `in`", $"`{op.Text}` is not a valid operator in the action scope");
        }

        var listStart = Current.Span;
        var isList = PeekPastParens().Kind == TokenKind.LeftBracket;
        var targets = ParseScopeTargets(allowList: !isEq);
        foreach (var target in targets)
        {
            if (!target.IsAction)
            {
                throw Error(listStart, "an entity uid with type `Action`", $"expected an entity uid with type `Action` but got `{target}`");
            }
        }

        return new ActionConstraint(isEq ? ActionScopeKind.Eq : ActionScopeKind.In, targets, isList) { Span = start.To(Previous.Span) };
    }

    private Token PeekPastParens()
    {
        var i = _position;
        while (_tokens[i].Kind == TokenKind.LeftParen)
        {
            i++;
        }

        return _tokens[i];
    }

    // The right-hand side of a scope constraint: an entity uid, or (for `action in`) a list of them,
    // possibly parenthesized; never a general expression.
    private ImmutableArray<EntityUid> ParseScopeTargets(bool allowList)
    {
        Enter();
        try
        {
            if (Current.Kind == TokenKind.LeftParen)
            {
                Next();
                var inner = ParseScopeTargets(allowList);
                Expect(TokenKind.RightParen, "`)`");
                return inner;
            }

            if (Current.Kind == TokenKind.Slot)
            {
                throw Error(Current.Span, "an entity uid", $"template slots such as `{Current.Text}` are not supported; write a static policy");
            }

            if (Current.Kind == TokenKind.LeftBracket)
            {
                if (!allowList)
                {
                    throw Error(Current.Span, "an entity uid", "expected single entity uid, found set of entity uids");
                }

                Next();
                var list = ImmutableArray.CreateBuilder<EntityUid>();
                while (Current.Kind != TokenKind.RightBracket)
                {
                    list.Add(ParseEntityUidLiteral());
                    if (Current.Kind == TokenKind.Comma)
                    {
                        Next();
                    }
                    else if (Current.Kind != TokenKind.RightBracket)
                    {
                        throw Unexpected("`,` or `]`");
                    }
                }

                Next();
                return list.ToImmutable();
            }

            return [ParseEntityUidLiteral()];
        }
        finally
        {
            Leave();
        }
    }

    private EntityUid ParseEntityUidLiteral()
    {
        var start = Current;
        if (start.Kind != TokenKind.Identifier)
        {
            throw Unexpected("an entity uid (for example `User::\"alice\"`)");
        }

        var path = new List<Token> { Next() };
        while (Current.Kind == TokenKind.DoubleColon && Peek(1).Kind == TokenKind.Identifier)
        {
            Next();
            path.Add(Next());
        }

        if (Current.Kind != TokenKind.DoubleColon || Peek(1).Kind != TokenKind.String)
        {
            throw Error(start.Span, "an entity uid (for example `User::\"alice\"`)", $"expected an entity uid, found the name `{JoinPath(path)}`");
        }

        Next();
        var id = Next();
        return new EntityUid(ValidateName(path), UnescapeString(id), trusted: true);
    }

    private string ParseEntityTypeName()
    {
        var start = Current;
        if (start.Kind != TokenKind.Identifier || start.Text is "true" or "false" or "if")
        {
            throw Unexpected("an entity type name");
        }

        var path = new List<Token> { Next() };
        while (Current.Kind == TokenKind.DoubleColon && Peek(1).Kind == TokenKind.Identifier)
        {
            Next();
            path.Add(Next());
        }

        if (Current.Kind == TokenKind.DoubleColon)
        {
            throw Error(start.Span, "an entity type name", "expected an entity type name, found an entity uid or an incomplete name");
        }

        return ValidateName(path);
    }

    // ---------------------------------------------------------------- expressions

    private Expr ParseExpr()
    {
        Enter();
        try
        {
            if (Current.IsIdentifier("if"))
            {
                var start = Next().Span;
                var condition = ParseExpr();
                ExpectKeyword("then");
                var then = ParseExpr();
                ExpectKeyword("else");
                var otherwise = ParseExpr();
                return new IfExpr(condition, then, otherwise) { Span = start.To(Previous.Span) };
            }

            return ParseOr();
        }
        finally
        {
            Leave();
        }
    }

    private Expr ParseOr()
    {
        var start = Current.Span;
        var left = ParseAnd();
        while (Current.Kind == TokenKind.OrOr)
        {
            Next();
            var right = ParseAnd();
            left = new OrExpr(left, right) { Span = start.To(Previous.Span) };
        }

        return left;
    }

    private Expr ParseAnd()
    {
        var start = Current.Span;
        var left = ParseRelation();
        while (Current.Kind == TokenKind.AndAnd)
        {
            Next();
            var right = ParseRelation();
            left = new AndExpr(left, right) { Span = start.To(Previous.Span) };
        }

        return left;
    }

    private Expr ParseRelation()
    {
        var start = Current.Span;
        var left = ParseAdd();
        var token = Current;
        if (IsRelationalOperator(token.Kind) || token.IsIdentifier("in"))
        {
            Next();
            if (token.Kind == TokenKind.SingleEqual)
            {
                throw Error(token.Span, "`==`", "`=` is not a valid operator; did you mean `==`?");
            }

            var right = ParseAdd();
            if (IsRelationalOperator(Current.Kind) || Current.IsIdentifier("in"))
            {
                throw Error(
                    Current.Span,
                    "`&&`, `||` or the end of the expression",
                    "multiple relational operators (>, ==, in, etc.) must be used with parentheses to make ordering explicit");
            }

            var span = start.To(Previous.Span);
            return token.Kind switch
            {
                TokenKind.EqualEqual => new BinaryExpr(BinaryOp.Eq, left, right) { Span = span },
                TokenKind.NotEqual => new UnaryExpr(UnaryOp.Not, new BinaryExpr(BinaryOp.Eq, left, right) { Span = span }) { Span = span },
                TokenKind.Less => new BinaryExpr(BinaryOp.Less, left, right) { Span = span },
                TokenKind.LessEqual => new BinaryExpr(BinaryOp.LessEq, left, right) { Span = span },
                TokenKind.Greater => new UnaryExpr(UnaryOp.Not, new BinaryExpr(BinaryOp.LessEq, left, right) { Span = span }) { Span = span },
                TokenKind.GreaterEqual => new UnaryExpr(UnaryOp.Not, new BinaryExpr(BinaryOp.Less, left, right) { Span = span }) { Span = span },
                _ => new BinaryExpr(BinaryOp.In, left, right) { Span = span },
            };
        }

        if (token.IsIdentifier("has"))
        {
            Next();
            var attributes = ParseHasAttributes();
            var span = start.To(Previous.Span);

            // `e has a.b.c` is `e has a && e.a has b && e.a.b has c`, folded to the left as Cedar does.
            Expr has = new HasAttrExpr(left, attributes[0]) { Span = span };
            Expr path = new GetAttrExpr(left, attributes[0]) { Span = span };
            for (var i = 1; i < attributes.Count; i++)
            {
                has = new AndExpr(has, new HasAttrExpr(path, attributes[i]) { Span = span }) { Span = span };
                path = new GetAttrExpr(path, attributes[i]) { Span = span };
            }

            return has;
        }

        if (token.IsIdentifier("like"))
        {
            Next();
            var literal = Expect(TokenKind.String, "a pattern (a string literal)");
            if (Current.Kind is TokenKind.Dot or TokenKind.LeftBracket or TokenKind.LeftParen)
            {
                throw Error(literal.Span, "a pattern (a string literal)", "the right-hand side of `like` must be a string literal");
            }

            var pattern = StringEscapes.UnescapePattern(literal.Text, out var error)
                ?? throw Error(literal.Span, "a valid escape sequence", error!);
            return new LikeExpr(left, pattern) { Span = start.To(Previous.Span) };
        }

        if (token.IsIdentifier("is"))
        {
            Next();
            var entityType = ParseEntityTypeName();
            var isExpr = new IsExpr(left, entityType) { Span = start.To(Previous.Span) };
            if (Current.IsIdentifier("in"))
            {
                Next();
                var container = ParseAdd();
                var span = start.To(Previous.Span);
                return new AndExpr(isExpr, new BinaryExpr(BinaryOp.In, left, container) { Span = span }) { Span = span };
            }

            return isExpr;
        }

        return left;
    }

    private List<string> ParseHasAttributes()
    {
        var token = Current;
        if (token.Kind == TokenKind.String)
        {
            Next();
            if (Current.Kind is TokenKind.Dot or TokenKind.LeftBracket or TokenKind.LeftParen)
            {
                throw Error(token.Span, "an attribute name", "invalid right-hand side of `has`: a string literal cannot be followed by an access");
            }

            return [UnescapeString(token)];
        }

        if (token.Kind != TokenKind.Identifier)
        {
            throw Unexpected("an attribute name after `has`");
        }

        Next();
        var attributes = new List<string> { ValidateAttributeIdentifier(token) };
        while (Current.Kind == TokenKind.Dot)
        {
            Next();
            attributes.Add(ValidateAttributeIdentifier(ExpectIdentifier("an attribute name")));
        }

        if (Current.Kind is TokenKind.LeftParen or TokenKind.LeftBracket or TokenKind.DoubleColon)
        {
            throw Error(token.Span, "an attribute name", "invalid right-hand side of `has`: expected identifiers separated by `.`");
        }

        return attributes;
    }

    private Expr ParseAdd()
    {
        var start = Current.Span;
        var left = ParseMult();
        while (Current.Kind is TokenKind.Plus or TokenKind.Minus)
        {
            var op = Next().Kind == TokenKind.Plus ? BinaryOp.Add : BinaryOp.Sub;
            var right = ParseMult();
            left = new BinaryExpr(op, left, right) { Span = start.To(Previous.Span) };
        }

        return left;
    }

    private Expr ParseMult()
    {
        var start = Current.Span;
        var left = ParseUnary();
        while (Current.Kind is TokenKind.Star or TokenKind.Slash or TokenKind.Percent)
        {
            var op = Next();
            if (op.Kind != TokenKind.Star)
            {
                throw Error(op.Span, "`*`", op.Kind == TokenKind.Slash ? "division is not supported" : "remainder (`%`) is not supported");
            }

            var right = ParseUnary();
            left = new BinaryExpr(BinaryOp.Mul, left, right) { Span = start.To(Previous.Span) };
        }

        return left;
    }

    private Expr ParseUnary()
    {
        var start = Current;
        if (start.Kind is not (TokenKind.Bang or TokenKind.Minus))
        {
            return ParseMember();
        }

        var count = 0;
        while (Current.Kind == start.Kind)
        {
            Next();
            count++;
        }

        if (count > 4)
        {
            throw Error(start.Span, "at most four unary operators", $"too many occurrences of `{start.Text}`");
        }

        Expr operand;
        var remaining = count;
        if (start.Kind == TokenKind.Minus && Current.Kind == TokenKind.Integer
            && Peek(1).Kind is not (TokenKind.Dot or TokenKind.LeftBracket or TokenKind.LeftParen))
        {
            // `-digits` is a negative literal, so that -9223372036854775808 is expressible.
            var literal = Next();
            if (!ulong.TryParse(literal.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var magnitude) || magnitude > 9223372036854775808UL)
            {
                throw Error(literal.Span, "an integer literal that fits in 64 bits", $"integer literal `{literal.Text}` is too large");
            }

            var value = magnitude == 9223372036854775808UL ? long.MinValue : -(long)magnitude;
            operand = new LiteralExpr(CedarValue.FromLong(value)) { Span = literal.Span };
            remaining--;
        }
        else
        {
            operand = ParseMember();
        }

        var span = start.Span.To(Previous.Span);
        for (var i = 0; i < remaining; i++)
        {
            operand = new UnaryExpr(start.Kind == TokenKind.Bang ? UnaryOp.Not : UnaryOp.Neg, operand) { Span = span };
        }

        return operand;
    }

    private Expr ParseMember()
    {
        var start = Current.Span;
        var head = ParsePrimary();
        var accessors = new List<Accessor>();
        while (Current.Kind is TokenKind.Dot or TokenKind.LeftParen or TokenKind.LeftBracket)
        {
            accessors.Add(ParseAccessor());
        }

        if (accessors.Count == 0)
        {
            return head.ToExpr(this);
        }

        Expr current;
        var index = 0;
        switch (head.Kind)
        {
            case PrimaryKind.Name when accessors[0].Kind == AccessorKind.Call:
                current = BuildFunctionCall(head, accessors[0]);
                index = 1;
                break;
            case PrimaryKind.Var when accessors[0].Kind == AccessorKind.Call:
                throw Error(accessors[0].Span, "a method name before `(`", $"variables cannot be called as functions; `{head.Text}(...)` is invalid");
            case PrimaryKind.Name when accessors[0].Kind == AccessorKind.Field && accessors.Count > 1 && accessors[1].Kind == AccessorKind.Call:
                throw Error(head.Span, "an expression", $"`{head.Text}.{accessors[0].Name}(...)` is invalid: `{head.Text}` has no methods");
            case PrimaryKind.Name when accessors[0].Kind == AccessorKind.Field:
                throw Error(head.Span, "an expression", $"invalid member access `{head.Text}.{accessors[0].Name}`, `{head.Text}` has no fields or methods");
            case PrimaryKind.Name:
                throw Error(head.Span, "an expression", $"invalid indexing expression `{head.Text}[...]`, `{head.Text}` has no fields");
            default:
                current = head.ToExpr(this);
                break;
        }

        while (index < accessors.Count)
        {
            var accessor = accessors[index];
            var span = start.To(accessor.Span);
            switch (accessor.Kind)
            {
                case AccessorKind.Call:
                    throw Error(accessor.Span, "a method name before `(`", "expressions cannot be called as functions; only named functions and methods can be called");
                case AccessorKind.Field when index + 1 < accessors.Count && accessors[index + 1].Kind == AccessorKind.Call:
                    var call = accessors[index + 1];
                    current = BuildMethodCall(current, accessor, call, start.To(call.Span));
                    index += 2;
                    break;
                default:
                    current = new GetAttrExpr(current, accessor.Name!) { Span = span };
                    index++;
                    break;
            }
        }

        return current;
    }

    private Expr BuildFunctionCall(Primary head, Accessor call)
    {
        var name = head.Text;
        var span = head.Span.To(call.Span);
        if (head.Path!.Count == 1 && (ExtensionFunctions.IsMethod(name) || ExtensionFunctions.IsBuiltinMethod(name)))
        {
            throw Error(head.Span, "a function name", $"`{name}` is a method, not a function");
        }

        if (head.Path.Count != 1 || !ExtensionFunctions.IsFunction(name))
        {
            throw Error(head.Span, "a known function (`ip`, `decimal`, `datetime` or `duration`)", $"`{name}` is not a valid function");
        }

        return new ExtensionCallExpr(name, call.Arguments, IsMethodCall: false) { Span = span };
    }

    private Expr BuildMethodCall(Expr receiver, Accessor field, Accessor call, SourceSpan span)
    {
        var name = field.Name!;
        var args = call.Arguments;
        switch (name)
        {
            case "contains":
            case "containsAll":
            case "containsAny":
            case "getTag":
            case "hasTag":
                if (args.Length != 1)
                {
                    throw Error(field.Span, "exactly one argument", $"call to `{name}` requires exactly 1 argument, but got {args.Length} arguments");
                }

                var op = name switch
                {
                    "contains" => BinaryOp.Contains,
                    "containsAll" => BinaryOp.ContainsAll,
                    "containsAny" => BinaryOp.ContainsAny,
                    "getTag" => BinaryOp.GetTag,
                    _ => BinaryOp.HasTag,
                };
                return new BinaryExpr(op, receiver, args[0]) { Span = span };
            case "isEmpty":
                if (args.Length != 0)
                {
                    throw Error(field.Span, "no arguments", $"call to `isEmpty` requires exactly 0 arguments, but got {args.Length} arguments");
                }

                return new UnaryExpr(UnaryOp.IsEmpty, receiver) { Span = span };
        }

        if (ExtensionFunctions.IsMethod(name))
        {
            return new ExtensionCallExpr(name, [receiver, .. args], IsMethodCall: true) { Span = span };
        }

        if (ExtensionFunctions.IsFunction(name))
        {
            throw Error(field.Span, "a method name", $"`{name}` is a function, not a method");
        }

        throw Error(field.Span, "a method name", $"`{name}` is not a valid method");
    }

    private Accessor ParseAccessor()
    {
        var token = Next();
        switch (token.Kind)
        {
            case TokenKind.Dot:
                var name = ExpectIdentifier("an attribute or method name");
                return new Accessor(AccessorKind.Field, ValidateAttributeIdentifier(name), [], token.Span.To(name.Span));
            case TokenKind.LeftParen:
                var args = ParseExprList(TokenKind.RightParen, "`)`");
                return new Accessor(AccessorKind.Call, null, args, token.Span.To(Previous.Span));
            default:
                var literal = Expect(TokenKind.String, "an attribute name (a string literal)");
                Expect(TokenKind.RightBracket, "`]`");
                return new Accessor(AccessorKind.Index, UnescapeString(literal), [], token.Span.To(Previous.Span));
        }
    }

    private ImmutableArray<Expr> ParseExprList(TokenKind close, string closeDescription)
    {
        // Comma-separated, a trailing comma allowed, as Cedar's grammar does.
        var items = ImmutableArray.CreateBuilder<Expr>();
        while (Current.Kind != close)
        {
            items.Add(ParseExpr());
            if (Current.Kind == TokenKind.Comma)
            {
                Next();
            }
            else if (Current.Kind != close)
            {
                throw Unexpected($"`,` or {closeDescription}");
            }
        }

        Next();
        return items.ToImmutable();
    }

    private Primary ParsePrimary()
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.Integer:
                Next();
                return new Primary(PrimaryKind.Integer, token.Text, token.Span, null, null);
            case TokenKind.String:
                Next();
                return new Primary(PrimaryKind.String, token.Text, token.Span, null, null);
            case TokenKind.Slot:
                throw Error(token.Span, "an expression", $"template slots such as `{token.Text}` are not supported; write a static policy");
            case TokenKind.LeftParen:
                Next();
                var inner = ParseExpr();
                Expect(TokenKind.RightParen, "`)`");
                return new Primary(PrimaryKind.Expr, string.Empty, token.Span, null, inner);
            case TokenKind.LeftBracket:
                {
                    Next();
                    Enter();
                    try
                    {
                        var elements = ParseExprList(TokenKind.RightBracket, "`]`");
                        return new Primary(PrimaryKind.Expr, string.Empty, token.Span, null, new SetExpr(elements) { Span = token.Span.To(Previous.Span) });
                    }
                    finally
                    {
                        Leave();
                    }
                }

            case TokenKind.LeftBrace:
                {
                    Next();
                    Enter();
                    try
                    {
                        return new Primary(PrimaryKind.Expr, string.Empty, token.Span, null, ParseRecordLiteral(token.Span));
                    }
                    finally
                    {
                        Leave();
                    }
                }

            case TokenKind.Identifier:
                return ParseNameOrReference();
            default:
                throw Unexpected("an expression");
        }
    }

    private Primary ParseNameOrReference()
    {
        var first = Current;
        if (first.Text is "true" or "false")
        {
            Next();
            return new Primary(PrimaryKind.Bool, first.Text, first.Span, null, null);
        }

        if (first.Text == "if")
        {
            throw Error(first.Span, "an expression (use parentheses around `if … then … else …`)", "unexpected `if`");
        }

        var path = new List<Token> { Next() };
        while (Current.Kind == TokenKind.DoubleColon && Peek(1).Kind == TokenKind.Identifier)
        {
            Next();
            path.Add(Next());
        }

        if (Current.Kind == TokenKind.DoubleColon)
        {
            if (Peek(1).Kind == TokenKind.String)
            {
                Next();
                var id = Next();
                var uid = new EntityUid(ValidateName(path), UnescapeString(id), trusted: true);
                return new Primary(PrimaryKind.Expr, string.Empty, first.Span, null, new LiteralExpr(CedarValue.FromEntity(uid)) { Span = first.Span.To(id.Span) });
            }

            if (Peek(1).Kind == TokenKind.LeftBrace)
            {
                throw Error(first.Span, "an entity uid (`Type::\"id\"`)", "entity literals of the form `Type::{...}` are not supported");
            }

            Next();
            throw Unexpected("an identifier or a string literal after `::`");
        }

        if (path.Count == 1 && first.Text is "principal" or "action" or "resource" or "context")
        {
            return new Primary(PrimaryKind.Var, first.Text, first.Span, path, null);
        }

        return new Primary(PrimaryKind.Name, ValidateName(path), first.Span, path, null);
    }

    private RecordExpr ParseRecordLiteral(SourceSpan start)
    {
        var attributes = ImmutableArray.CreateBuilder<KeyValuePair<string, Expr>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (Current.Kind != TokenKind.RightBrace)
        {
            var keyToken = Current;
            string key;
            if (keyToken.Kind == TokenKind.String)
            {
                Next();
                key = UnescapeString(keyToken);
            }
            else if (keyToken.Kind == TokenKind.Identifier)
            {
                Next();
                key = ValidateAttributeIdentifier(keyToken);
                if (Current.Kind == TokenKind.DoubleColon)
                {
                    throw Error(keyToken.Span, "an attribute name", "a path cannot be used as a record attribute name");
                }
            }
            else
            {
                throw Unexpected("an attribute name (an identifier or a string literal)");
            }

            Expect(TokenKind.Colon, "`:`");
            var value = ParseExpr();
            if (!seen.Add(key))
            {
                throw Error(keyToken.Span, "a distinct attribute name", $"duplicate key `{key}` in record literal");
            }

            attributes.Add(new KeyValuePair<string, Expr>(key, value));
            if (Current.Kind == TokenKind.Comma)
            {
                Next();
            }
            else if (Current.Kind != TokenKind.RightBrace)
            {
                throw Unexpected("`,` or `}`");
            }
        }

        Next();
        return new RecordExpr(attributes.ToImmutable()) { Span = start.To(Previous.Span) };
    }

    // ---------------------------------------------------------------- helpers

    private static bool IsRelationalOperator(TokenKind kind) => kind is TokenKind.EqualEqual or TokenKind.NotEqual
        or TokenKind.Less or TokenKind.LessEqual or TokenKind.Greater or TokenKind.GreaterEqual or TokenKind.SingleEqual;

    private string ValidateAttributeIdentifier(Token token)
    {
        if (CedarNames.IsReservedWord(token.Text))
        {
            throw Error(token.Span, "an identifier that is not reserved", $"this identifier is reserved and cannot be used: {token.Text}");
        }

        if (token.Text == CedarNames.ReservedNamespace)
        {
            throw Error(token.Span, "an identifier that is not reserved", $"The name `{token.Text}` contains `__cedar`, which is reserved");
        }

        return token.Text;
    }

    private string ValidateName(List<Token> path)
    {
        foreach (var component in path)
        {
            if (CedarNames.IsReservedWord(component.Text))
            {
                throw Error(component.Span, "an identifier that is not reserved", $"this identifier is reserved and cannot be used: {component.Text}");
            }
        }

        var name = JoinPath(path);
        foreach (var component in path)
        {
            if (component.Text == CedarNames.ReservedNamespace)
            {
                throw Error(path[0].Span, "a name without `__cedar`", $"The name `{name}` contains `__cedar`, which is reserved");
            }
        }

        return name;
    }

    private static string JoinPath(List<Token> path)
    {
        if (path.Count == 1)
        {
            return path[0].Text;
        }

        var parts = new string[path.Count];
        for (var i = 0; i < path.Count; i++)
        {
            parts[i] = path[i].Text;
        }

        return string.Join("::", parts);
    }

    private string UnescapeString(Token literal) =>
        StringEscapes.Unescape(literal.Text, out var error) ?? throw Error(literal.Span, "a valid escape sequence", error!);

    private void Enter()
    {
        _nesting++;
        if (_nesting > CedarLimits.MaxNestingDepth || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw Error(Current.Span, "a less deeply nested expression", $"expression is nested more than {CedarLimits.MaxNestingDepth} levels deep");
        }
    }

    private void Leave() => _nesting--;

    private void CheckHeight(Expr expr, SourceSpan span)
    {
        var height = ExprWalker.Height(expr, CedarLimits.MaxExpressionHeight + 1);
        if (height > CedarLimits.MaxExpressionHeight)
        {
            throw Error(span, "a less deeply nested expression", $"expression is nested more than {CedarLimits.MaxExpressionHeight} levels deep");
        }
    }

    private Token Next() => _tokens[_position < _tokens.Count - 1 ? _position++ : _position];

    private Token Previous => _tokens[Math.Max(0, _position - 1)];

    private Token Peek(int offset) => _tokens[Math.Min(_position + offset, _tokens.Count - 1)];

    private Token Expect(TokenKind kind, string expected) => Current.Kind == kind ? Next() : throw Unexpected(expected);

    private Token ExpectIdentifier(string expected) => Current.Kind == TokenKind.Identifier ? Next() : throw Unexpected(expected);

    private void ExpectKeyword(string keyword)
    {
        if (!Current.IsIdentifier(keyword))
        {
            throw Unexpected($"`{keyword}`");
        }

        Next();
    }

    private CedarParseException Unexpected(string expected) =>
        Error(Current.Span, expected, Current.Kind == TokenKind.EndOfInput
            ? $"unexpected end of input, expected {expected}"
            : $"unexpected {Current.Describe()}, expected {expected}");

    private static CedarParseException Error(SourceSpan span, string expected, string message) =>
        new(new CedarParseError(span.Line, span.Column, expected, $"line {span.Line}, column {span.Column}: {message}"));

    private enum PrimaryKind
    {
        Integer,
        String,
        Bool,
        Var,
        Name,
        Expr,
    }

    private enum AccessorKind
    {
        Field,
        Call,
        Index,
    }

    private sealed record Accessor(AccessorKind Kind, string? Name, ImmutableArray<Expr> Arguments, SourceSpan Span);

    // What a primary turned out to be, before accessors decide whether it may stand as an expression.
    private sealed record Primary(PrimaryKind Kind, string Text, SourceSpan Span, List<Token>? Path, Expr? Expression)
    {
        public Expr ToExpr(Parser parser)
        {
            switch (Kind)
            {
                case PrimaryKind.Integer:
                    if (!long.TryParse(Text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                    {
                        throw Error(Span, "an integer literal that fits in 64 bits", $"integer literal `{Text}` is too large");
                    }

                    return new LiteralExpr(CedarValue.FromLong(value)) { Span = Span };
                case PrimaryKind.String:
                    return new LiteralExpr(CedarValue.FromString(parser.UnescapeString(new Token(TokenKind.String, Text, Span)))) { Span = Span };
                case PrimaryKind.Bool:
                    return new LiteralExpr(CedarValue.FromBool(Text == "true")) { Span = Span };
                case PrimaryKind.Var:
                    return new VarExpr(Text switch
                    {
                        "principal" => Var.Principal,
                        "action" => Var.Action,
                        "resource" => Var.Resource,
                        _ => Var.Context,
                    })
                    { Span = Span };
                case PrimaryKind.Name:
                    throw Error(Span, "an expression", $"`{Text}` is not a valid expression (arbitrary variables are not supported; did you mean an entity uid such as `{Text}::\"id\"`?)");
                default:
                    return Expression!;
            }
        }
    }
}
