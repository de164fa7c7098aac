using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Text.Json;
using Warden.Policy;
using Warden.Policy.Authorization;
using Warden.Policy.Entities;
using Warden.Policy.Extensions;
using Warden.Policy.Json;
using Warden.Policy.Schemas;
using Warden.Policy.Syntax;
using Warden.Policy.Types;
using Warden.Policy.Validation;
using Warden.Policy.Values;
using Warden.Sessions;
using CedarDecision = Warden.Policy.Authorization.Decision;

namespace Warden.Grains.Policy;

/// <summary>
/// A tenant's policy set, compiled: the one seam between the grains and the Cedar engine (<c>Warden.Policy</c>).
/// Compiling parses the tenant schema together with <see cref="WardenBaseSchema"/>, parses the policies, strictly
/// validates them, and reads the tenant's entities. Evaluating builds the Cedar request from what the session knows
/// (see <c>docs/cedar-model.md</c>), checks it against the schema, and authorizes it. Immutable and thread-safe: one
/// instance serves every session of the tenant on a silo.
/// </summary>
internal sealed class TenantPolicy
{
    private const string ApprovalAnnotation = "approval";
    private const string ReasonAnnotation = "reason";
    private const int InputMaxDepth = 64;
    private static readonly EntityUid HoldAction = new(WardenBaseSchema.WardenActionType, WardenBaseSchema.HoldActionId);
    private static readonly string[] ReservedTypes = [WardenBaseSchema.AgentType, WardenBaseSchema.SessionType, WardenBaseSchema.GrantType];

    private readonly Schema _schema;
    private readonly Authorizer _authorizer;
    private readonly EntityStore _published;
    private readonly FrozenDictionary<string, PolicyInfo> _policies;
    private readonly ConcurrentDictionary<CedarType, CedarValue> _emptyInputs = new(ReferenceEqualityComparer.Instance);

    // The tenant's declared actions by id, with their Cedar uid and how to build their context: looked up once per decision.
    private readonly FrozenDictionary<string, ActionPlan> _actions;

    private TenantPolicy(string tenantId, long version, Schema schema, PolicySet policies, EntityStore published)
    {
        TenantId = tenantId;
        Version = version;
        _schema = schema;
        _authorizer = new Authorizer(policies);
        _published = published;
        _policies = policies.Policies.ToFrozenDictionary(
            p => p.Id,
            p => new PolicyInfo(
                p.AnnotatedId ?? p.Id,
                p.Effect == Effect.Forbid,
                string.Equals(p.GetAnnotation(ApprovalAnnotation), "required", StringComparison.OrdinalIgnoreCase),
                p.GetAnnotation(ReasonAnnotation)),
            StringComparer.Ordinal);
        PolicyIds = [.. policies.Policies.Select(p => p.AnnotatedId ?? p.Id)];
        _actions = schema.ActionDeclarations
            .Where(a => string.Equals(a.Type, WardenBaseSchema.TenantActionType, StringComparison.Ordinal))
            .ToFrozenDictionary(a => a.Id, a => new ActionPlan(new EntityUid(a.Type, a.Id), a), StringComparer.Ordinal);
    }

    /// <summary>The tenant.</summary>
    public string TenantId { get; }

    /// <summary>The policy set's version.</summary>
    public long Version { get; }

    /// <summary>The ids of its policies (<c>@id</c> when annotated, else <c>policy0</c>, <c>policy1</c>, …).</summary>
    public ImmutableArray<string> PolicyIds { get; }

