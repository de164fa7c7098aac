using System.Text;
using System.Text.Json.Nodes;

namespace Warden.Policy.Tests.Differential.Generation;

/// <summary>An entity uid in the generated world.</summary>
internal sealed record GenUid(string Type, string Id)
{
    /// <summary>The JSON form <c>{"type": …, "id": …}</c>.</summary>
    public JsonObject ToJson() => new() { ["type"] = Type, ["id"] = Id };

    /// <inheritdoc />
    public override string ToString() => CedarText.Uid(this);
}

/// <summary>An entity: attributes and tags as Cedar JSON values, parents by uid.</summary>
internal sealed record GenEntity(GenUid Uid, IReadOnlyList<KeyValuePair<string, JsonNode?>> Attrs, IReadOnlyList<GenUid> Parents, IReadOnlyList<KeyValuePair<string, JsonNode?>>? Tags)
{
    /// <summary>The entity in Cedar's entity JSON format.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["uid"] = Uid.ToJson(),
            ["attrs"] = ToObject(Attrs),
            ["parents"] = new JsonArray([.. Parents.Select(p => (JsonNode)p.ToJson())]),
        };
        if (Tags is not null)
        {
            json["tags"] = ToObject(Tags);
        }

        return json;
    }

    /// <summary>A JSON object from key/value pairs (values deep-cloned; a later duplicate key wins, as the generator never makes one).</summary>
    public static JsonObject ToObject(IEnumerable<KeyValuePair<string, JsonNode?>> pairs)
    {
        var obj = new JsonObject();
        foreach (var (key, value) in pairs)
        {
            obj[key] = value?.DeepClone();
        }

        return obj;
    }
}

/// <summary>A request: principal, action, resource and a context record.</summary>
internal sealed record GenRequest(GenUid Principal, GenUid Action, GenUid Resource, IReadOnlyList<KeyValuePair<string, JsonNode?>> Context)
{
    /// <summary>The request in the oracle's JSON form.</summary>
    public JsonObject ToJson() => new()
    {
        ["principal"] = Principal.ToJson(),
        ["action"] = Action.ToJson(),
        ["resource"] = Resource.ToJson(),
        ["context"] = GenEntity.ToObject(Context),
    };
}

/// <summary>A <c>when</c> or <c>unless</c> clause.</summary>
internal sealed record GenCondition(bool When, GenExpr Body);

/// <summary>A generated policy; scope constraints are printed text (<c>principal in Group::"a"</c>).</summary>
internal sealed record GenPolicy(
    IReadOnlyList<string> Annotations,
    bool Permit,
    string Principal,
    string Action,
    string Resource,
    IReadOnlyList<GenCondition> Conditions)
{
    /// <inheritdoc />
    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var annotation in Annotations)
        {
            sb.Append(annotation).Append('\n');
        }

        sb.Append(Permit ? "permit" : "forbid").Append(" (\n  ").Append(Principal).Append(",\n  ").Append(Action).Append(",\n  ").Append(Resource).Append("\n)");
        foreach (var condition in Conditions)
        {
            sb.Append('\n').Append(condition.When ? "when" : "unless").Append(" { ").Append(condition.Body).Append(" }");
        }

        return sb.Append(';').ToString();
    }
}

/// <summary>
/// One differential case: a policy set, an entity set and a few requests against them; or, with
/// <see cref="ValidateOnly"/>, a schema and a policy set for strict validation. <see cref="RawPolicies"/>, when set,
/// replaces the printed policies (syntax cases mutate the text itself).
/// </summary>
internal sealed record DiffCase(
    string Name,
    IReadOnlyList<GenPolicy> Policies,
    IReadOnlyList<GenEntity> Entities,
    IReadOnlyList<GenRequest> Requests,
    string? RawPolicies = null,
    IReadOnlyList<string>? Schema = null,
    bool ValidateOnly = false)
{
    /// <summary>The policy text both engines read.</summary>
    public string PolicyText => RawPolicies ?? string.Join("\n\n", Policies.Select(p => p.ToString()));

    /// <summary>The schema text (Cedar format), when the case has one.</summary>
    public string? SchemaText => Schema is null ? null : string.Join("\n", Schema);

    /// <summary>How many answers the case has: one per request, or one for a validation case.</summary>
    public int AnswerCount => ValidateOnly ? 1 : Requests.Count;

    /// <summary>The entities JSON both engines read.</summary>
    public JsonArray EntitiesJson() => new([.. Entities.Select(e => (JsonNode)e.ToJson())]);

    /// <summary>The case in the oracle's protocol.</summary>
    public JsonObject ToOracleJson() => ValidateOnly
        ? new JsonObject
        {
            ["id"] = Name,
            ["op"] = "validate",
            ["policies"] = PolicyText,
            ["schema"] = SchemaText,
        }
        : new JsonObject
        {
            ["id"] = Name,
            ["op"] = "authorize",
            ["policies"] = PolicyText,
            ["schema"] = SchemaText,
            ["entities"] = EntitiesJson(),
            ["requests"] = new JsonArray([.. Requests.Select(r => (JsonNode)r.ToJson())]),
        };

    /// <summary>Everything needed to reproduce the case by hand: schema, policies, entities and requests.</summary>
    public string Describe()
    {
        var options = new System.Text.Json.JsonSerializerOptions
        {
            WriteIndented = false,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        var sb = new StringBuilder();
        if (SchemaText is not null)
        {
            sb.Append("--- schema\n").Append(SchemaText).Append('\n');
        }

        sb.Append("--- policies\n").Append(PolicyText).Append('\n');
        if (ValidateOnly)
        {
            return sb.ToString();
        }

        sb.Append("--- entities\n");
        foreach (var e in Entities)
        {
            sb.Append(e.ToJson().ToJsonString(options)).Append('\n');
        }

        sb.Append("--- requests\n");
        foreach (var r in Requests)
        {
            sb.Append(r.ToJson().ToJsonString(options)).Append('\n');
        }

        return sb.ToString();
    }
}
