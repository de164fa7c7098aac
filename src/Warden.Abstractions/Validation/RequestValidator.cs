using System.Collections.Immutable;
using Warden.Agents;
using Warden.Policies;
using Warden.Scopes;
using Warden.Sessions;
using Warden.Tenants;

namespace Warden.Validation;

/// <summary>
/// Shape checks for every request record: required fields, sizes, id and pattern syntax. The grains run them on
/// every call; the edge may run them first to answer <c>InvalidArgument</c> without a grain call. Field paths are
/// snake_case as in the protos. JSON payloads are checked for size here and for shape when the grain reads them.
/// </summary>
public static class RequestValidator
{
    /// <summary>Problems with a tenant creation.</summary>
    /// <param name="request">The request.</param>
    public static ImmutableArray<FieldViolation> Validate(CreateTenant request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var v = new Violations();
        v.ShortText("display_name", request.DisplayName, required: true);
        v.Actor("actor", request.Actor);
        return v.ToImmutable();
    }

    /// <summary>Problems with a status change (suspend, freeze, reactivate, retire, revoke).</summary>
    /// <param name="request">The request.</param>
    public static ImmutableArray<FieldViolation> Validate(StatusChange request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var v = new Violations();
        v.ShortText("reason", request.Reason, required: true);
        v.Actor("actor", request.Actor);
        return v.ToImmutable();
    }

    /// <summary>Problems with an operator credential request.</summary>
    /// <param name="request">The request.</param>
    public static ImmutableArray<FieldViolation> Validate(IssueOperatorCredential request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var v = new Violations();
        v.ShortText("label", request.Label, required: true);
        v.Actor("actor", request.Actor);
        return v.ToImmutable();
    }

    /// <summary>Problems with a policy publication (sizes only; parsing and validation happen on publish).</summary>
    /// <param name="request">The request.</param>
    public static ImmutableArray<FieldViolation> Validate(PublishPolicy request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var v = new Violations();
        v.Document("policies", request.Policies, required: true);
        v.Document("schema", request.Schema, required: false);
        v.Document("entities", request.Entities, required: false);
        if (request.ExpectedVersion is < 0)
        {
            v.Add("expected_version", "must not be negative");
        }

        v.Actor("actor", request.Actor);
        return v.ToImmutable();
    }

    /// <summary>Problems with an agent registration.</summary>
    /// <param name="request">The request.</param>
    public static ImmutableArray<FieldViolation> Validate(RegisterAgent request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var v = new Violations();
        if (!WardenIds.IsValidName(request.AgentId))
        {
            v.Add("agent_id", $"1-{WardenLimits.MaxIdLength} characters of [A-Za-z0-9._-], starting with a letter or digit");
        }

        v.ShortText("owner", request.Owner, required: true);
        v.ShortText("display_name", request.DisplayName, required: true);
        v.ShortText("risk_tier", request.RiskTier, required: false);
        v.Labels("labels", request.Labels);
        v.Labels("groups", request.Groups);
        if (!request.Groups.IsDefault)
        {
            for (var i = 0; i < request.Groups.Length; i++)
            {
                if (!WardenIds.IsValidName(request.Groups[i]))
                {
                    v.Add($"groups[{i}]", "a group id is 1-64 characters of [A-Za-z0-9._-], starting with a letter or digit");
                }
            }
        }

        if (request.ActionSurface.IsDefaultOrEmpty)
        {
            v.Add("action_surface", "at least one entry is required");
        }
        else if (request.ActionSurface.Length > WardenLimits.MaxScopeEntries)
        {
            v.Add("action_surface", $"at most {WardenLimits.MaxScopeEntries} entries");
        }
        else
        {
            for (var i = 0; i < request.ActionSurface.Length; i++)
            {
                var entry = request.ActionSurface[i];
                if (entry is null)
                {
                    v.Add($"action_surface[{i}]", "is required");
                    continue;
                }

                if (entry.Action != ActionNames.Any && !ActionNames.IsValid(entry.Action))
                {
                    v.Add($"action_surface[{i}].action", "an action name (1-128 characters of [A-Za-z0-9_.:/-]) or *");
                }

                v.Pattern($"action_surface[{i}].resource", entry.Resource);
            }
        }

        v.Actor("actor", request.Actor);
        return v.ToImmutable();
    }

    /// <summary>Problems with a session opening.</summary>
    /// <param name="request">The request.</param>
    /// <param name="maxTtl">The configured TTL cap; a longer TTL is an error rather than silently shortened.</param>
    public static ImmutableArray<FieldViolation> Validate(OpenSession request, TimeSpan maxTtl)
    {
        ArgumentNullException.ThrowIfNull(request);
        var v = new Violations();
        if (request.Intent is null)
        {
            v.Add("intent", "is required");
        }
        else
        {
            v.LongText("intent.task", request.Intent.Task, required: true);
            v.ShortText("intent.purpose", request.Intent.Purpose, required: false);
            v.ShortText("intent.prompt_id", request.Intent.PromptId, required: false);
            v.ShortText("intent.prompt_hash", request.Intent.PromptHash, required: false);
            v.ShortText("intent.on_behalf_of", request.Intent.OnBehalfOf, required: false);
        }

        v.Scope("requested_scope", request.RequestedScope, required: false);
        v.Ttl("ttl", request.Ttl, maxTtl);
        return v.ToImmutable();
    }

