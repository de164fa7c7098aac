using System.Buffers;
using System.Collections.Immutable;
using Warden.Grains.Sessions;
using Warden.Policy.Entities;
using Warden.Policy.Extensions;
using Warden.Policy.Values;
using Warden.Sessions;

namespace Warden.Grains.Policy;

/// <summary>
/// One session's Cedar inputs that do not change from one decision to the next: the agent entity, the intent's
/// values, the sets and tags derived from the history. Building them per request was most of gate 2's cost; the
/// session grain keeps one instance for its activation and hands it to <see cref="TenantPolicy"/> with every query.
/// </summary>
/// <remarks>
/// Every entry is keyed on the identity of the immutable value it was built from (the <see cref="AgentProfile"/>,
/// the <see cref="Intent"/>, the history's <c>Actions</c>, <c>ActionCounts</c> and <c>Labels</c> arrays) and on the
/// ids it names. A new history (every decision makes one) that changed a set brings new arrays, so a cached set is
/// never served for a history it was not built from: a secret read shows up in the next decision's
/// <c>session.labels</c> exactly as without the cache. The values do not depend on the policy set, so adopting a new
/// version needs no invalidation. Not thread-safe: the owning grain is not reentrant.
/// </remarks>
internal sealed class SessionPolicyInputs
{
    private static readonly CedarValue EmptySet = CedarValue.FromSet(CedarSet.Empty);

    // The session entity's attributes, in the (ordinal) order Session passes their values.
    private static readonly CedarRecordShape SessionShape = Ordered(
        "actions", "ageSeconds", "allows", "decisions", "denials", "labels", "onBehalfOf", "promptHash", "promptId", "purpose", "task");

    private AgentProfile? _agentSource;
    private string? _agentId;
    private Entity? _agent;
    private EntityUid? _agentUid;

    private EntityUid? _resourceUid;

    private string? _sessionId;
    private EntityUid? _sessionUid;

    private Intent? _intentSource;
    private CedarValue _task;
    private CedarValue _purpose;
    private CedarValue _promptId;
    private CedarValue _promptHash;
    private CedarValue _onBehalfOf;

    private ImmutableArray<string> _actionsSource;
    private CedarValue _actions;
    private ImmutableArray<long> _countsSource;
    private ImmutableArray<string> _tagsActionsSource;
    private CedarRecordShape? _tagsShape;
    private CedarRecord? _tags;

    private ImmutableArray<string> _labelsSource;
    private CedarValue _labels;

    private Grant? _grantSource;
    private int? _grantUsesLeft;
    private CedarValue _grant;

    /// <summary>How many times an entry was (re)built; for tests of the invalidation rules.</summary>
    public int Builds { get; private set; }

    /// <summary>The Cedar principal of the session's agent.</summary>
    /// <param name="session">The session.</param>
    public EntityUid AgentUid(SessionSubject session)
    {
        if (_agentUid is null || !string.Equals(_agentId, session.AgentId, StringComparison.Ordinal))
        {
            _agent = null;
            _agentId = session.AgentId;
            _agentUid = new EntityUid(WardenBaseSchema.AgentType, session.AgentId);
        }

        return _agentUid;
    }

    /// <summary>The agent entity: its profile's attributes and its groups as parents.</summary>
    /// <param name="session">The session.</param>
    public Entity Agent(SessionSubject session)
    {
        var uid = AgentUid(session);
        if (_agent is null || !ReferenceEquals(_agentSource, session.Agent))
        {
            Builds++;
            _agentSource = session.Agent;
            _agent = new Entity(
                uid,
                CedarRecord.Create(
                [
                    new("owner", CedarValue.FromString(session.Agent.Owner)),
                    new("displayName", CedarValue.FromString(session.Agent.DisplayName)),
                    new("riskTier", CedarValue.FromString(session.Agent.RiskTier)),
                    new("labels", StringSet(session.Agent.Labels)),
                ]),
                session.Agent.Groups.IsDefaultOrEmpty ? null : session.Agent.Groups.Select(g => new EntityUid(WardenBaseSchema.AgentGroupType, g)));
        }

        return _agent;
    }

    /// <summary>The uid of a request's resource; the last one again when the session asks about the same resource.</summary>
    /// <param name="type">The resource's entity type.</param>
    /// <param name="id">Its id.</param>
    public EntityUid ResourceUid(string type, string id)
    {
        if (_resourceUid is null || !string.Equals(_resourceUid.Id, id, StringComparison.Ordinal) || !string.Equals(_resourceUid.Type, type, StringComparison.Ordinal))
        {
            _resourceUid = new EntityUid(type, id);
        }

        return _resourceUid;
    }

    /// <summary>The session's entity uid.</summary>
    /// <param name="session">The session.</param>
    public EntityUid SessionUid(SessionSubject session)
    {
        if (_sessionUid is null || !string.Equals(_sessionId, session.SessionId, StringComparison.Ordinal))
        {
            _sessionId = session.SessionId;
            _sessionUid = new EntityUid(WardenBaseSchema.SessionType, session.SessionId);
        }

        return _sessionUid;
    }

