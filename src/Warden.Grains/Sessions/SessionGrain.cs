using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Warden.Events;
using Warden.Grains.Agents;
using Warden.Grains.Diagnostics;
using Warden.Grains.Events;
using Warden.Grains.Hosting;
using Warden.Grains.Lineage;
using Warden.Grains.Options;
using Warden.Grains.Persistence;
using Warden.Grains.Policy;
using Warden.Grains.Revocation;
using Warden.Grains.Scopes;
using Warden.Grains.Tenants;
using Warden.Scopes;
using Warden.Sessions;
using Warden.Tenants;
using Warden.Validation;

namespace Warden.Grains.Sessions;

/// <summary>
/// One session: the single decision point of its task. Not reentrant (and it must never be): calls run one at a
/// time, so a decision sees every earlier decision's history, and a revocation runs after the evaluations already in
/// flight and before every later one.
/// </summary>
[GrainType(GrainTypes.Session)]
internal sealed partial class SessionGrain(
    [DirectPersistentState(GrainTypes.StateNames.Session, WardenStreams.ProviderName)] IPersistentState<SessionState> state,
    TimeProvider clock,
    PolicyCache policies,
    IOptions<SessionOptions> options,
    ILogger<SessionGrain> logger) : Grain, ISessionGrain, ISessionControl, IRemindable
{
    private const string ExpiryReminder = "warden.session.expiry";

    private readonly SessionOptions _options = options.Value;
    private readonly Queue<SessionEvent> _recent = new();
    private readonly Dictionary<string, ResourcePattern> _grantPatterns = new(StringComparer.Ordinal);
    private readonly ImmutableArray<DecisionReason>.Builder _reasons = ImmutableArray.CreateBuilder<DecisionReason>();
    private string? _tenantId;
    private string? _sessionId;
    private TenantPolicy? _policy;
    private SessionPolicyInputs? _policyInputs;
    private IGrainTimer? _expiryTimer;
    private EventPublisher? _events;
    private LineageRecorder? _lineage;
    private bool _lineageResolved;
    private RevocationGate? _revocations;
    private AllowedReasonCache? _lastAllowed;
    private Caller? _actorCaller;
    private string? _actor;

    private SessionState State => state.State;

    private string Key => this.GetPrimaryKeyString();

    private string TenantId => _tenantId ?? throw new InvalidOperationException("Malformed session key.");

    private string SessionId => _sessionId ?? throw new InvalidOperationException("Malformed session key.");

    private EventPublisher Events => _events ??= EventPublisher.ForSession(this, TenantId, SessionId, logger);

    /// <summary>This silo's revocation table, as the decision path checks it (see <see cref="RevocationGate"/>).</summary>
    private RevocationGate Revocations => _revocations ??= RevocationGate.For(ServiceProvider);

    /// <summary>The silo's lineage recorder; null when lineage is off.</summary>
    private LineageRecorder? Lineage
    {
        get
        {
            if (!_lineageResolved)
            {
                _lineage = ServiceProvider.GetService(typeof(LineageRecorder)) as LineageRecorder;
                _lineageResolved = true;
            }

            return _lineage;
        }
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!WardenIds.TrySplitKey(Key, out var tenant, out var session) || !WardenIds.IsValidName(tenant) || !WardenIds.IsValidSessionId(session))
        {
            return;
        }

        _tenantId = tenant;
        _sessionId = session;
        if (State.Status != SessionStatus.Open)
        {
            return;
        }

        // INVARIANT: the history is caught up from the session's lineage journal before anything is decided or persisted,
        // so a new event's sequence follows the last one the agent was told about. A failed replay does not fail the
        // activation: the session denies every evaluation with the reason until a replay succeeds.
        var replayed = await ReplayJournalAsync(cancellationToken);

        // INVARIANT: a session coming back from storage re-checks its agent and tenant before it serves any call. A
        // suspension or freeze persists its status before its fan-out, so a session the fan-out has not reached yet
        // (or never reaches: the silo died) revokes itself here. Failure to ask fails the activation: nothing allows.
        var snapshot = await GrainFactory.GetGrain<ITenantControl>(TenantId).GetSnapshotAsync();
        var agentStatus = await GrainFactory.GetGrain<IAgentControl>(WardenIds.AgentKey(TenantId, State.AgentId)).GetStatusAsync();
        if (snapshot.Status != TenantStatus.Active)
        {
            WardenLog.SessionRevokedOnActivation(logger, Key, "tenant frozen");
            await EndAsync(SessionStatus.Revoked, $"tenant frozen: {snapshot.StatusReason}", Caller.System.ToString(), Warden.RevocationScope.Tenant, notifyAgent: true);
            return;
        }

        if (agentStatus != Warden.Agents.AgentStatus.Active)
        {
            WardenLog.SessionRevokedOnActivation(logger, Key, "agent " + agentStatus.ToString().ToLowerInvariant());
            await EndAsync(SessionStatus.Revoked, $"agent {agentStatus.ToString().ToLowerInvariant()}", Caller.System.ToString(), RevocationScope.Agent, notifyAgent: true);
            return;
        }

        if (replayed)
        {
            await AdoptAsync(Math.Max(snapshot.PolicyVersion, State.PolicyVersion));
        }
        else
        {
            _pendingAdoption = Math.Max(snapshot.PolicyVersion, State.PolicyVersion);
        }

        ArmExpiryTimer();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await WriteBehindOnDeactivationAsync(cancellationToken);
        if (_events is not null)
        {
            await _events.FlushAsync().WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        }
    }

    public async Task<Outcome<SessionOpened>> StartAsync(SessionStart start)
    {
        ArgumentNullException.ThrowIfNull(start);
        if (_sessionId is null)
        {
            return CallError.InvalidArgument("session_id", "malformed session key");
        }

        if (State.Status != SessionStatus.None)
        {
            return CallError.AlreadyExists($"session {SessionId} exists");
        }

        var request = start.Request;
        if (RequestValidator.Validate(request, _options.MaxTtl) is { IsDefaultOrEmpty: false } violations)
        {
            return CallError.InvalidArgument(violations);
        }

        var snapshot = await GrainFactory.GetGrain<ITenantControl>(TenantId).GetSnapshotAsync();
        if (snapshot.Status != TenantStatus.Active)
        {
            return snapshot.Status == TenantStatus.None
                ? CallError.NotFound($"tenant {TenantId}")
                : CallError.FailedPrecondition($"{ReasonCodes.TenantFrozen}: tenant {TenantId} is frozen");
        }

        _policy = snapshot.PolicyVersion == 0 ? null : await policies.GetAsync(TenantId, snapshot.PolicyVersion);
        state.State = State with { AgentId = start.AgentId, Agent = start.Agent };

        // INVARIANT: the reminder exists before the session is persisted as open, so no open session lacks a durable
        // closer; a reminder of a session that never opened finds it not open and unregisters itself.
        await this.RegisterOrUpdateReminder(ExpiryReminder, Positive(start.ExpiresAt - start.OpenedAt + _options.ReminderDelay), _options.ReminderPeriod);

        var actor = Caller.Agent(TenantId, start.AgentId).ToString();
        var events = new List<SessionEvent>();
        Append(events, new SessionOpenedEvent
        {
            TenantId = TenantId,
            SessionId = SessionId,
            AgentId = start.AgentId,
            Sequence = State.NextSequence,
            At = start.OpenedAt,
            Actor = actor,
            Intent = request.Intent,
            RequestedScope = request.RequestedScope.IsDefault ? [] : request.RequestedScope,
            ExpiresAt = start.ExpiresAt,
            PolicyVersion = _policy?.Version ?? 0,
        });
        var issued = IssueScope(events, request.RequestedScope.IsDefault ? [] : request.RequestedScope, request.Intent.Task, ttl: null, GrantOrigin.SessionOpen, actor, start.OpenedAt);
        await state.WriteStateAsync();

        ArmExpiryTimer();
        await PublishAsync(events);
        NotifyApprovals(issued.Pending);
        WardenLog.SessionOpened(logger, Key, start.AgentId, issued.Issued.Length, issued.Refused.Length, issued.Pending.Length, start.ExpiresAt);
        return new SessionOpened(SessionId, start.OpenedAt, start.ExpiresAt, issued.Issued, issued.Refused, issued.Pending, _policy?.Version ?? 0);
    }

    public async ValueTask<Outcome<Decision>> EvaluateAsync(Caller caller, EvaluationRequest request)
    {
        if (Access(caller, agent: true, @operator: false) is { } denied)
        {
            return denied;
        }

        if (request is null)
        {
            return CallError.InvalidArgument("request", "is required");
        }

        if (Validate(request, string.Empty) is { IsDefaultOrEmpty: false } violations)
        {
            return CallError.InvalidArgument(violations);
        }

        var events = new List<SessionEvent>(2);
        var decision = Decide(events, request, Actor(caller), clock.GetUtcNow());
        var committed = await CommitDecisionsAsync(events, [decision], [request]) is { } failed ? failed[0] : decision;
        return Revocations.Seal(TenantId, State.AgentId, SessionId, committed);
    }

    public async Task<Outcome<ImmutableArray<Decision>>> EvaluateManyAsync(Caller caller, ImmutableArray<EvaluationRequest> requests)
    {
        if (Access(caller, agent: true, @operator: false) is { } denied)
        {
            return denied;
        }

        if (requests.IsDefaultOrEmpty)
        {
            return CallError.InvalidArgument("requests", "at least one request is required");
        }

        if (requests.Length > _options.MaxBatchSize)
        {
            return CallError.InvalidArgument("requests", $"at most {_options.MaxBatchSize} requests per call");
        }

        var violations = ImmutableArray.CreateBuilder<FieldViolation>();
        for (var i = 0; i < requests.Length; i++)
        {
            if (requests[i] is null)
            {
                violations.Add(new FieldViolation($"requests[{i}]", "is required"));
            }
            else
            {
                violations.AddRange(Validate(requests[i], $"requests[{i}]."));
            }
        }

        if (violations.Count > 0)
        {
            return CallError.InvalidArgument(violations.ToImmutable());
        }

        var events = new List<SessionEvent>(requests.Length + 1);
        var actor = Actor(caller);
        var now = clock.GetUtcNow();
        var decisions = ImmutableArray.CreateBuilder<Decision>(requests.Length);
        foreach (var request in requests)
        {
            decisions.Add(Decide(events, request, actor, now));
        }

        var result = decisions.MoveToImmutable();
        var committed = await CommitDecisionsAsync(events, result, requests) is { } failed ? failed : result;
        return Revocations.Seal(TenantId, State.AgentId, SessionId, committed);
    }

    public async Task<Outcome<GrantRequestResult>> RequestGrantAsync(Caller caller, GrantRequest request)
    {
        if (Access(caller, agent: true, @operator: false) is { } denied)
        {
            return denied;
        }

        if (request is null)
        {
            return CallError.InvalidArgument("request", "is required");
        }

        if (RequestValidator.Validate(request) is { IsDefaultOrEmpty: false } violations)
        {
            return CallError.InvalidArgument(violations);
        }

        var now = clock.GetUtcNow();
        if (EndedOrExpired(now) is { } ended)
        {
            return CallError.FailedPrecondition($"{ended.Code}: {ended.Message}");
        }

        var events = new List<SessionEvent>();
        var result = IssueScope(events, request.Scope, request.Justification, request.Ttl, GrantOrigin.Request, caller.ToString(), now);
        await PersistOrReloadAsync();
        await PublishAsync(events);
        NotifyApprovals(result.Pending);
        return result;
    }

    public Task<Outcome<ApprovalInfo>> GetApprovalAsync(Caller caller, string approvalId)
    {
        if (Access(caller, agent: true, @operator: true) is { } denied)
        {
            return Task.FromResult<Outcome<ApprovalInfo>>(denied);
        }

        return Task.FromResult(FindApproval(approvalId) is { } approval
            ? Outcome<ApprovalInfo>.Ok(View(approval, clock.GetUtcNow()))
            : CallError.NotFound($"approval {approvalId} in session {_sessionId}"));
    }

    public async Task<Outcome<ApprovalInfo>> DecideApprovalAsync(Caller caller, ApprovalDecision decision)
    {
        if (Access(caller, agent: false, @operator: true) is { } denied)
        {
            return denied;
        }

        if (decision is null)
        {
            return CallError.InvalidArgument("decision", "is required");
        }

        if (RequestValidator.Validate(decision) is { IsDefaultOrEmpty: false } violations)
        {
            return CallError.InvalidArgument(violations);
        }

        if (FindApproval(decision.ApprovalId) is not { } approval)
        {
            return CallError.NotFound($"approval {decision.ApprovalId} in session {SessionId}");
        }

        var now = clock.GetUtcNow();
        if (approval.Status != ApprovalStatus.Pending)
        {
            return CallError.FailedPrecondition($"approval {approval.ApprovalId} is already {approval.Status.ToString().ToLowerInvariant()}");
        }

        if (EndedOrExpired(now) is { } ended)
        {
            return CallError.FailedPrecondition($"{ended.Code}: {ended.Message}");
        }

        if (now >= approval.ExpiresAt)
        {
            return CallError.FailedPrecondition($"approval {approval.ApprovalId} expired at {approval.ExpiresAt:O}");
        }

        var actor = caller.ToString();
        var events = new List<SessionEvent>();
        var updated = approval with { DecidedAt = now, DecidedBy = actor, DecisionNote = decision.Note };
        if (!decision.Approve)
        {
            updated = updated with { Status = ApprovalStatus.Denied };
        }
        else if (approval.Kind == ApprovalKind.Action)
        {
            updated = updated with { Status = ApprovalStatus.Approved };
        }
        else if (StillHoldable(approval, now) is { } refusal)
        {
            // INVARIANT: an approval never outranks the policy in force now; if the tenant has since forbidden holding
            // it, approving cannot issue it.
            updated = updated with { Status = ApprovalStatus.Denied, DecisionNote = $"{decision.Note} (not issued: {refusal})" };
        }
        else
        {
            var grant = new Grant(
                $"g{State.Grants.Length + 1}", approval.Action, approval.Resource, now, State.ExpiresAt, approval.MaxUses, GrantOrigin.Approval, approval.ApprovalId);
            Append(events, new GrantIssuedEvent { TenantId = TenantId, SessionId = SessionId, AgentId = State.AgentId, Sequence = State.NextSequence, At = now, Actor = actor, Grant = grant });
            updated = updated with { Status = ApprovalStatus.Approved, GrantId = grant.GrantId };
        }

        Append(events, new ApprovalDecidedEvent { TenantId = TenantId, SessionId = SessionId, AgentId = State.AgentId, Sequence = State.NextSequence, At = now, Actor = actor, Approval = updated });
        await PersistOrReloadAsync();
        await PublishAsync(events);
        NotifyApprovals([updated]);
        WardenLog.ApprovalDecided(logger, Key, updated.ApprovalId, updated.Status, actor);
        return updated;
    }

    public async Task<Outcome<SessionInfo>> CloseAsync(Caller caller)
    {
        if (Access(caller, agent: true, @operator: false) is { } denied)
        {
            return denied;
        }

        if (State.Status == SessionStatus.Open)
        {
            await EndAsync(SessionStatus.Closed, "closed by its agent", caller.ToString(), scope: null, notifyAgent: true);
        }

        return ToInfo(clock.GetUtcNow());
    }

    public async Task<Outcome<RevocationReceipt>> RevokeAsync(Caller caller, string reason)
    {
        if (Access(caller, agent: false, @operator: true) is { } denied)
        {
            return denied;
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            return CallError.InvalidArgument("reason", "is required");
        }

        if (reason.Length > WardenLimits.MaxShortTextLength)
        {
            return CallError.InvalidArgument("reason", $"at most {WardenLimits.MaxShortTextLength} characters");
        }

        var actor = caller.ToString();
        var effectiveAt = clock.GetUtcNow();
        var revoked = 0;
        if (State.Status == SessionStatus.Open)
        {
            // INVARIANT: this grain is the one activation that decides for the session, and it persists Revoked (with its
            // lineage record, durably in durable lineage mode) before it answers: a later activation on any silo loads
            // Revoked from storage. No other silo needs telling, so a session revoke takes no cluster fan-out.
            await EndAsync(SessionStatus.Revoked, reason, actor, RevocationScope.Session, notifyAgent: true);
            revoked = 1;
        }

        // The revocation was persisted above (EndAsync writes before it returns); the receipt's event is for observers
        // and does not wait for stream delivery; the agent's registry hears of it one-way (IAgentControl.SessionEndedAsync).
        var receipt = new RevocationReceipt(RevocationScope.Session, TenantId, SessionId, reason, actor, revoked, effectiveAt, clock.GetUtcNow());
        Events.Enqueue([new RevocationCompletedEvent { TenantId = TenantId, At = receipt.CompletedAt, Actor = actor, Receipt = receipt }]);
        return RevocationGate.Returning(ServiceProvider, receipt);
    }

    public Task<Outcome<SessionInfo>> GetAsync(Caller caller) =>
        Task.FromResult(Access(caller, agent: true, @operator: true) is { } denied
            ? denied
            : Outcome<SessionInfo>.Ok(Revocations.View(ToInfo(clock.GetUtcNow()))));

    public Task<Outcome<SessionHistoryView>> GetHistoryAsync(Caller caller) =>
        Task.FromResult(Access(caller, agent: true, @operator: true) is { } denied
            ? denied
            : Outcome<SessionHistoryView>.Ok(new SessionHistoryView([.. _recent], State.History.ToFacts(), State.History.LastSequence)));

    public async Task<bool> TerminateAsync(Termination termination)
    {
        ArgumentNullException.ThrowIfNull(termination);
        if (_sessionId is null)
        {
            return false;
        }

        if (State.Status == SessionStatus.None)
        {
            // INVARIANT: a session its agent recorded but that never started is tombstoned as revoked, so a start
            // message still in flight can no longer open it after the revocation was acknowledged.
            state.State = State with
            {
                Status = SessionStatus.Revoked,
                EndedAt = clock.GetUtcNow(),
                EndReason = Describe(termination),
                EndedBy = termination.Actor,
                RevocationScope = termination.Scope,
            };
            await state.WriteStateAsync();
            return false;
        }

        if (State.Status != SessionStatus.Open)
        {
            return false;
        }

        // INVARIANT: the revocation is persisted before this call returns (EndAsync writes state first), so the
        // acknowledgement the agent or tenant waits for means "revoked, durably".
        await EndAsync(SessionStatus.Revoked, Describe(termination), termination.Actor, termination.Scope, notifyAgent: false);
        return true;
    }

    public async Task AdoptPolicyAsync(long version)
    {
        if (_sessionId is null || State.Status != SessionStatus.Open)
        {
            return;
        }

        await AdoptAsync(version);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ExpiryReminder)
        {
            return;
        }

        if (State.Status == SessionStatus.Open)
        {
            if (clock.GetUtcNow() >= State.ExpiresAt)
            {
                await EndAsync(SessionStatus.Expired, "expired", Caller.System.ToString(), scope: null, notifyAgent: true);
            }

            return;
        }

        await UnregisterReminderAsync();
    }

    /// <summary>Makes one decision: gate 1 (session, agent, tenant, grant), then gate 2 (Cedar). Never throws.</summary>
    private Decision Decide(List<SessionEvent> events, EvaluationRequest request, string actor, DateTimeOffset now)
    {
        Grant? grant = null;
        PolicyVerdict? verdict = null;
        ApprovalInfo? consumed = null;
        DecisionEffect effect;
        string? approvalId = null;

        // One builder per activation, emptied per decision (Decide is synchronous and the grain is not reentrant); an
        // allow takes its reasons from the last allow when they are the same (AllowedReasons).
        var reasons = _reasons;
        reasons.Clear();
        var allowReasons = default(ImmutableArray<DecisionReason>);
        try
        {
            if (EndedOrExpired(now) is { } ended)
            {
                effect = Deny(reasons, ended);
            }
            else if (FindGrant(request, now, out grant, out var usesLeft) is { } noGrant)
            {
                effect = Deny(reasons, noGrant);
            }
            else if (_policy is null)
            {
                effect = Deny(reasons, new DecisionReason(ReasonCodes.NoPolicy, $"tenant {TenantId} has no published policy set"));
            }
            else
            {
                verdict = _policy.Evaluate(new ActionQuery(Subject(_policyInputs ??= new SessionPolicyInputs()), request, grant!, usesLeft, now));
                switch (verdict.Outcome)
                {
                    case PolicyOutcome.Allow when verdict.RequiresApproval:
                        (effect, approvalId, consumed) = ResolveActionApproval(events, request, verdict, reasons, actor, now);
                        break;
                    case PolicyOutcome.Allow:
                        effect = DecisionEffect.Allow;
                        allowReasons = AllowedReasons(grant!, verdict.DeterminingPolicies);
                        break;
                    case PolicyOutcome.Forbidden:
                        effect = DecisionEffect.Deny;
                        reasons.Add(new DecisionReason(ReasonCodes.PolicyForbidden, $"forbidden by {string.Join(", ", verdict.DeterminingPolicies)}"));
                        reasons.AddRange(verdict.Reasons);
                        break;
                    case PolicyOutcome.ForbidFailed:
                        effect = DecisionEffect.Deny;
                        reasons.AddRange(verdict.Reasons);
                        break;
                    case PolicyOutcome.Invalid:
                        effect = DecisionEffect.Deny;
                        reasons.Add(new DecisionReason(ReasonCodes.RequestInvalid, "the request does not fit the tenant's schema"));
                        reasons.AddRange(verdict.Reasons);
                        break;
                    default:
                        effect = DecisionEffect.Deny;
                        reasons.Add(new DecisionReason(ReasonCodes.PolicyNotPermitted, "no policy permits it"));
                        reasons.AddRange(verdict.Reasons);
                        break;
                }
            }
        }
        catch (Exception ex)
        {
            // INVARIANT: any failure inside the gates is a recorded deny, never an allow and never a lost decision.
            WardenLog.DecisionFailed(logger, ex, Key, request.Action);
            reasons.Clear();
            allowReasons = default;
            verdict = null;
            consumed = null;
            approvalId = null;
            effect = Deny(reasons, new DecisionReason(ReasonCodes.InternalError, "the decision failed inside Warden: " + ex.GetType().Name));
        }

        var sequence = State.NextSequence;
        var decision = new Decision(
            $"{SessionId}.{sequence}",
            effect,
            allowReasons.IsDefault ? reasons.ToImmutable() : allowReasons,
            verdict?.DeterminingPolicies ?? [],
            grant?.GrantId,
            approvalId,
            verdict is null ? 0 : _policy?.Version ?? 0,
            now,
            sequence,
            verdict?.Diagnostics ?? [],
            request.RequestId);

        // The grant id stays on a deny for the record; the history counts a use only on an allow.
        Append(events, new DecisionEvent
        {
            TenantId = TenantId,
            SessionId = SessionId,
            AgentId = State.AgentId,
            Sequence = sequence,
            At = now,
            Actor = actor,
            Action = request.Action,
            ResourceType = request.Resource.Type,
            ResourceId = request.Resource.Id,
            Labels = verdict?.Labels ?? (request.Resource.Labels.IsDefault ? [] : request.Resource.Labels),
            InputDigest = InputDigest.Of(request.InputJson),
            Decision = decision,
        });

        if (consumed is not null)
        {
            Append(events, new ApprovalDecidedEvent
            {
                TenantId = TenantId,
                SessionId = SessionId,
                AgentId = State.AgentId,
                Sequence = State.NextSequence,
                At = now,
                Actor = actor,
                Approval = consumed with { Status = ApprovalStatus.Consumed },
            });
        }

        return decision;
    }

    /// <summary>
    /// The caller as events record it (<see cref="Caller.ToString"/>). A session is called by its one agent decision
    /// after decision, so the last caller's text is kept while the next caller is equal to it (kind, id and tenant).
    /// </summary>
    private string Actor(Caller caller)
    {
        if (_actor is null || _actorCaller is not { } last || !last.Equals(caller))
        {
            _actorCaller = caller;
            _actor = caller.ToString();
        }

        return _actor;
    }

    /// <summary>
    /// The reasons of an allow: the grant and the permitting policies. A busy session allows the same action under the
    /// same grant and policies decision after decision, so the last ones are reused while both are the same (the
    /// array is immutable, so decisions may share it).
    /// </summary>
    private ImmutableArray<DecisionReason> AllowedReasons(Grant grant, ImmutableArray<string> policies)
    {
        if (_lastAllowed is not { } last
            || !string.Equals(last.GrantId, grant.GrantId, StringComparison.Ordinal)
            || !last.Policies.AsSpan().SequenceEqual(policies.AsSpan()))
        {
            last = new AllowedReasonCache(grant.GrantId, policies, [new DecisionReason(ReasonCodes.Allowed, $"grant {grant.GrantId} and policies {string.Join(", ", policies)}")]);
            _lastAllowed = last;
        }

        return last.Reasons;
    }

    /// <summary>Policy permits only with approval: use an approval for these exact arguments, or ask for one.</summary>
    private (DecisionEffect Effect, string? ApprovalId, ApprovalInfo? Consumed) ResolveActionApproval(
        List<SessionEvent> events, EvaluationRequest request, PolicyVerdict verdict, ImmutableArray<DecisionReason>.Builder reasons, string actor, DateTimeOffset now)
    {
        var resource = ResourcePattern.Exact(request.Resource.Type, request.Resource.Id).ToString();
        var digest = InputDigest.Of(request.InputJson);
        var matching = State.Approvals
            .Where(a => a.Kind == ApprovalKind.Action && a.Action == request.Action && a.Resource == resource && a.InputDigest == digest)
            .ToList();
        if (matching.FirstOrDefault(a => a.Status == ApprovalStatus.Approved && now < a.ExpiresAt) is { } approved)
        {
            reasons.Add(new DecisionReason(ReasonCodes.ApprovalGranted, $"approved by {approved.DecidedBy}: {approved.DecisionNote}"));
            return (DecisionEffect.Allow, approved.ApprovalId, approved);
        }

        if (matching.FirstOrDefault(a => a.Status == ApprovalStatus.Pending && now < a.ExpiresAt) is { } pending)
        {
            reasons.Add(new DecisionReason(ReasonCodes.ApprovalPending, $"waiting for an operator on {pending.ApprovalId}"));
            return (DecisionEffect.ApprovalRequired, pending.ApprovalId, null);
        }

        if (matching.LastOrDefault(a => a.Status == ApprovalStatus.Denied) is { } refused)
        {
            reasons.Add(new DecisionReason(ReasonCodes.ApprovalDenied, $"denied by {refused.DecidedBy}: {refused.DecisionNote}"));
            return (DecisionEffect.Deny, refused.ApprovalId, null);
        }

        var approval = NewApproval(ApprovalKind.Action, request.Action, resource, digest, State.Intent?.Task ?? string.Empty, verdict.ApprovalPolicies, maxUses: 1, now);
        Append(events, new ApprovalRequestedEvent { TenantId = TenantId, SessionId = SessionId, AgentId = State.AgentId, Sequence = State.NextSequence, At = now, Actor = actor, Approval = approval });
        reasons.Add(new DecisionReason(ReasonCodes.ApprovalPending, $"policies {string.Join(", ", verdict.ApprovalPolicies)} require an operator's approval ({approval.ApprovalId})"));
        return (DecisionEffect.ApprovalRequired, approval.ApprovalId, null);
    }

    /// <summary>
    /// Issues what can be issued of a scope: requested ∩ declared surface ∩ holdable by policy. Approval-gated parts
    /// become pending approvals; the rest is refused with reasons. Appends the events (and applies them).
    /// </summary>
    private GrantRequestResult IssueScope(
        List<SessionEvent> events, ImmutableArray<ScopeRequest> scope, string justification, TimeSpan? ttl, GrantOrigin origin, string actor, DateTimeOffset now)
    {
        var issued = ImmutableArray.CreateBuilder<Grant>();
        var pending = ImmutableArray.CreateBuilder<ApprovalInfo>();
        var refused = ImmutableArray.CreateBuilder<ScopeRefusal>();
        var expiresAt = ttl is { } t && now + t < State.ExpiresAt ? now + t : State.ExpiresAt;
        foreach (var entry in scope)
        {
            var parts = ScopeMath.Cover(entry, State.Agent!.ActionSurface);
            if (parts.IsEmpty)
            {
                refused.Add(new ScopeRefusal(entry, ReasonCodes.OutsideSurface, $"{entry.Action} on {entry.Resource} is outside the agent's declared action surface"));
                continue;
            }

            foreach (var part in parts)
            {
                var hold = Hold(entry.Action, part, justification, entry.MaxUses, now);
                if (hold.Refusal is { } refusal)
                {
                    refused.Add(new ScopeRefusal(entry with { Resource = part.ToString() }, refusal.Code, refusal.Message));
                }
                else if (hold.Verdict!.RequiresApproval)
                {
                    var approval = NewApproval(ApprovalKind.Grant, entry.Action, part.ToString(), null, justification, hold.Verdict.ApprovalPolicies, entry.MaxUses, now);
                    Append(events, new ApprovalRequestedEvent { TenantId = TenantId, SessionId = SessionId, AgentId = State.AgentId, Sequence = State.NextSequence, At = now, Actor = actor, Approval = approval });
                    pending.Add(approval);
                }
                else
                {
                    var grant = new Grant($"g{State.Grants.Length + 1}", entry.Action, part.ToString(), now, expiresAt, entry.MaxUses, origin, null);
                    Append(events, new GrantIssuedEvent { TenantId = TenantId, SessionId = SessionId, AgentId = State.AgentId, Sequence = State.NextSequence, At = now, Actor = actor, Grant = grant });
                    issued.Add(grant);
                }
            }
        }

        return new GrantRequestResult(issued.ToImmutable(), pending.ToImmutable(), refused.ToImmutable());
    }

    /// <summary>Asks the policy whether the agent may hold a grant; a refusal when not (or when asking fails).</summary>
    private (PolicyVerdict? Verdict, DecisionReason? Refusal) Hold(string action, ResourcePattern resource, string justification, int? maxUses, DateTimeOffset now)
    {
        if (_policy is null)
        {
            return (null, new DecisionReason(ReasonCodes.NoPolicy, $"tenant {TenantId} has no published policy set"));
        }

        try
        {
            var verdict = _policy.EvaluateHold(new HoldQuery(Subject(), action, resource, justification, maxUses, now));
            return verdict.Outcome == PolicyOutcome.Allow
                ? (verdict, null)
                : (null, new DecisionReason(
                    ReasonCodes.NotHoldable,
                    verdict.Reasons.IsDefaultOrEmpty
                        ? $"the tenant's policy does not let the agent hold {action} on {resource}"
                        : string.Join("; ", verdict.Reasons.Select(r => r.Message))));
        }
        catch (Exception ex)
        {
            WardenLog.DecisionFailed(logger, ex, Key, action);
            return (null, new DecisionReason(ReasonCodes.InternalError, "the holdability check failed inside Warden: " + ex.GetType().Name));
        }
    }

    private string? StillHoldable(ApprovalInfo approval, DateTimeOffset now) =>
        Hold(approval.Action, ResourcePattern.Parse(approval.Resource), approval.Justification, approval.MaxUses, now).Refusal?.Message;

    /// <summary>Gate 1's grant half: a live grant covering the action on the resource, or why there is none.</summary>
    private DecisionReason? FindGrant(EvaluationRequest request, DateTimeOffset now, out Grant? grant, out int? usesLeft)
    {
        grant = null;
        usesLeft = null;
        var covering = false;
        var exhausted = false;
        foreach (var candidate in State.Grants)
        {
            if (!string.Equals(candidate.Action, request.Action, StringComparison.Ordinal) || !PatternOf(candidate).Matches(request.Resource.Type, request.Resource.Id))
            {
                continue;
            }

            covering = true;
            if (now >= candidate.ExpiresAt)
            {
                continue;
            }

            int? left = candidate.MaxUses is { } max ? max - State.History.UsesOf(candidate.GrantId) : null;
            if (left is <= 0)
            {
                exhausted = true;
                continue;
            }

            // Prefer an unlimited grant (so counted uses are not spent needlessly), then the one expiring first.
            if (grant is null
                || (grant.MaxUses is not null && candidate.MaxUses is null)
                || ((grant.MaxUses is null) == (candidate.MaxUses is null) && candidate.ExpiresAt < grant.ExpiresAt))
            {
                grant = candidate;
                usesLeft = left;
            }
        }

        if (grant is not null)
        {
            return null;
        }

        var target = $"{request.Action} on {request.Resource}";
        return !covering
            ? new DecisionReason(ReasonCodes.NoGrant, $"no grant in this session covers {target}")
            : exhausted
                ? new DecisionReason(ReasonCodes.GrantExhausted, $"the grant covering {target} has no uses left")
                : new DecisionReason(ReasonCodes.GrantExpired, $"the grant covering {target} has expired");
    }

    /// <summary>Gate 1's session half: why this session can decide nothing now, or null when it is open and unexpired.</summary>
    private DecisionReason? EndedOrExpired(DateTimeOffset now)
    {
        switch (State.Status)
        {
            case SessionStatus.Open when now >= State.ExpiresAt:
                // INVARIANT: expiry is enforced here, by the clock, on every call; the timer and the reminder only
                // close the session out afterwards.
                return new DecisionReason(ReasonCodes.SessionExpired, $"the session expired at {State.ExpiresAt:O}");
            case SessionStatus.Open:
                return Revocations.Check(TenantId, State.AgentId);
            case SessionStatus.Closed:
                return new DecisionReason(ReasonCodes.SessionClosed, "the session is closed");
            case SessionStatus.Expired:
                return new DecisionReason(ReasonCodes.SessionExpired, $"the session expired at {State.ExpiresAt:O}");
            case SessionStatus.Revoked when State.RevocationScope == RevocationScope.Agent:
                return new DecisionReason(ReasonCodes.AgentSuspended, $"the session was revoked: {State.EndReason}");
            case SessionStatus.Revoked when State.RevocationScope == RevocationScope.Tenant:
                return new DecisionReason(ReasonCodes.TenantFrozen, $"the session was revoked: {State.EndReason}");
            case SessionStatus.Revoked:
                return new DecisionReason(ReasonCodes.SessionRevoked, $"the session was revoked: {State.EndReason}");
            default:
                return new DecisionReason(ReasonCodes.InternalError, "the session is in an unknown state");
        }
    }

    /// <summary>
    /// Makes a batch of decisions durable before they are answered; whatever is not known to be durable is answered deny.
    /// Durable lineage: the lineage records are the journal and the state write is deferred (SessionGrain.Journal.cs);
    /// off or async lineage: the state is written first, as the only durable record.
    /// </summary>
    private async Task<ImmutableArray<Decision>?> CommitDecisionsAsync(List<SessionEvent> events, ImmutableArray<Decision> decisions, ImmutableArray<EvaluationRequest> requests)
    {
        if (_unreplayed is not null)
        {
            return await DenyUnreplayedAsync(decisions);
        }

        // Approvals requested or consumed by the batch are lifecycle changes: they are written at once in every mode.
        var journaled = Journaled && events.TrueForAll(e => e is DecisionEvent);
        if (!journaled && !await TryWriteStateAsync())
        {
            var reason = new DecisionReason(ReasonCodes.InternalError, "the decision could not be recorded; denied");
            return [.. decisions.Select(d => d with { Effect = DecisionEffect.Deny, Reasons = [reason], ApprovalId = null })];
        }

        // INVARIANT: in durable lineage mode a decision reaches the agent only after its lineage record is durable. That
        // record is the decision's journal entry: it carries what replay needs (session sequence, labels, grant,
        // outcome), so a restart can never forget an allowed action (a secret read, a spent use) the agent was told
        // about even though the state write is deferred. In off/async mode the state write above is that guarantee.
        if (Lineage is { } lineage)
        {
            if (await lineage.RecordDecisionsAsync(TenantId, State, events, requests, decisions) is not { } lineageSequence)
            {
                // Not known to be durable: every decision of the batch is denied. The history keeps the decisions (only
                // ever stricter), so a deferred state is written now: replay must find no sequence gap behind them.
                if (journaled)
                {
                    await TryWriteStateAsync();
                }

                var reason = new DecisionReason(ReasonCodes.InternalError, "the decision could not be recorded in lineage; denied");
                await PublishAsync(events, lineageRecorded: true);
                return [.. decisions.Select(d => d with { Effect = DecisionEffect.Deny, Reasons = [reason], ApprovalId = null })];
            }

            _journalCursor = Math.Max(_journalCursor, lineageSequence);
            if (journaled)
            {
                DeferStateWrite(decisions.Length);
            }
        }

        await PublishAsync(events, lineageRecorded: true);
        return null;
    }

    /// <summary>Writes the state now; on failure drops the activation (it reloads what is durable) and returns false.</summary>
    private async Task<bool> TryWriteStateAsync()
    {
        try
        {
            await WriteStateNowAsync();
            return true;
        }
        catch (Exception ex)
        {
            WardenLog.StateWriteFailed(logger, ex, Key);
            this.DeactivateOnIdle();
            return false;
        }
    }

    private async Task PersistOrReloadAsync()
    {
        if (_unreplayed is not null && State.Status == SessionStatus.Open)
        {
            // INVARIANT: a session whose history is not replayed persists nothing but its end (a revocation or expiry
            // must always land); anything else would be decided on a history known to be incomplete.
            this.DeactivateOnIdle();
            throw new InvalidOperationException("The session's history could not be replayed from lineage; only ending it is possible until it can.");
        }

        try
        {
            // Writes every deferred decision too: a lifecycle change is never behind the decisions before it.
            await WriteStateNowAsync();
            if (State.Status != SessionStatus.Open)
            {
                // An ended session decides nothing any more (gate 1 denies with why it ended): nothing is left to replay.
                _unreplayed = null;
                _replayBase = null;
            }
        }
        catch
        {
            // The in-memory state is ahead of storage: drop this activation so the next call reloads what is durable.
            this.DeactivateOnIdle();
            throw;
        }
    }

    /// <summary>Ends the session: pending approvals lapse, the end is persisted, then timers, events and notes follow.</summary>
    private async Task EndAsync(SessionStatus status, string reason, string actor, RevocationScope? scope, bool notifyAgent)
    {
        var now = clock.GetUtcNow();
        var events = new List<SessionEvent>();
        var lapsed = new List<ApprovalInfo>();
        foreach (var approval in State.Approvals.Where(a => a.Status is ApprovalStatus.Pending or ApprovalStatus.Approved))
        {
            var expired = approval with { Status = ApprovalStatus.Expired };
            Append(events, new ApprovalDecidedEvent { TenantId = TenantId, SessionId = SessionId, AgentId = State.AgentId, Sequence = State.NextSequence, At = now, Actor = actor, Approval = expired });
            lapsed.Add(expired);
        }

        Append(events, new SessionEndedEvent
        {
            TenantId = TenantId,
            SessionId = SessionId,
            AgentId = State.AgentId,
            Sequence = State.NextSequence,
            At = now,
            Actor = actor,
            Status = status,
            Reason = reason,
            RevocationScope = scope,
        });
        await PersistOrReloadAsync();
        WardenLog.SessionEnded(logger, Key, status, actor);

        _expiryTimer?.Dispose();
        _expiryTimer = null;

        // The reminder is cleaned up in a turn of its own after this call answered, off the revocation fan-out's path;
        // if the activation goes first, the reminder fires later, finds the session ended and unregisters itself.
        this.RegisterGrainTimer(_ => UnregisterReminderAsync(), new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan) { Interleave = false, KeepAlive = false });
        await PublishAsync(events);
        NotifyApprovals(lapsed);
        if (notifyAgent)
        {
            await GrainFactory.GetGrain<IAgentControl>(WardenIds.AgentKey(TenantId, State.AgentId)).SessionEndedAsync(SessionId);
        }
    }

    private async Task AdoptAsync(long version)
    {
        if (version <= 0 || (version <= (_policy?.Version ?? 0)))
        {
            return;
        }

        _policy = await policies.GetAsync(TenantId, version);
        if (_policy.Version != State.PolicyVersion)
        {
            var events = new List<SessionEvent>(1);
            Append(events, new PolicyAdoptedEvent
            {
                TenantId = TenantId,
                SessionId = SessionId,
                AgentId = State.AgentId,
                Sequence = State.NextSequence,
                At = clock.GetUtcNow(),
                Actor = Caller.System.ToString(),
                PolicyVersion = _policy.Version,
            });
            await PersistOrReloadAsync();
            await PublishAsync(events);
        }
    }

    private void ArmExpiryTimer()
    {
        _expiryTimer?.Dispose();
        var due = Positive(State.ExpiresAt + _options.ExpirySweepDelay - clock.GetUtcNow());
        _expiryTimer = this.RegisterGrainTimer(OnExpiryTimerAsync, new GrainTimerCreationOptions(due, Timeout.InfiniteTimeSpan) { Interleave = false, KeepAlive = false });
    }

    private async Task OnExpiryTimerAsync(CancellationToken cancellationToken)
    {
        if (State.Status != SessionStatus.Open)
        {
            return;
        }

        if (clock.GetUtcNow() >= State.ExpiresAt)
        {
            await EndAsync(SessionStatus.Expired, "expired", Caller.System.ToString(), scope: null, notifyAgent: true);
        }
        else
        {
            ArmExpiryTimer();
        }
    }

    private async Task UnregisterReminderAsync()
    {
        try
        {
            if (await this.GetReminder(ExpiryReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }
        }
        catch (Exception ex)
        {
            WardenLog.ReminderCleanupFailed(logger, ex, Key);
        }
    }

    private CallError? Access(Caller caller, bool agent, bool @operator)
    {
        if (_sessionId is null)
        {
            return CallError.InvalidArgument("session_id", "malformed session id");
        }

        if (caller is null)
        {
            return CallError.InvalidArgument("caller", "is required");
        }

        if (State.Status == SessionStatus.None || State.Agent is null)
        {
            return CallError.NotFound($"session {SessionId}");
        }

        // INVARIANT: a session answers only its own tenant, and among agents only the one that opened it.
        if (!caller.IsIn(TenantId))
        {
            return CallError.PermissionDenied("the session belongs to another tenant");
        }

        return caller.Kind switch
        {
            CallerKind.Agent when agent && string.Equals(caller.Id, State.AgentId, StringComparison.Ordinal) => null,
            CallerKind.Agent when agent => CallError.PermissionDenied("the session belongs to another agent"),
            CallerKind.Operator when @operator => null,
            _ => CallError.PermissionDenied($"{caller.Kind.ToString().ToLowerInvariant()} callers may not do this"),
        };
    }

    /// <summary>The shape checks of a request plus well-formedness of its JSON (malformed JSON is a caller error, not a deny).</summary>
    private static ImmutableArray<FieldViolation> Validate(EvaluationRequest request, string prefix)
    {
        var violations = RequestValidator.Validate(request, prefix);
        if (request.InputJson is { Length: <= WardenLimits.MaxInputJsonLength } && !JsonShape.IsObjectOrAbsent(request.InputJson))
        {
            violations = violations.Add(new FieldViolation(prefix + "input", "must be a JSON object"));
        }

        if (request.Resource?.AttributesJson is { Length: <= WardenLimits.MaxAttributesJsonLength } attributes && !JsonShape.IsObjectOrAbsent(attributes))
        {
            violations = violations.Add(new FieldViolation(prefix + "resource.attributes", "must be a JSON object"));
        }

        return violations;
    }

    private void Append(List<SessionEvent> events, SessionEvent e)
    {
        state.State = State.Apply(e);
        events.Add(e);
    }

    private async Task PublishAsync(List<SessionEvent> events, bool lineageRecorded = false)
    {
        if (!lineageRecorded && events.Count > 0 && Lineage is { } lineage)
        {
            // Lifecycle records are appended (durably in durable mode) before the call that caused them returns.
            await lineage.RecordSessionEventsAsync(TenantId, State, events);
        }

        if (_options.RecentEventLimit > 0)
        {
            foreach (var e in events)
            {
                _recent.Enqueue(e);
                if (_recent.Count > _options.RecentEventLimit)
                {
                    _recent.Dequeue();
                }
            }
        }

        // Observers only: the answer does not wait for stream delivery (ordering is kept by the publisher).
        Events.Enqueue(events);
    }

    private void NotifyApprovals(IReadOnlyCollection<ApprovalInfo> approvals)
    {
        if (approvals.Count == 0)
        {
            return;
        }

        var tenant = GrainFactory.GetGrain<ITenantControl>(TenantId);
        foreach (var approval in approvals)
        {
            // One-way: the tenant's index is a convenience for operators; the session holds the truth.
            _ = tenant.ApprovalChangedAsync(approval);
        }
    }

    private ApprovalInfo NewApproval(ApprovalKind kind, string action, string resource, string? digest, string justification, ImmutableArray<string> policies, int? maxUses, DateTimeOffset now)
    {
        var expiresAt = now + _options.ApprovalTtl < State.ExpiresAt ? now + _options.ApprovalTtl : State.ExpiresAt;
        return new ApprovalInfo(
            $"{SessionId}-a{State.Approvals.Length + 1}", TenantId, SessionId, State.AgentId, kind, action, resource, digest, justification,
            policies, maxUses, ApprovalStatus.Pending, now, expiresAt, null, null, null, null);
    }

    private ApprovalInfo? FindApproval(string? approvalId) =>
        approvalId is null ? null : State.Approvals.FirstOrDefault(a => a.ApprovalId == approvalId);

    private static ApprovalInfo View(ApprovalInfo approval, DateTimeOffset now) =>
        approval.Status is ApprovalStatus.Pending or ApprovalStatus.Approved && now >= approval.ExpiresAt
            ? approval with { Status = ApprovalStatus.Expired }
            : approval;

    private ResourcePattern PatternOf(Grant grant)
    {
        if (!_grantPatterns.TryGetValue(grant.GrantId, out var pattern))
        {
            pattern = ResourcePattern.Parse(grant.Resource);
            _grantPatterns[grant.GrantId] = pattern;
        }

        return pattern;
    }

    // Evaluations pass the session's input cache; the rarer holdability checks pass none, so an idle session holds no cache.
    private SessionSubject Subject(SessionPolicyInputs? inputs = null) => new(TenantId, SessionId, State.AgentId, State.Agent!, State.Intent!, State.OpenedAt, State.History, inputs);

    private SessionInfo ToInfo(DateTimeOffset now)
    {
        var open = State.Status == SessionStatus.Open && now < State.ExpiresAt;
        var grants = State.Grants.Select(g =>
        {
            int? left = g.MaxUses is { } max ? Math.Max(0, max - State.History.UsesOf(g.GrantId)) : null;
            return new GrantInfo(g, left, open && now < g.ExpiresAt && left is null or > 0);
        });
        return new SessionInfo(
            TenantId, SessionId, State.AgentId, State.Intent!, State.Status, State.OpenedAt, State.ExpiresAt, State.EndedAt,
            State.EndReason, State.EndedBy, [.. grants], [.. State.Approvals.Select(a => View(a, now))], State.PolicyVersion, State.History.ToFacts());
    }

    private static DecisionEffect Deny(ImmutableArray<DecisionReason>.Builder reasons, DecisionReason reason)
    {
        reasons.Add(reason);
        return DecisionEffect.Deny;
    }

    private static string Describe(Termination termination) => termination.Scope switch
    {
        RevocationScope.Agent => $"agent suspended: {termination.Reason}",
        RevocationScope.Tenant => $"tenant frozen: {termination.Reason}",
        _ => termination.Reason,
    };

    private static TimeSpan Positive(TimeSpan span) => span > TimeSpan.Zero ? span : TimeSpan.Zero;

    /// <summary>The last allow's reasons, with the grant and policies they name.</summary>
    private sealed record AllowedReasonCache(string GrantId, ImmutableArray<string> Policies, ImmutableArray<DecisionReason> Reasons);
}