    /// <summary>Parses and validates a tenant's documents; the compiled set, or every problem found.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="version">The version the set will have.</param>
    /// <param name="policies">Cedar policy text.</param>
    /// <param name="schema">The tenant's Cedar schema text.</param>
    /// <param name="entities">The tenant's entities JSON, or null.</param>
    public static PolicyCompilation Compile(string tenantId, long version, string policies, string schema, string? entities)
    {
        var problems = ImmutableArray.CreateBuilder<FieldViolation>();
        var parsedSchema = ParseSchema(schema, problems);
        PolicySet? parsedPolicies = null;
        if (!PolicySet.TryParse(policies ?? string.Empty, out parsedPolicies, out var parseError))
        {
            problems.Add(new FieldViolation("policies", $"line {parseError.Line}, column {parseError.Column}: {parseError.Message}"));
        }
        else
        {
            foreach (var duplicate in parsedPolicies.Policies.GroupBy(p => p.AnnotatedId ?? p.Id, StringComparer.Ordinal).Where(g => g.Count() > 1))
            {
                problems.Add(new FieldViolation("policies", $"policy id `{duplicate.Key}` is used by {duplicate.Count()} policies; ids must be unique"));
            }
        }

        if (parsedSchema is not null && parsedPolicies is not null)
        {
            var names = parsedPolicies.Policies.ToDictionary(p => p.Id, p => p.AnnotatedId ?? p.Id, StringComparer.Ordinal);
            foreach (var error in Validator.Validate(parsedSchema, parsedPolicies).Errors)
            {
                var name = names.GetValueOrDefault(error.PolicyId, error.PolicyId);
                var where = error.Line > 0 ? $" (line {error.Line}, column {error.Column})" : string.Empty;
                problems.Add(new FieldViolation("policies", $"{name}: {error.Message}{where}"));
            }
        }

        var store = parsedSchema is null ? null : ReadEntities(entities, parsedSchema, problems);
        if (problems.Count > 0 || parsedSchema is null || parsedPolicies is null || store is null)
        {
            return new PolicyCompilation(null, problems.ToImmutable());
        }

        return new PolicyCompilation(new TenantPolicy(tenantId, version, parsedSchema, parsedPolicies, store), []);
    }

    /// <summary>Gate 2: may the agent take this action now. Never throws for a request that does not fit the schema: that is <see cref="PolicyOutcome.Invalid"/>.</summary>
    /// <param name="query">The question.</param>
    public PolicyVerdict Evaluate(ActionQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var request = query.Request;

        // A query without a session's cache builds every input afresh: the same values, more work.
        var inputs = query.Session.Inputs ?? new SessionPolicyInputs();
        var resource = inputs.ResourceUid(request.Resource.Type, request.Resource.Id);
        _published.TryGetEntity(resource, out var publishedResource);
        var labels = Labels(request.Resource, publishedResource);
        if (!_actions.TryGetValue(request.Action, out var known))
        {
            return Invalid(labels, $"the action `{new EntityUid(WardenBaseSchema.TenantActionType, request.Action)}` is not declared in the tenant's schema");
        }

        var action = known.Uid;

        var resourceType = _schema.GetEntityType(request.Resource.Type);
        if (resourceType is null)
        {
            return Invalid(labels, $"the resource type `{request.Resource.Type}` is not declared in the tenant's schema");
        }

        var session = inputs.Session(query.Session, query.Now);
        Entity[] entities;
        CedarRecord context;
        try
        {
            // The request's own entities, in an array the store's overlay takes as it is (no list per decision).
            entities = publishedResource is null
                ? [inputs.Agent(query.Session), session, RequestedResource(resource, resourceType.Attributes, request.Resource.AttributesJson)]
                : [inputs.Agent(query.Session), session];

            context = ActionContext(known, request.InputJson, session.Uid, query, inputs, labels);
        }
        catch (ProjectionException ex)
        {
            return Invalid(labels, ex.Message);
        }

        return Authorize(new AuthorizationRequest(inputs.AgentUid(query.Session), action, resource, context), entities, labels);
    }

    /// <summary>Holdability: may the agent hold a grant of this action on these resources.</summary>
    /// <param name="query">The question.</param>
    public PolicyVerdict EvaluateHold(HoldQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var inputs = query.Session.Inputs ?? new SessionPolicyInputs();
        var session = inputs.Session(query.Session, query.Now);
        var grantAttributes = new List<KeyValuePair<string, CedarValue>>
        {
            new("action", CedarValue.FromString(query.Action)),
            new("resourceType", CedarValue.FromString(query.Resource.Kind == Warden.Scopes.ResourcePatternKind.Any ? "*" : query.Resource.Type)),
            new("pattern", CedarValue.FromString(query.Resource.ToString())),
        };
        if (query.MaxUses is { } maxUses)
        {
            grantAttributes.Add(new("maxUses", CedarValue.FromLong(maxUses)));
        }

        var grant = new Entity(new EntityUid(WardenBaseSchema.GrantType, $"{query.Action} on {query.Resource}"), CedarRecord.Create(grantAttributes));
        var context = CedarRecord.Create(
        [
            new("session", CedarValue.FromEntity(session.Uid)),
            new("justification", CedarValue.FromString(query.Justification)),
            new("now", Now(query.Now)),
        ]);
        return Authorize(new AuthorizationRequest(inputs.AgentUid(query.Session), HoldAction, grant.Uid, context), [inputs.Agent(query.Session), session, grant], []);
    }

