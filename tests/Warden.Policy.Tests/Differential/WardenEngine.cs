using Warden.Policy.Authorization;
using Warden.Policy.Json;
using Warden.Policy.Tests.Differential.Generation;

namespace Warden.Policy.Tests.Differential;

/// <summary>Runs a case through Warden's engine, only through its public API: <c>PolicySet</c>, <c>CedarJson</c>, <c>Authorizer</c>.</summary>
internal static class WardenEngine
{
    /// <summary>One outcome per request, in request order.</summary>
    public static Outcome[] Evaluate(DiffCase c)
    {
        var outcomes = new Outcome[c.Requests.Count];
        try
        {
            if (!PolicySet.TryParse(c.PolicyText, out var policies, out var parseError))
            {
                Array.Fill(outcomes, new Outcome(false, false, "", [], [], parseError.Message));
                return outcomes;
            }

            var authorizer = new Authorizer(policies);
            Entities.EntityStore entities;
            try
            {
                entities = CedarJson.ParseEntities(c.EntitiesJson().ToJsonString());
            }
            catch (CedarJsonException e)
            {
                Array.Fill(outcomes, new Outcome(true, false, "", [], [], "entities: " + e.Message));
                return outcomes;
            }

            for (var i = 0; i < outcomes.Length; i++)
            {
                outcomes[i] = Evaluate(authorizer, entities, c.Requests[i]);
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

    private static Outcome Evaluate(Authorizer authorizer, Entities.EntityStore entities, GenRequest request)
    {
        AuthorizationResponse response;
        try
        {
            var principal = CedarJson.ParseEntityUid(request.Principal.ToJson().ToJsonString());
            var action = CedarJson.ParseEntityUid(request.Action.ToJson().ToJsonString());
            var resource = CedarJson.ParseEntityUid(request.Resource.ToJson().ToJsonString());
            var context = CedarJson.ParseContext(GenEntity.ToObject(request.Context).ToJsonString());
            response = authorizer.IsAuthorized(new AuthorizationRequest(principal, action, resource, context), entities);
        }
        catch (CedarJsonException e)
        {
            return new Outcome(true, false, "", [], [], "request: " + e.Message);
        }

        return new Outcome(
            true,
            true,
            response.IsAllowed ? "allow" : "deny",
            [.. response.DeterminingPolicyIds.Order(StringComparer.Ordinal)],
            [.. response.Errors.Select(e => e.PolicyId).Order(StringComparer.Ordinal)],
            string.Join("; ", response.Errors.Select(e => e.ToString())));
    }

    /// <summary>Parse acceptance only.</summary>
    public static Outcome Parse(string text)
    {
        try
        {
            return PolicySet.TryParse(text, out _, out var error)
                ? new Outcome(true, true, "", [], [], "")
                : new Outcome(false, false, "", [], [], error.Message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new Outcome(false, false, "", [], [], e.GetType().Name + ": " + e.Message, Crashed: true);
        }
    }
}
