using System.Collections.Immutable;
using Google.Protobuf;
using Warden.Host.Validation;
using Warden.Sessions;
using Warden.Validation;
using P = Warden.Protocol.V1;

namespace Warden.Host.Mapping;

/// <summary>An evaluate request from the wire → the grains' <see cref="EvaluationRequest"/>, with every field checked.</summary>
internal static class EvaluationMapping
{
    private static readonly JsonFormatter Json = JsonFormatter.Default;

    /// <summary>
    /// Converts and checks one request. Violations are added to <paramref name="check"/> with <paramref name="prefix"/>;
    /// the result is null when the request cannot be converted at all.
    /// </summary>
    public static EvaluationRequest? ToDomain(P.EvaluateRequest request, RequestCheck check, string prefix = "")
    {
        check.SessionId(request.SessionId, prefix + "session_id");
        if (request.Resource is null)
        {
            check.Add(prefix + "resource", "is required");
            return null;
        }

        string? attributes = null;
        if (request.Resource.Attributes is { } attrs)
        {
            attributes = Json.Format(attrs);
        }

        string? input = null;
        switch (request.ArgumentsCase)
        {
            case P.EvaluateRequest.ArgumentsOneofCase.Input:
                input = Json.Format(request.Input);
                break;
            case P.EvaluateRequest.ArgumentsOneofCase.InputJson:
                input = request.InputJson;
                if (input.Length <= WardenLimits.MaxInputJsonLength && !JsonShape.IsObject(input))
                {
                    check.Add(prefix + "input_json", "must be a JSON object");
                }

                break;
        }

        var labels = request.Resource.Labels.Count == 0 ? ImmutableArray<string>.Empty : [.. request.Resource.Labels];
        var domain = new EvaluationRequest(
            request.Action,
            new ResourceRef(request.Resource.Type, request.Resource.Id, attributes, labels),
            input,
            request.RequestId.Length == 0 ? null : request.RequestId);
        var violations = RequestValidator.Validate(domain, prefix);
        if (!violations.IsDefaultOrEmpty)
        {
            foreach (var v in violations)
            {
                // The grains call the arguments `input`; on the wire they came as `input` or `input_json`.
                var field = request.ArgumentsCase == P.EvaluateRequest.ArgumentsOneofCase.InputJson && v.Field == prefix + "input"
                    ? prefix + "input_json"
                    : v.Field;
                check.Add(field, v.Description);
            }
        }

        return domain;
    }
}
