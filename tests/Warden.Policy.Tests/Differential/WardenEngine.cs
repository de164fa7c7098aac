using Warden.Policy.Authorization;
using Warden.Policy.Entities;
using Warden.Policy.Json;
using Warden.Policy.Schemas;
using Warden.Policy.Tests.Differential.Generation;
using Warden.Policy.Validation;

namespace Warden.Policy.Tests.Differential;

/// <summary>
/// Runs a case through Warden's engine, only through its public API (<c>PolicySet</c>, <c>Schema</c>,
/// <c>CedarJson</c>, <c>RequestValidator</c>, <c>Authorizer</c>, <c>Validator</c>), in the order cedar-wasm works:
/// policies, then schema, then entities, then each request.
/// </summary>
internal static class WardenEngine
{
    /// <summary>One outcome per request (one for a validation case).</summary>
    public static Outcome[] Evaluate(DiffCase c)
    {
        var outcomes = new Outcome[c.AnswerCount];
        try
        {
            if (c.ValidateOnly)
            {
                outcomes[0] = Validate(c);
                return outcomes;
            }

            if (!PolicySet.TryParse(c.PolicyText, out var policies, out var parseError))
            {
                Array.Fill(outcomes, Unparsed(parseError.Message));
                return outcomes;
            }

            Schema? schema = null;
            if (c.SchemaText is { } schemaText && !Schema.TryParse(schemaText, out schema, out var schemaError))
            {
                Array.Fill(outcomes, Refused("schema: " + schemaError.Message));
                return outcomes;
            }

            var authorizer = new Authorizer(policies);
            EntityStore entities;
            try
            {
                entities = CedarJson.ParseEntities(c.EntitiesJson().ToJsonString(), schema);
            }
            catch (CedarJsonException e)
            {
                Array.Fill(outcomes, Refused("entities: " + e.Message));
                return outcomes;
            }

            for (var i = 0; i < outcomes.Length; i++)
            {
                outcomes[i] = Evaluate(authorizer, schema, entities, c.Requests[i]);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            for (var i = 0; i < outcomes.Length; i++)
            {
                outcomes[i] ??= new Outcome(true, false, "", [], [], e.GetType().Name + ": " + e.Message, Crashed: true);
            }
        }

        return outcomes;
    }

    /// <summary>Evaluates one request given as raw JSON against raw entities JSON (for entity shapes the model cannot express).</summary>
    public static Outcome EvaluateRaw(string policyText, string entitiesJson, System.Text.Json.Nodes.JsonObject request)
    {
        try
        {
            if (!PolicySet.TryParse(policyText, out var policies, out var parseError))
            {
                return Unparsed(parseError.Message);
            }

            EntityStore entities;
            try
            {
                entities = CedarJson.ParseEntities(entitiesJson);
            }
            catch (CedarJsonException e)
            {
                return Refused("entities: " + e.Message);
            }

            var uid = (string key) => new GenUid(request[key]!["type"]!.GetValue<string>(), request[key]!["id"]!.GetValue<string>());
            var context = ((System.Text.Json.Nodes.JsonObject)request["context"]!).Select(p => new KeyValuePair<string, System.Text.Json.Nodes.JsonNode?>(p.Key, p.Value)).ToList();
            return Evaluate(new Authorizer(policies), null, entities, new GenRequest(uid("principal"), uid("action"), uid("resource"), context));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new Outcome(true, false, "", [], [], e.GetType().Name + ": " + e.Message, Crashed: true);
        }
    }

    private static Outcome Evaluate(Authorizer authorizer, Schema? schema, EntityStore entities, GenRequest request)
    {
        AuthorizationResponse response;
        try
        {
            var principal = CedarJson.ParseEntityUid(request.Principal.ToJson().ToJsonString());
            var action = CedarJson.ParseEntityUid(request.Action.ToJson().ToJsonString());
            var resource = CedarJson.ParseEntityUid(request.Resource.ToJson().ToJsonString());
            var context = CedarJson.ParseContext(GenEntity.ToObject(request.Context).ToJsonString(), schema, action);
            var authorizationRequest = new AuthorizationRequest(principal, action, resource, context);
            if (schema is not null && RequestValidator.Validate(schema, authorizationRequest) is { IsEmpty: false } violations)
            {
                return Refused("request: " + string.Join("; ", violations));
            }

            response = authorizer.IsAuthorized(authorizationRequest, entities);
        }
        catch (CedarJsonException e)
        {
            return Refused("request: " + e.Message);
        }

        return new Outcome(
            true,
            true,
            response.IsAllowed ? "allow" : "deny",
            [.. response.DeterminingPolicyIds.Order(StringComparer.Ordinal)],
            [.. response.Errors.Select(e => e.PolicyId).Order(StringComparer.Ordinal)],
            string.Join("; ", response.Errors.Select(e => e.ToString())));
    }

    /// <summary>Strict validation: the ids of the policies with validation errors (Decision <c>valid</c>/<c>invalid</c>).</summary>
    private static Outcome Validate(DiffCase c)
    {
        if (!Schema.TryParse(c.SchemaText ?? "", out var schema, out var schemaError))
        {
            return Unparsed("schema: " + schemaError.Message);
        }

        if (!PolicySet.TryParse(c.PolicyText, out var policies, out var parseError))
        {
            return Unparsed(parseError.Message);
        }

        var result = Validator.Validate(schema, policies);
        var noApplicableAction = result.Errors
            .GroupBy(e => e.PolicyId)
            .Where(g => g.All(e => e.Kind == ValidationErrorKind.InvalidActionApplication))
            .Select(g => g.Key)
            .Order(StringComparer.Ordinal)
            .ToArray();
        return new Outcome(
            true,
            true,
            result.Passed ? "valid" : "invalid",
            [],
            [.. result.Errors.Select(e => e.PolicyId).Distinct().Order(StringComparer.Ordinal)],
            string.Join("; ", result.Errors.Select(e => e.ToString())),
            NoApplicableAction: noApplicableAction);
    }

    private static Outcome Unparsed(string why) => new(false, false, "", [], [], why);

    private static Outcome Refused(string why) => new(true, false, "", [], [], why);
}
