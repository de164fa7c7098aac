using System.Collections.Immutable;
using Warden.Policy.Authorization;
using Warden.Policy.Schemas;
using Warden.Policy.Values;

namespace Warden.Policy.Validation;

/// <summary>
/// Checks that a request conforms to a schema, as Cedar does when a request is built with a schema: the principal
/// and resource types are declared (with a listed id for an enumerated type), the action is declared and applies
/// to them, and the context has the action's context type.
/// </summary>
public static class RequestValidator
{
    /// <summary>Validates <paramref name="request"/> against <paramref name="schema"/>.</summary>
    /// <param name="schema">The schema.</param>
    /// <param name="request">The request.</param>
    /// <returns>Every violation found; empty when the request conforms.</returns>
    public static ImmutableArray<SchemaViolation> Validate(Schema schema, AuthorizationRequest request)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(request);

        // The usual request conforms: it is checked without building a path, a message or a list, and only a request
        // that fails this check is checked again below for the reasons (the two checks agree on which requests pass).
        var action = schema.GetAction(request.Action.Type, request.Action.Id);
        if (action is not null
            && EntityConforms(schema, request.Principal)
            && EntityConforms(schema, request.Resource)
            && action.PrincipalTypes.Contains(request.Principal.Type)
            && action.ResourceTypes.Contains(request.Resource.Type)
            && ValueConformance.RecordConforms(schema, request.Context, action.Context))
        {
            return [];
        }

        var violations = ImmutableArray.CreateBuilder<SchemaViolation>();
        CheckEntity(schema, "principal", request.Principal, violations);
        CheckEntity(schema, "resource", request.Resource, violations);
        if (action is null)
        {
            violations.Add(new SchemaViolation("action", $"`{request.Action}` is not an action the schema declares"));
            return violations.ToImmutable();
        }

        if (!action.PrincipalTypes.Contains(request.Principal.Type))
        {
            violations.Add(new SchemaViolation("principal", $"`{request.Action}` does not apply to principals of type `{request.Principal.Type}` (it applies to {List(action.PrincipalTypes)})"));
        }

        if (!action.ResourceTypes.Contains(request.Resource.Type))
        {
            violations.Add(new SchemaViolation("resource", $"`{request.Action}` does not apply to resources of type `{request.Resource.Type}` (it applies to {List(action.ResourceTypes)})"));
        }

        var problems = new List<string>();
        ValueConformance.CheckEnumReferences(schema, CedarValue.FromRecord(request.Context), "context", problems);
        ValueConformance.CheckRecord(schema, request.Context, action.Context, string.Empty, problems);
        foreach (var problem in problems)
        {
            violations.Add(new SchemaViolation("context", problem));
        }

        return violations.ToImmutable();
    }

    private static bool EntityConforms(Schema schema, EntityUid uid) =>
        schema.GetEntityType(uid.Type) is { } type && (type.EnumIds is not { } ids || ids.Contains(uid.Id));

    private static void CheckEntity(Schema schema, string role, EntityUid uid, ImmutableArray<SchemaViolation>.Builder violations)
    {
        if (schema.GetEntityType(uid.Type) is null)
        {
            violations.Add(new SchemaViolation(role, $"entity type `{uid.Type}` is not declared"));
            return;
        }

        var problems = new List<string>();
        if (!ValueConformance.CheckEnumId(schema, uid, role, problems))
        {
            violations.Add(new SchemaViolation(role, problems[0]));
        }
    }

    private static string List(ImmutableArray<string> types) =>
        types.IsEmpty ? "no entity type" : string.Join(", ", types.Select(t => $"`{t}`"));
}
