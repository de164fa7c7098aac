using System.Collections.Immutable;
using Warden.Policy.Authorization;
using Warden.Policy.Entities;
using Warden.Policy.Syntax;
using Warden.Policy.Values;

namespace Warden.Policy.Tests.Evaluation;

/// <summary>The deepest policies the parser accepts still evaluate on a small stack; deeper trees built in code are refused.</summary>
public sealed class LimitsTests
{
    [Fact]
    public void Evaluate_TallestAcceptedExpression_RunsOnA256KbStack()
    {
        var chain = string.Join(" + ", Enumerable.Repeat("1", CedarLimits.MaxExpressionHeight - 10));
        var nested = new string('(', CedarLimits.MaxNestingDepth - 5) + "1" + new string(')', CedarLimits.MaxNestingDepth - 5);
        var authorizer = Authorizer.FromText($"permit(principal, action, resource) when {{ {chain} > 0 && {nested} == 1 }};");
        AuthorizationResponse? response = null;

        var thread = new Thread(() => response = authorizer.IsAuthorized(
            new AuthorizationRequest(new EntityUid("U", "a"), new EntityUid("Action", "a"), new EntityUid("R", "r")), EntityStore.Empty), 256 * 1024);
        thread.Start();
        thread.Join();

        Assert.NotNull(response);
        Assert.True(response.IsAllowed, response.ToString());
    }

    [Fact]
    public void Authorizer_TreeTallerThanTheLimitBuiltInCode_IsRefused()
    {
        Expr expr = new LiteralExpr(CedarValue.True);
        for (var i = 0; i < CedarLimits.MaxExpressionHeight + 5; i++)
        {
            expr = new UnaryExpr(UnaryOp.Not, expr);
        }

        var policy = new CedarPolicy("policy0", Effect.Permit, ScopeConstraint.Any, ActionConstraint.Any, ScopeConstraint.Any,
            [new Condition(true, expr)], ImmutableArray<Annotation>.Empty, SourceSpan.None);

        Assert.Throws<ArgumentException>(() => new Authorizer(new PolicySet([policy])));
    }

    [Fact]
    public void Parse_HugeInput_IsLinearNotAHang()
    {
        var many = string.Concat(Enumerable.Repeat("permit(principal, action, resource) when { context.a like \"*a*b*c*\" };\n", 5000));
        var set = PolicySet.Parse(many);
        Assert.Equal(5000, set.Policies.Length);

        var longString = new string('a', 200_000);
        var context = CedarRecord.Create([new("a", CedarValue.FromString(longString))]);
        var response = new Authorizer(new PolicySet(set.Policies.Take(20))).IsAuthorized(
            new AuthorizationRequest(new EntityUid("U", "a"), new EntityUid("Action", "a"), new EntityUid("R", "r"), context), EntityStore.Empty);
        Assert.False(response.IsAllowed);
    }
}