    private PolicyVerdict Authorize(AuthorizationRequest request, Entity[] entities, ImmutableArray<string> labels)
    {
        // INVARIANT: only requests that conform to the schema reach the authorizer, so every attribute a validated
        // policy reads exists with its declared type and no forbid is skipped for a type error we could have caught.
        var violations = RequestValidator.Validate(_schema, request);
        if (!violations.IsEmpty)
        {
            return Invalid(labels, string.Join("; ", violations.Select(v => v.ToString())));
        }

        var response = _authorizer.IsAuthorized(request, _published.WithEntities(entities));
        var count = response.DeterminingPolicies.Count;
        var determining = count == 0 ? [] : new PolicyInfo[count];
        var displayIds = count == 0 ? [] : new string[count];
        for (var i = 0; i < count; i++)
        {
            var info = _policies[response.DeterminingPolicies[i].Id];
            determining[i] = info;
            displayIds[i] = info.DisplayId;
        }

        var ids = ImmutableCollectionsMarshal.AsImmutableArray(displayIds);

        // The common case has no evaluation errors: no diagnostics, no failed forbids, nothing to build.
        var diagnostics = response.Errors.Count == 0 ? []
            : response.Errors.Select(e => $"{_policies.GetValueOrDefault(e.PolicyId)?.DisplayId ?? e.PolicyId}: {e.Message}").ToImmutableArray();
        var failedForbids = response.Errors.Count == 0 ? []
            : response.Errors.Select(e => _policies.GetValueOrDefault(e.PolicyId)).Where(p => p is { IsForbid: true }).Select(p => p!.DisplayId).ToImmutableArray();
        if (!failedForbids.IsEmpty && (response.Decision == CedarDecision.Allow || count == 0))
        {
            // INVARIANT: fail closed where Cedar fails open. A forbid that errored is skipped by Cedar; had it
            // evaluated it might have applied, so an allow that depends on it not applying is refused.
            return new PolicyVerdict(
                PolicyOutcome.ForbidFailed,
                failedForbids,
                [],
                [new DecisionReason(ReasonCodes.PolicyError, $"forbid policies {string.Join(", ", failedForbids)} failed to evaluate")],
                diagnostics,
                labels);
        }

        if (response.Decision == CedarDecision.Allow)
        {
            var approvals = Array.Exists(determining, p => p.RequiresApproval) ? [.. determining.Where(p => p.RequiresApproval).Select(p => p.DisplayId)] : ImmutableArray<string>.Empty;
            return new PolicyVerdict(PolicyOutcome.Allow, ids, approvals, [], diagnostics, labels);
        }

        if (count > 0)
        {
            var reasons = determining
                .Where(p => p.Reason is not null)
                .Select(p => new DecisionReason(ReasonCodes.PolicyForbidden, $"{p.DisplayId}: {p.Reason}"))
                .ToImmutableArray();
            return new PolicyVerdict(PolicyOutcome.Forbidden, ids, [], reasons, diagnostics, labels);
        }

        return new PolicyVerdict(PolicyOutcome.NotPermitted, [], [], [], diagnostics, labels);
    }

    private CedarRecord ActionContext(ActionPlan plan, string? inputJson, EntityUid session, ActionQuery query, SessionPolicyInputs inputs, ImmutableArray<string> labels)
    {
        // In the declared attributes' (ordinal) order, as the record holds them; a part that throws does so in that order too.
        var values = default(ContextValues);
        var next = 0;
        foreach (var part in plan.Parts)
        {
            values[next++] = part switch
            {
                ContextPart.Input => Input(inputJson, plan.InputType!),
                ContextPart.Session => CedarValue.FromEntity(session),
                ContextPart.Grant => inputs.Grant(query.Grant, query.UsesLeft),
                ContextPart.Labels => SessionPolicyInputs.StringSet(labels),
                ContextPart.Now => Now(query.Now),
                _ => throw new ProjectionException($"context.{plan.Missing}", "is required by the schema, but Warden provides only input, session, grant, labels and now"),
            };
        }

        return plan.ContextShape.Create(((ReadOnlySpan<CedarValue>)values)[..next]);
    }