    /// <summary>The session entity as of <paramref name="now"/>: intent, age and history facts, per-action counts as tags.</summary>
    /// <param name="session">The session.</param>
    /// <param name="now">The decision time.</param>
    public Entity Session(SessionSubject session, DateTimeOffset now)
    {
        var history = session.History;
        var intent = session.Intent;
        if (!ReferenceEquals(_intentSource, intent))
        {
            Builds++;
            _intentSource = intent;
            _task = CedarValue.FromString(intent.Task);
            _purpose = CedarValue.FromString(intent.Purpose ?? string.Empty);
            _promptId = CedarValue.FromString(intent.PromptId ?? string.Empty);
            _promptHash = CedarValue.FromString(intent.PromptHash ?? string.Empty);
            _onBehalfOf = CedarValue.FromString(intent.OnBehalfOf ?? string.Empty);
        }

        // ImmutableArray equality is the identity of the underlying array: a changed history has a new one.
        if (_actionsSource != history.Actions || _actions.IsNone)
        {
            Builds++;
            _actionsSource = history.Actions;
            _actions = StringSet(history.Actions);
        }

        if (_labelsSource != history.Labels || _labels.IsNone)
        {
            Builds++;
            _labelsSource = history.Labels;
            _labels = StringSet(history.Labels);
        }

        if (_tags is null || _tagsActionsSource != history.Actions || _countsSource != history.ActionCounts)
        {
            Builds++;
            // A history's actions are sorted and distinct (ordinal), as a shape's names are, and change only when an
            // action is first allowed; its counts change with every allow. Actions in any other order (never written by
            // SessionHistory) take the general path, which pairs each name with its own count. The sources are noted
            // only once the tags are built: a build that throws leaves nothing that a later call could take as current.
            var shape = _tagsShape;
            if (_tagsActionsSource != history.Actions || _tags is null)
            {
                shape = history.Actions.IsDefaultOrEmpty ? null : new CedarRecordShape(history.Actions);
                shape = shape is not null && shape.Names.SequenceEqual(history.Actions.AsSpan()) ? shape : null;
            }

            var tags = shape is not null && history.ActionCounts.Length == shape.Count ? CountTags(shape, history.ActionCounts) : AnyTags(history);
            _tagsShape = shape;
            _tagsActionsSource = history.Actions;
            _countsSource = history.ActionCounts;
            _tags = tags;
        }

        var age = (long)Math.Max(0, (now - session.OpenedAt).TotalSeconds);
        return new Entity(
            SessionUid(session),
            SessionShape.Create(
            [
                _actions,
                CedarValue.FromLong(age),
                CedarValue.FromLong(history.Allows),
                CedarValue.FromLong(history.Decisions),
                CedarValue.FromLong(history.Denials),
                _labels,
                _onBehalfOf,
                _promptHash,
                _promptId,
                _purpose,
                _task,
            ]),
            parents: null,
            tags: _tags);
    }

    /// <summary>The <c>context.grant</c> record of the grant gate 1 found, with its uses left.</summary>
    /// <param name="grant">The grant.</param>
    /// <param name="usesLeft">Its uses left before this action; null when unlimited.</param>
    public CedarValue Grant(Grant grant, int? usesLeft)
    {
        if (_grant.IsNone || !ReferenceEquals(_grantSource, grant) || _grantUsesLeft != usesLeft)
        {
            Builds++;
            _grantSource = grant;
            _grantUsesLeft = usesLeft;
            var attributes = new List<KeyValuePair<string, CedarValue>>(5)
            {
                new("action", CedarValue.FromString(grant.Action)),
                new("expiresAt", CedarValue.FromDatetime(CedarDatetime.FromDateTimeOffset(grant.ExpiresAt))),
                new("id", CedarValue.FromString(grant.GrantId)),
                new("pattern", CedarValue.FromString(grant.Resource)),
            };
            if (usesLeft is { } left)
            {
                attributes.Add(new("usesLeft", CedarValue.FromLong(left)));
            }

            _grant = CedarValue.Record(attributes);
        }

        return _grant;
    }

    private static CedarRecord CountTags(CedarRecordShape shape, ImmutableArray<long> counts)
    {
        var values = ArrayPool<CedarValue>.Shared.Rent(counts.Length);
        try
        {
            for (var i = 0; i < counts.Length; i++)
            {
                values[i] = CedarValue.FromLong(counts[i]);
            }

            return shape.Create(values.AsSpan(0, counts.Length));
        }
        finally
        {
            ArrayPool<CedarValue>.Shared.Return(values, clearArray: true);
        }
    }

    private static CedarRecord AnyTags(SessionHistory history)
    {
        var tags = new KeyValuePair<string, CedarValue>[history.Actions.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            tags[i] = KeyValuePair.Create(history.Actions[i], CedarValue.FromLong(history.ActionCounts[i]));
        }

        return CedarRecord.Create(tags);
    }

    private static CedarRecordShape Ordered(params string[] names)
    {
        var shape = new CedarRecordShape(names);
        return shape.Names.SequenceEqual(names) ? shape : throw new InvalidOperationException("the names are not in ordinal order");
    }

    /// <summary>A set of strings; the shared empty set for none.</summary>
    /// <param name="items">The strings.</param>
    public static CedarValue StringSet(ImmutableArray<string> items)
    {
        if (items.IsDefaultOrEmpty)
        {
            return EmptySet;
        }

        var values = new CedarValue[items.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = CedarValue.FromString(items[i]);
        }

        return CedarValue.Set(values);
    }
}
