using System.Buffers;
using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
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
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

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
                if (input.Length <= WardenLimits.MaxInputJsonLength && !IsJsonObject(input))
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

    /// <summary>
    /// True when <paramref name="json"/> is exactly one well-formed JSON object (depth at most 64). A forward-only
    /// read of pooled UTF-8: no document is built, the grains parse the input themselves.
    /// </summary>
    internal static bool IsJsonObject(string json)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(json.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(json, buffer);
            var reader = new Utf8JsonReader(buffer.AsSpan(0, length), ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            // Skip reads to the object's end (every token checked); anything but whitespace after it is an error.
            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