    /// <summary>Problems with a grant request.</summary>
    /// <param name="request">The request.</param>
    public static ImmutableArray<FieldViolation> Validate(GrantRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var v = new Violations();
        v.Scope("scope", request.Scope, required: true);
        v.LongText("justification", request.Justification, required: true);
        v.Ttl("ttl", request.Ttl, TimeSpan.MaxValue);
        return v.ToImmutable();
    }

    /// <summary>Problems with an evaluation request (sizes and syntax; JSON shape is checked when read).</summary>
    /// <param name="request">The request.</param>
    /// <param name="prefix">A prefix for field paths (e.g. <c>requests[3].</c>); empty for a single request.</param>
    public static ImmutableArray<FieldViolation> Validate(EvaluationRequest request, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(prefix);
        var v = new Violations();
        if (!ActionNames.IsValid(request.Action))
        {
            v.Add(prefix + "action", "an action name: 1-128 characters of [A-Za-z0-9_.:/-]");
        }

        if (request.Resource is null)
        {
            v.Add(prefix + "resource", "is required");
        }
        else
        {
            if (!ResourceTypes.IsValid(request.Resource.Type))
            {
                v.Add(prefix + "resource.type", "a Cedar entity type path such as Doc or Reports::Doc");
            }

            if (string.IsNullOrEmpty(request.Resource.Id))
            {
                v.Add(prefix + "resource.id", "is required");
            }
            else if (request.Resource.Id.Length > WardenLimits.MaxResourceIdLength)
            {
                v.Add(prefix + "resource.id", $"at most {WardenLimits.MaxResourceIdLength} characters");
            }

            if (request.Resource.AttributesJson is { Length: > WardenLimits.MaxAttributesJsonLength })
            {
                v.Add(prefix + "resource.attributes", $"at most {WardenLimits.MaxAttributesJsonLength} characters of JSON");
            }

            v.Labels(prefix + "resource.labels", request.Resource.Labels);
        }

        if (request.InputJson is { Length: > WardenLimits.MaxInputJsonLength })
        {
            v.Add(prefix + "input", $"at most {WardenLimits.MaxInputJsonLength} characters of JSON");
        }

        v.ShortText(prefix + "request_id", request.RequestId, required: false);
        return v.ToImmutable();
    }

    /// <summary>Problems with an approval decision.</summary>
    /// <param name="request">The request.</param>
    public static ImmutableArray<FieldViolation> Validate(ApprovalDecision request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var v = new Violations();
        v.ShortText("approval_id", request.ApprovalId, required: true);
        v.ShortText("note", request.Note, required: true);
        return v.ToImmutable();
    }

    private sealed class Violations
    {
        private ImmutableArray<FieldViolation>.Builder? _items;

        public void Add(string field, string description) =>
            (_items ??= ImmutableArray.CreateBuilder<FieldViolation>()).Add(new FieldViolation(field, description));

        public ImmutableArray<FieldViolation> ToImmutable() => _items?.ToImmutable() ?? [];

        public void ShortText(string field, string? value, bool required) => Text(field, value, required, WardenLimits.MaxShortTextLength);

        public void LongText(string field, string? value, bool required) => Text(field, value, required, WardenLimits.MaxLongTextLength);

        public void Document(string field, string? value, bool required) => Text(field, value, required, WardenLimits.MaxPolicyDocumentLength);

        public void Actor(string field, Caller? actor)
        {
            if (actor is null)
            {
                Add(field, "is required");
            }
            else
            {
                ShortText(field + ".id", actor.Id, required: true);
            }
        }

        public void Labels(string field, ImmutableArray<string> labels)
        {
            if (labels.IsDefaultOrEmpty)
            {
                return;
            }

            if (labels.Length > WardenLimits.MaxLabels)
            {
                Add(field, $"at most {WardenLimits.MaxLabels} entries");
                return;
            }

            for (var i = 0; i < labels.Length; i++)
            {
                Text($"{field}[{i}]", labels[i], required: true, WardenLimits.MaxShortTextLength);
            }
        }

        public void Pattern(string field, string? pattern)
        {
            if (!ResourcePattern.TryParse(pattern, out _, out var error))
            {
                Add(field, error);
            }
        }

        public void Scope(string field, ImmutableArray<ScopeRequest> scope, bool required)
        {
            if (scope.IsDefaultOrEmpty)
            {
                if (required)
                {
                    Add(field, "at least one entry is required");
                }

                return;
            }

            if (scope.Length > WardenLimits.MaxScopeEntries)
            {
                Add(field, $"at most {WardenLimits.MaxScopeEntries} entries");
                return;
            }

            for (var i = 0; i < scope.Length; i++)
            {
                var entry = scope[i];
                if (entry is null)
                {
                    Add($"{field}[{i}]", "is required");
                    continue;
                }

                if (!ActionNames.IsValid(entry.Action))
                {
                    Add($"{field}[{i}].action", "an action name: 1-128 characters of [A-Za-z0-9_.:/-] (no wildcard in a request)");
                }

                Pattern($"{field}[{i}].resource", entry.Resource);
                if (entry.MaxUses is < 1)
                {
                    Add($"{field}[{i}].max_uses", "must be at least 1 when set");
                }
            }
        }

        public void Ttl(string field, TimeSpan? ttl, TimeSpan max)
        {
            if (ttl is not { } value)
            {
                return;
            }

            if (value <= TimeSpan.Zero)
            {
                Add(field, "must be positive");
            }
            else if (value > max)
            {
                Add(field, $"at most {max}");
            }
        }

        private void Text(string field, string? value, bool required, int max)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                if (required)
                {
                    Add(field, "is required");
                }
            }
            else if (value.Length > max)
            {
                Add(field, $"at most {max} characters");
            }
        }
    }
}