    private CedarValue Input(string? inputJson, CedarType declared)
    {
        if (string.IsNullOrWhiteSpace(inputJson))
        {
            // No tool arguments: the projection of `{}` depends only on the declared type, so it is computed once per
            // type. A type that cannot take `{}` (a required attribute) is never cached and throws every time.
            if (_emptyInputs.TryGetValue(declared, out var cached))
            {
                return cached;
            }

            var projected = Project("{}", declared);
            _emptyInputs.TryAdd(declared, projected);
            return projected;
        }

        return Project(inputJson, declared);
    }

    private static CedarValue Project(string json, CedarType declared)
    {
        // The usual tool arguments (a flat object of strings, numbers and flags) are read without a document; the
        // flat reader gives up, rather than guess, on anything it cannot be sure the document path reads alike.
        if (JsonProjection.TryProjectFlat(json, declared, InputMaxDepth, out var flat))
        {
            return flat;
        }

        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = InputMaxDepth });
        return JsonProjection.Project(document.RootElement, declared, "context.input");
    }

    private static Entity RequestedResource(EntityUid uid, RecordType declared, string? attributesJson)
    {
        if (string.IsNullOrWhiteSpace(attributesJson))
        {
            // The common case: no attributes reported. Only a type with required attributes needs them.
            var required = declared.FirstRequiredAttribute;
            return required is null ? new Entity(uid) : throw new ProjectionException($"resource.attributes.{required}", "is required by the schema");
        }

        using var document = JsonDocument.Parse(attributesJson, new JsonDocumentOptions { MaxDepth = 64 });
        return new Entity(uid, JsonProjection.Project(document.RootElement, declared, "resource.attributes").AsRecord());
    }

    /// <summary>The resource's labels: reported with the request, plus a <c>labels</c> attribute the tenant published for it.</summary>
    private static ImmutableArray<string> Labels(ResourceRef resource, Entity? published)
    {
        var reported = resource.Labels.IsDefault ? [] : resource.Labels;
        var publishedLabels = published is not null
            && published.Attributes.TryGetValue("labels", out var value)
            && value.Kind == CedarValueKind.Set
            ? value.AsSet()
            : null;
        if (reported.IsEmpty && (publishedLabels is null || publishedLabels.Count == 0))
        {
            // The common case: nothing labelled.
            return [];
        }

        var labels = new SortedSet<string>(reported, StringComparer.Ordinal);
        if (publishedLabels is not null)
        {
            foreach (var item in publishedLabels.Items)
            {
                if (item.Kind == CedarValueKind.String)
                {
                    labels.Add(item.AsString());
                }
            }
        }

        return [.. labels];
    }

    private static CedarValue Now(DateTimeOffset instant) => CedarValue.FromDatetime(CedarDatetime.FromDateTimeOffset(instant));

    private static PolicyVerdict Invalid(ImmutableArray<string> labels, string message) =>
        new(PolicyOutcome.Invalid, [], [], [new DecisionReason(ReasonCodes.RequestInvalid, message)], [], labels);

    private static Schema? ParseSchema(string tenantSchema, ImmutableArray<FieldViolation>.Builder problems)
    {
        // The tenant's text follows the base schema, so a problem past the base's last line is in the tenant's text.
        var text = string.Concat(WardenBaseSchema.Text, "\n", tenantSchema ?? string.Empty);
        if (Schema.TryParse(text, out var schema, out var error))
        {
            return schema;
        }

        var tenantLine = error.Line - WardenBaseSchema.LineCount;
        problems.Add(new FieldViolation(
            "schema",
            error.Line <= 0 ? error.Message
                : tenantLine > 0 ? $"line {tenantLine}, column {error.Column}: {error.Reason}"
                : $"conflicts with Warden's base schema: {error.Reason}"));
        return null;
    }

    private static EntityStore? ReadEntities(string? entities, Schema schema, ImmutableArray<FieldViolation>.Builder problems)
    {
        EntityStore store;
        try
        {
            // Read even when empty: with a schema, the reader adds the schema's actions with their groups as parents,
            // which `action in Action::"group"` needs.
            store = EntityStore.FromJson(string.IsNullOrWhiteSpace(entities) ? "[]" : entities, schema);
        }
        catch (Exception ex) when (ex is CedarJsonException or ArgumentException or JsonException)
        {
            problems.Add(new FieldViolation("entities", ex.Message));
            return null;
        }

        var before = problems.Count;
        foreach (var entity in store.Entities.Where(e => ReservedTypes.Contains(e.Uid.Type, StringComparer.Ordinal)))
        {
            problems.Add(new FieldViolation("entities", $"`{entity.Uid}`: Warden builds {entity.Uid.Type} entities itself; a tenant may not publish them"));
        }

        foreach (var violation in EntityValidator.Validate(schema, store.Entities))
        {
            problems.Add(new FieldViolation("entities", violation.ToString()));
        }

        return problems.Count == before ? store : null;
    }

    private sealed record PolicyInfo(string DisplayId, bool IsForbid, bool RequiresApproval, string? Reason);

    /// <summary>What Warden puts in a context attribute; <see cref="Missing"/> for a required one it cannot provide.</summary>
    private enum ContextPart
    {
        Missing,
        Input,
        Session,
        Grant,
        Labels,
        Now,
    }

    /// <summary>A declared action: its uid, and its context's attributes worked out once from the declaration.</summary>
    private sealed class ActionPlan
    {
        public ActionPlan(EntityUid uid, SchemaAction declared)
        {
            Uid = uid;
            Declared = declared;
            var parts = new List<ContextPart>();
            var names = new List<string>();
            foreach (var (name, attribute) in declared.Context.AttributeList)
            {
                var part = name switch
                {
                    "input" => ContextPart.Input,
                    "session" => ContextPart.Session,
                    "grant" => ContextPart.Grant,
                    "labels" => ContextPart.Labels,
                    "now" => ContextPart.Now,
                    _ => ContextPart.Missing,
                };
                if (part == ContextPart.Missing)
                {
                    if (!attribute.Required)
                    {
                        continue;
                    }

                    // Building the context stops here, so no later attribute is reached.
                    Missing = name;
                    parts.Add(part);
                    break;
                }

                if (part == ContextPart.Input)
                {
                    InputType = attribute.Type;
                }

                parts.Add(part);
                names.Add(name);
            }

            // The values go in the record's (ordinal) order; the schema's attribute lists are in that order already.
            ContextShape = new CedarRecordShape(names);
            if (!ContextShape.Names.SequenceEqual(names.ToArray()))
            {
                var provided = parts.Where(p => p != ContextPart.Missing).ToArray();
                var reordered = names.Select((n, i) => (Name: n, Part: provided[i])).OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => p.Part).ToList();
                if (Missing is not null)
                {
                    reordered.Add(ContextPart.Missing);
                }

                parts = reordered;
            }

            Parts = [.. parts];
        }

        public EntityUid Uid { get; }

        public SchemaAction Declared { get; }

        /// <summary>The context's attributes in ordinal order (a <see cref="ContextPart.Missing"/> one last).</summary>
        public ContextPart[] Parts { get; }

        public CedarRecordShape ContextShape { get; }

        public CedarType? InputType { get; }

        public string? Missing { get; }
    }

    /// <summary>Room for the context's values (Warden provides five kinds) without an array per decision.</summary>
    [System.Runtime.CompilerServices.InlineArray(8)]
    private struct ContextValues
    {
        private CedarValue _first;
    }
}

/// <summary>The result of compiling a tenant's documents.</summary>
/// <param name="Policy">The compiled set; null when there were problems.</param>
/// <param name="Problems">Every problem, by field (<c>policies</c>, <c>schema</c>, <c>entities</c>).</param>
internal sealed record PolicyCompilation(TenantPolicy? Policy, ImmutableArray<FieldViolation> Problems);
