using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Warden.Protocol.V1;

namespace Warden.Client;

/// <summary>
/// Short factories for the request types of the Warden API (<c>using static Warden.Client.WardenModel;</c>).
/// </summary>
public static class WardenModel
{
    /// <summary>A declared task.</summary>
    public static Intent Intent(string task, string? promptId = null, string? promptHash = null, string? onBehalfOf = null, string? purpose = null) => new()
    {
        Task = task,
        Purpose = purpose ?? string.Empty,
        PromptId = promptId ?? string.Empty,
        PromptHash = promptHash ?? string.Empty,
        OnBehalfOf = onBehalfOf ?? string.Empty,
    };

    /// <summary>One action on one resource pattern (<c>Type::"id"</c>, <c>Type::*</c> or <c>*</c>).</summary>
    public static ScopeRule Rule(string action, string resourcePattern) => new() { Actions = { action }, Resources = { resourcePattern } };

    /// <summary>Several actions on several resource patterns.</summary>
    public static ScopeRule Rule(IEnumerable<string> actions, IEnumerable<string> resourcePatterns) =>
        new() { Actions = { actions }, Resources = { resourcePatterns } };

    /// <summary>A resource named like a Cedar entity, with optional attributes (serialized as JSON values).</summary>
    public static Resource Resource(string type, string id, object? attributes = null)
    {
        var resource = new Resource { Type = type, Id = id };
        if (attributes is not null)
        {
            resource.Attributes = ToStruct(attributes);
        }

        return resource;
    }

    /// <summary>Converts a JSON-serializable object (or a <see cref="Struct"/>) into a protobuf <see cref="Struct"/>.</summary>
    public static Struct ToStruct(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value switch
        {
            Struct s => s,
            string json => Struct.Parser.ParseJson(json),
            _ => Struct.Parser.ParseJson(JsonSerializer.Serialize(value)),
        };
    }

    /// <summary>
    /// Puts tool arguments on an evaluation: a <see cref="Struct"/> as is, a string as JSON text, anything else
    /// serialized to JSON with System.Text.Json.
    /// </summary>
    public static void SetArguments(EvaluateRequest request, object? arguments)
    {
        ArgumentNullException.ThrowIfNull(request);
        switch (arguments)
        {
            case null:
                break;
            case Struct s:
                request.Input = s;
                break;
            case string json:
                request.InputJson = json;
                break;
            case JsonElement element:
                request.InputJson = element.GetRawText();
                break;
            default:
                request.InputJson = JsonSerializer.Serialize(arguments);
                break;
        }
    }
}
