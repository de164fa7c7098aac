using System.Collections.Immutable;
using System.Text;
using Warden.Policy.Schemas;
using Warden.Policy.Syntax;
using Warden.Policy.Validation;
using Warden.Policy.Values;

namespace Warden.Policy.Tests.Validation;

public sealed class ValidatorAdversarialTests
{
    [Fact]
    public void Validate_ExpressionDeeperThanTheLimit_IsTooComplexNotAStackOverflow()
    {
        // Built directly: the parser caps nesting itself, so this is the validator's own guard.
        Expr body = new LiteralExpr(CedarValue.True);
        for (var i = 0; i < 200_000; i++)
        {
            body = new UnaryExpr(UnaryOp.Not, body);
        }

        var policy = new CedarPolicy("deep", Effect.Permit, ScopeConstraint.Any, ActionConstraint.Any, ScopeConstraint.Any, [new Condition(true, body)], [], SourceSpan.None);
        var errors = ImmutableArray.CreateBuilder<ValidationError>();
        var warnings = ImmutableArray.CreateBuilder<ValidationWarning>();

        Validator.ValidatePolicy(ValidatorTests.Schema, new TypeLattice(ValidatorTests.Schema), new ExprShapes(), policy, errors, warnings);

        Assert.Contains(errors, e => e.Kind == ValidationErrorKind.TooComplex);
    }

    [Fact]
    public void Validate_SchemaWithTooManyRequestEnvironments_IsReportedNotAttempted()
    {
        // 30 actions x 100 principal types x 100 resource types = 300,000 environments.
        var text = new StringBuilder();
        var types = string.Join(", ", Enumerable.Range(0, 100).Select(i => $"E{i}"));
        text.Append("entity ").Append(types).Append(";\n");
        for (var a = 0; a < 30; a++)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"action a{a} appliesTo {{ principal: [{types}], resource: [{types}] }};\n");
        }

        var schema = Schema.Parse(text.ToString());

        var result = Validator.Validate(schema, PolicySet.Parse("permit(principal, action, resource);"));

        Assert.Contains(result.Errors, e => e.Kind == ValidationErrorKind.TooComplex);
    }

    [Fact]
    public void Validate_LongChainOfConjunctions_IsValidatedWithoutOverflow()
    {
        var text = new StringBuilder("permit(principal, action, resource) when { true");
        for (var i = 0; i < 300; i++)
        {
            text.Append(" && principal.age > ").Append(i);
        }

        text.Append(" };");

        var result = Validator.Validate(ValidatorTests.Schema, PolicySet.Parse(text.ToString()));

        Assert.True(result.Passed, string.Join("\n", result.Errors));
    }

    [Fact]
    public void Validate_HasGuardOnStructurallyEqualExpression_IsRecognised()
    {
        // Capabilities are keyed by expression shape: `principal["nick"]` and `principal.nick` are one access.
        var result = Validator.Validate(ValidatorTests.Schema, PolicySet.Parse(
            "permit(principal, action, resource) when { principal has \"nick\" && principal[\"nick\"] == \"x\" };"));

        Assert.True(result.Passed, string.Join("\n", result.Errors));
    }

    [Fact]
    public void Validate_HasGuardOnDifferentExpression_DoesNotCount()
    {
        var result = Validator.Validate(ValidatorTests.Schema, PolicySet.Parse(
            "permit(principal, action, resource is Doc) when { resource.owner has nick && principal.nick == \"x\" };"));

        Assert.Contains(result.Errors, e => e.Kind == ValidationErrorKind.UnsafeOptionalAttributeAccess);
    }
}
