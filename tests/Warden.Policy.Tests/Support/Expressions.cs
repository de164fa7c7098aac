using Warden.Policy.Entities;
using Warden.Policy.Evaluation;
using Warden.Policy.Syntax;
using Warden.Policy.Values;

namespace Warden.Policy.Tests.Support;

/// <summary>Evaluates a single Cedar expression for a fixed request: principal User::"alice", action Action::"view", resource Photo::"p".</summary>
internal static class Expressions
{
    public static readonly EntityUid Alice = new("User", "alice");
    public static readonly EntityUid View = new("Action", "view");
    public static readonly EntityUid Photo = new("Photo", "p");

    public static (CedarValue Value, string? Error) Evaluate(string expression, EntityStore? entities = null, CedarRecord? context = null)
    {
        var node = Compiler.Compile(CedarSyntax.ParseExpression(expression));
        var evaluation = new EvaluationContext(Alice, View, Photo, context ?? CedarRecord.Empty, entities ?? EntityStore.Empty);
        var value = node.Evaluate(ref evaluation);
        return value.IsNone ? (value, evaluation.Error ?? "error without message") : (value, null);
    }

    public static CedarValue Value(string expression, EntityStore? entities = null, CedarRecord? context = null)
    {
        var (value, error) = Evaluate(expression, entities, context);
        Assert.True(error is null, $"`{expression}` failed: {error}");
        return value;
    }

    public static bool True(string expression, EntityStore? entities = null, CedarRecord? context = null)
    {
        var value = Value(expression, entities, context);
        Assert.Equal(CedarValueKind.Bool, value.Kind);
        return value.AsBool();
    }

    public static string Error(string expression, EntityStore? entities = null, CedarRecord? context = null)
    {
        var (value, error) = Evaluate(expression, entities, context);
        Assert.True(error is not null, $"`{expression}` should fail but gave {value}");
        return error!;
    }
}
