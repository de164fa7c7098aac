using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Storage;
using Warden.Agents;
using Warden.Events;
using Warden.Grains.Diagnostics;
using Warden.Grains.Events;
using Warden.Grains.Hosting;
using Warden.Grains.Options;
using Warden.Grains.Revocation;
using Warden.Grains.Sessions;
using Warden.Sessions;
using Warden.Validation;

namespace Warden.Grains.Agents;

/// <summary>
/// An agent: identity, credential hash, status and the registry of its live sessions. It calls down to its sessions
/// (start, revoke, adopt policy) and is called by its tenant; it never waits on a call back up.
/// </summary>
[GrainType(GrainTypes.Agent)]
internal sealed class AgentGrain(
    [PersistentState(GrainTypes.StateNames.Agent, WardenStreams.ProviderName)] IPersistentState<AgentState> state,
    TimeProvider clock,
    IOptions<SessionOptions> options,
    ISessionTerminator terminator,
    IRevocationFanOut revocations,
    IOptions<RevocationOptions> revocationOptions,
    ILogger<AgentGrain> logger) : Grain, IAgentGrain, IAgentControl
{
    private readonly SessionOptions _options = options.Value;
    private readonly RevocationOptions _revocationOptions = revocationOptions.Value;
    private SessionEnding? _ending;
    private string? _tenantId;
    private string? _agentId;
    private EventPublisher? _events;
    private LiveSessionRegistry? _registry;

    private AgentState State => state.State;

    /// <summary>The live-session registry, loaded on activation.</summary>
    private LiveSessionRegistry Registry => _registry ?? throw new InvalidOperationException("The live-session registry is not loaded.");

    private string Key => this.GetPrimaryKeyString();

    private string TenantId => _tenantId ?? throw new InvalidOperationException("Malformed agent key.");

    private string AgentId => _agentId ?? throw new InvalidOperationException("Malformed agent key.");

    private EventPublisher Events => _events ??= EventPublisher.ForTenant(this, TenantId, logger);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (WardenIds.TrySplitKey(Key, out var tenant, out var agent) && WardenIds.IsValidName(tenant) && WardenIds.IsValidName(agent))
        {
            _tenantId = tenant;
            _agentId = agent;
        }

        var storage = ServiceProvider.GetRequiredKeyedService<IGrainStorage>(WardenStreams.ProviderName);
        _registry = await LiveSessionRegistry.LoadAsync(GrainContext, storage, State.RegistryBuckets);
        if (!State.LiveSessions.IsDefaultOrEmpty)
        {
            // State written before the registry had buckets: move its list into them, then forget the list.
            await _registry.ImportAsync(State.LiveSessions);
            var bits = State.LiveSessions.Aggregate(State.RegistryBuckets, (set, s) => set | LiveSessionRegistry.BitOf(s.SessionId));
            state.State = State with { LiveSessions = [], RegistryBuckets = bits };
            await state.WriteStateAsync();
        }

        if (State.Status is AgentStatus.Suspended or AgentStatus.Retired && !_registry.IsEmpty)
        {
            // A deferred ending cut short by a deactivation or a lost silo resumes here.
            EndSessionsLater(new Termination(RevocationScope.Agent, State.StatusReason ?? "agent stopped", Caller.System.ToString()));
        }
    }

    public async Task<Outcome<AgentRegistered>> InitializeAsync(RegisterAgent request)
    {
        if (_agentId is null || !string.Equals(request.AgentId, _agentId, StringComparison.Ordinal))
        {
            return CallError.InvalidArgument("agent_id", "does not match the agent grain's key");
        }

        if (Invalid(RequestValidator.Validate(request), request.Actor) is { } invalid)
        {
            return invalid;
        }

        if (State.Status != AgentStatus.None)
        {
            return CallError.AlreadyExists($"agent {AgentId} exists in tenant {TenantId}");
        }

        var now = clock.GetUtcNow();
        var credential = WardenCredential.Create(CredentialKind.Agent, TenantId, AgentId);
        state.State = State with
        {
            Status = AgentStatus.Active,
            Owner = request.Owner,
            DisplayName = request.DisplayName,
            ActionSurface = request.ActionSurface,
            RiskTier = string.IsNullOrWhiteSpace(request.RiskTier) ? "standard" : request.RiskTier,
            Labels = request.Labels.IsDefault ? [] : request.Labels,
            Groups = request.Groups.IsDefault ? [] : request.Groups,
            RegisteredAt = now,
            StatusChangedAt = now,
            CredentialHash = credential.HashSecret(),
            CredentialIssuedAt = now,
        };
        await state.WriteStateAsync();
        WardenLog.AgentRegistered(logger, Key, request.Actor.ToString());
        return new AgentRegistered(ToInfo(), new IssuedCredential(AgentId, credential.ToToken(), now));
    }

    public Task<Outcome<AgentInfo>> GetAsync() =>
        Task.FromResult(Exists() is { } missing ? missing : Outcome<AgentInfo>.Ok(ToInfo()));

    public Task<Outcome<AgentInfo>> VerifyCredentialAsync(string token)
    {
        // INVARIANT: every failure looks the same to the caller; a suspended agent authenticates (and is refused later
        // with a reason), a retired one does not.
        if (_agentId is null
            || State.Status is AgentStatus.None or AgentStatus.Retired
            || !WardenCredential.TryParse(token, out var credential)
            || credential.Kind != CredentialKind.Agent
            || !string.Equals(credential.TenantId, TenantId, StringComparison.Ordinal)
            || !string.Equals(credential.SubjectId, AgentId, StringComparison.Ordinal)
            || !credential.Matches(State.CredentialHash))
        {
            WardenLog.AgentCredentialRejected(logger, Key);
            return Task.FromResult(Outcome<AgentInfo>.Fail(CallError.Unauthenticated("invalid agent credential")));
        }

        return Task.FromResult(Outcome<AgentInfo>.Ok(ToInfo()));
    }

    public async Task<Outcome<IssuedCredential>> RotateCredentialAsync(StatusChange change)
    {
        if (Exists() is { } missing)
        {
            return missing;
        }

        if (change is null)
        {
            return CallError.InvalidArgument("change", "is required");
        }

        if (Invalid(RequestValidator.Validate(change), change.Actor) is { } invalid)
        {
            return invalid;
        }

        if (State.Status == AgentStatus.Retired)
        {
            return CallError.FailedPrecondition($"agent {AgentId} is retired");
        }

        var now = clock.GetUtcNow();
        var credential = WardenCredential.Create(CredentialKind.Agent, TenantId, AgentId);
        state.State = State with { CredentialHash = credential.HashSecret(), CredentialIssuedAt = now };
        await state.WriteStateAsync();

        // INVARIANT: the new hash is persisted before any silo's cache is told, and the answer (the new credential) leaves
        // only after every active silo acknowledged: from then on the old credential is refused everywhere. A fan-out that
        // cannot confirm a live silo throws (UNAVAILABLE); the operator repeats the rotation.
        await revocations.ForgetCredentialsAsync(TenantId, AgentId);
        await Events.PublishAsync(new AgentChangedEvent { TenantId = TenantId, At = now, Actor = change.Actor.ToString(), AgentId = AgentId, Status = State.Status, Reason = "credential rotated: " + change.Reason, CredentialRotated = true });
        return new IssuedCredential(AgentId, credential.ToToken(), now);
    }

    public async Task<Outcome<SessionOpened>> OpenSessionAsync(OpenSession request)
    {
        if (Exists() is { } missing)
        {
            return missing;
        }

        if (Invalid(RequestValidator.Validate(request, _options.MaxTtl)) is { } invalid)
        {
            return invalid;
        }

        if (State.Status != AgentStatus.Active)
        {
            return CallError.FailedPrecondition($"{ReasonCodes.AgentSuspended}: agent {AgentId} is {State.Status.ToString().ToLowerInvariant()}");
        }

        var now = clock.GetUtcNow();
        var sessionId = WardenIds.NewSessionId();
        var ttl = request.Ttl ?? _options.DefaultTtl;

        // INVARIANT: the session is in the persisted registry before it starts, so a suspension (which waits for this
        // call to finish: the grain is not reentrant) or a freeze reaches it. The expiry recorded here is an upper bound.
        // Only the session's bucket is written (and once per bucket, first, the agent's bit for it).
        var bit = LiveSessionRegistry.BitOf(sessionId);
        if ((State.RegistryBuckets & bit) == 0)
        {
            state.State = State with { RegistryBuckets = State.RegistryBuckets | bit };
            await state.WriteStateAsync();
        }

        await Registry.AddAsync(new LiveSession(sessionId, request.Intent.Task, now, now + ttl), PruneHorizon(now));

        var session = GrainFactory.GetGrain<ISessionControl>(WardenIds.SessionKey(TenantId, sessionId));
        var profile = new AgentProfile(State.Owner, State.DisplayName, State.RiskTier, State.Labels, State.Groups, State.ActionSurface);
        Outcome<SessionOpened> opened;
        try
        {
            opened = await session.StartAsync(new SessionStart(AgentId, profile, request with { Ttl = ttl }, now, now + ttl));
        }
        catch (Exception ex)
        {
            // The session may or may not have persisted itself as open: keep it in the registry (a revocation of a
            // session that never opened is a no-op) and let the entry age out after its expiry.
            WardenLog.SessionStartFailed(logger, ex, Key, sessionId);
            throw;
        }

        if (!opened.IsOk)
        {
            // A refusal leaves the session unopened: safe to forget.
            await Registry.RemoveAsync([sessionId]);
        }

        return opened;
    }

    public Task<Outcome<RevocationReceipt>> SuspendAsync(StatusChange change) => StopAsync(change, AgentStatus.Suspended);

    public Task<Outcome<RevocationReceipt>> RetireAsync(StatusChange change) => StopAsync(change, AgentStatus.Retired);

    public async Task<Outcome<AgentInfo>> ReactivateAsync(StatusChange change)
    {
        if (Exists() is { } missing)
        {
            return missing;
        }

        if (Invalid(RequestValidator.Validate(change), change.Actor) is { } invalid)
        {
            return invalid;
        }

        if (State.Status == AgentStatus.Retired)
        {
            return CallError.FailedPrecondition($"agent {AgentId} is retired and cannot be reactivated");
        }

        if (State.Status == AgentStatus.Suspended)
        {
            // INVARIANT: every session the suspension revoked is durably revoked before the revocation table forgets the
            // agent, so none comes back open; the deferred ending is then done (cancelled), so it cannot end new sessions.
            var (_, failures) = await RevokeLiveSessionsAsync(new Termination(RevocationScope.Agent, State.StatusReason ?? "agent suspended", change.Actor.ToString()));
            if (failures > 0)
            {
                throw new RevocationFanOutException($"Agent {Key} stays suspended: {failures} sessions did not confirm their revocation; repeat the call to retry.");
            }

            CancelEnding();
            var now = clock.GetUtcNow();
            state.State = State with { Status = AgentStatus.Active, StatusReason = change.Reason, StatusChangedAt = now };
            await state.WriteStateAsync();
            WardenLog.AgentStatusChanged(logger, Key, nameof(AgentStatus.Active), change.Actor.ToString(), change.Reason);
            await Events.PublishAsync(new AgentChangedEvent { TenantId = TenantId, At = now, Actor = change.Actor.ToString(), AgentId = AgentId, Status = AgentStatus.Active, Reason = change.Reason });
        }

        if (State.Status == AgentStatus.Active)
        {
            // Always, so that repeating a reactivation whose clearing failed completes it.
            await revocations.ClearAsync(RevokedScope.Agent(TenantId, AgentId, string.Empty));
        }

        return ToInfo();
    }

    public Task<Outcome<ImmutableArray<SessionSummary>>> ListSessionsAsync()
    {
        if (Exists() is { } missing)
        {
            return Task.FromResult<Outcome<ImmutableArray<SessionSummary>>>(missing);
        }

        var now = clock.GetUtcNow();
        return Task.FromResult(Outcome<ImmutableArray<SessionSummary>>.Ok(
        [
            .. Registry.All
                .Where(s => s.ExpiresAt > now)
                .Select(s => new SessionSummary(TenantId, s.SessionId, AgentId, s.Task, s.OpenedAt, s.ExpiresAt)),
        ]));
    }

    public Task<AgentStatus> GetStatusAsync() => Task.FromResult(State.Status);

    public async Task<int> RevokeSessionsAsync(Termination termination)
    {
        ArgumentNullException.ThrowIfNull(termination);
        if (State.Status == AgentStatus.None)
        {
            return 0;
        }

        var (revoked, failures) = await RevokeLiveSessionsAsync(termination);
        if (failures > 0)
        {
            throw new InvalidOperationException($"{failures} sessions of agent {Key} did not acknowledge the revocation.");
        }

        if (State.Status == AgentStatus.Active)
        {
            CancelEnding();
        }

        return revoked;
    }

    public Task<int> EndSessionsLaterAsync(Termination termination)
    {
        ArgumentNullException.ThrowIfNull(termination);
        if (State.Status != AgentStatus.Active)
        {
            // A stopped agent's sessions were revoked by its own suspension (its table entry holds them and its own
            // deferred ending is under way): this freeze revokes none of them.
            return Task.FromResult(0);
        }

        var live = LiveCount();
        EndSessionsLater(termination);
        return Task.FromResult(live);
    }

    public async Task AdoptPolicyAsync(long version)
    {
        var now = clock.GetUtcNow();
        var sessions = Registry.All.Where(s => s.ExpiresAt > now).Select(s => s.SessionId).ToList();
        var failures = 0;
        await Task.WhenAll(sessions.Select(async sessionId =>
        {
            if (!await WithRetriesAsync(sessionId, () => GrainFactory.GetGrain<ISessionControl>(WardenIds.SessionKey(TenantId, sessionId)).AdoptPolicyAsync(version)))
            {
                Interlocked.Increment(ref failures);
            }
        }));
        if (failures > 0)
        {
            throw new InvalidOperationException($"{failures} sessions of agent {Key} did not adopt policy version {version}.");
        }
    }

    public async Task SessionEndedAsync(string sessionId)
    {
        if (State.Status == AgentStatus.None || sessionId is null || !Registry.Contains(sessionId))
        {
            return;
        }

        await Registry.RemoveAsync([sessionId]);
    }

    private async Task<Outcome<RevocationReceipt>> StopAsync(StatusChange change, AgentStatus status)
    {
        if (Exists() is { } missing)
        {
            return missing;
        }

        if (Invalid(RequestValidator.Validate(change), change.Actor) is { } invalid)
        {
            return invalid;
        }

        if (State.Status == AgentStatus.Retired && status == AgentStatus.Suspended)
        {
            status = AgentStatus.Retired;
        }

        var effectiveAt = clock.GetUtcNow();
        var actor = change.Actor.ToString();

        // INVARIANT: the new status is persisted before any session is told, so no session opens from here on and a
        // session activating anywhere during the fan-out sees the status when it asks (IAgentControl.GetStatusAsync).
        state.State = State with { Status = status, StatusReason = change.Reason, StatusChangedAt = effectiveAt };
        await state.WriteStateAsync();
        WardenLog.AgentStatusChanged(logger, Key, status.ToString(), actor, change.Reason);

        // INVARIANT: the receipt is returned only after every active silo recorded the suspension in its revocation
        // table (each decision there checks it before its answer leaves the session grain). Throws otherwise: no receipt.
        var termination = new Termination(RevocationScope.Agent, change.Reason, actor);
        var live = LiveCount();
        var fanOut = await revocations.RecordAsync(RevokedScope.Agent(TenantId, AgentId, change.Reason, actor, effectiveAt));
        if (!fanOut.Lost.IsEmpty)
        {
            // A silo died mid fan-out and may not know yet that it was declared dead: end every session durably now (the
            // state write's ETag check fences off any activation it still runs).
            var (_, failures) = await RevokeLiveSessionsAsync(termination);
            if (failures > 0)
            {
                throw new RevocationFanOutException(
                    $"Agent {Key} is {status.ToString().ToLowerInvariant()}, but {failures} sessions did not acknowledge the revocation after a silo was lost; repeat the call to retry.");
            }
        }
        else
        {
            EndSessionsLater(termination);
        }

        var receipt = new RevocationReceipt(RevocationScope.Agent, TenantId, AgentId, change.Reason, actor, live, effectiveAt, clock.GetUtcNow());

        // The lineage stream has the revocation (who, which scope, why, when it took effect) before the receipt does: its
        // records are appended first (durably in durable lineage mode). Observers only get the events: the receipt does
        // not wait for stream delivery.
        await Events.RecordThenEnqueueAsync(
        [
            new AgentChangedEvent { TenantId = TenantId, At = effectiveAt, Actor = actor, AgentId = AgentId, Status = status, Reason = change.Reason },
            new RevocationCompletedEvent { TenantId = TenantId, At = receipt.CompletedAt, Actor = actor, Receipt = receipt },
        ]);
        return RevocationGate.Returning(ServiceProvider, receipt);
    }

    /// <summary>Live (unexpired) sessions in the registry: those a revocation ends now or is ending.</summary>
    private int LiveCount()
    {
        var now = clock.GetUtcNow();
        return Registry.All.Count(s => s.ExpiresAt > now);
    }

    /// <summary>
    /// Ends the registry's sessions durably <see cref="RevocationOptions.SessionEndDelay"/> after the current call
    /// returned, in a non-interleaved grain timer that retries with back-off until every session acknowledged (the
    /// revocation table holds them meanwhile).
    /// </summary>
    private void EndSessionsLater(Termination termination)
    {
        if (_ending is { } running)
        {
            running.Termination = termination;
            return;
        }

        var ending = new SessionEnding(termination);
        ending.Timer = this.RegisterGrainTimer(
            cancellation => EndSessionsAsync(ending, cancellation),
            new GrainTimerCreationOptions(_revocationOptions.SessionEndDelay, Timeout.InfiniteTimeSpan) { Interleave = false, KeepAlive = true });
        _ending = ending;
    }

    private async Task EndSessionsAsync(SessionEnding ending, CancellationToken cancellation)
    {
        // A deactivating agent (silo shutting down) stops here; the registry is persisted and its next activation resumes.
        if (!ReferenceEquals(_ending, ending) || cancellation.IsCancellationRequested)
        {
            return;
        }

        var (_, failures) = await RevokeLiveSessionsAsync(ending.Termination);
        if (failures == 0 || cancellation.IsCancellationRequested)
        {
            CancelEnding();
            return;
        }

        ending.Delay = ending.Delay == TimeSpan.Zero ? TimeSpan.FromMilliseconds(200) : TimeSpan.FromTicks(Math.Min(ending.Delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
        ending.Timer?.Change(ending.Delay, Timeout.InfiniteTimeSpan);
    }

    private void CancelEnding()
    {
        _ending?.Timer?.Dispose();
        _ending = null;
    }

    /// <summary>
    /// Revokes every session in the registry, in parallel, and waits for each acknowledgement (a session acknowledges
    /// after persisting its revocation). Acknowledged sessions leave the registry; failed ones stay for the next try.
    /// </summary>
    private async Task<(int Revoked, int Failures)> RevokeLiveSessionsAsync(Termination termination)
    {
        var sessions = Registry.All.Select(s => s.SessionId).ToList();
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<string>();
        var revoked = 0;
        await Task.WhenAll(sessions.Select(async sessionId =>
        {
            var session = GrainFactory.GetGrain<ISessionControl>(WardenIds.SessionKey(TenantId, sessionId));
            if (await WithRetriesAsync(sessionId, async () =>
                {
                    if (await terminator.TerminateAsync(session, termination))
                    {
                        Interlocked.Increment(ref revoked);
                    }
                }))
            {
                acknowledged.Add(sessionId);
            }
        }));

        if (!acknowledged.IsEmpty)
        {
            await Registry.RemoveAsync(acknowledged.ToHashSet(StringComparer.Ordinal));
        }

        return (revoked, sessions.Count - acknowledged.Count);
    }

    /// <summary>A deferred durable ending of the registry's sessions.</summary>
    private sealed class SessionEnding(Termination termination)
    {
        public Termination Termination { get; set; } = termination;

        public IGrainTimer? Timer { get; set; }

        public TimeSpan Delay { get; set; }
    }

    private async Task<bool> WithRetriesAsync(string sessionId, Func<Task> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await call();
                return true;
            }
            catch (Exception ex)
            {
                WardenLog.RevocationFanOutFailed(logger, ex, Key, sessionId, attempt);
                if (attempt >= _options.FanOutAttempts)
                {
                    return false;
                }
            }
        }
    }

    /// <summary>Registry entries that expired before this are dropped: such sessions deny everything by the clock anyway.</summary>
    private DateTimeOffset PruneHorizon(DateTimeOffset now) => now - _options.ReminderDelay - _options.ReminderPeriod;

    private CallError? Exists() =>
        _agentId is null
            ? CallError.InvalidArgument("agent_id", "malformed agent key")
            : State.Status == AgentStatus.None ? CallError.NotFound($"agent {AgentId} in tenant {TenantId}") : null;

    private static CallError? Invalid(ImmutableArray<FieldViolation> violations) =>
        violations.IsDefaultOrEmpty ? null : CallError.InvalidArgument(violations);

    /// <summary>Shape problems first; then an operator of another tenant is refused (the key's tenant is the only one).</summary>
    private CallError? Invalid(ImmutableArray<FieldViolation> violations, Caller actor) =>
        Invalid(violations) ?? (actor.IsIn(TenantId) ? null : CallError.PermissionDenied("the caller belongs to another tenant"));

    private AgentInfo ToInfo() => new(
        TenantId, AgentId, State.Owner, State.DisplayName, State.ActionSurface, State.RiskTier, State.Labels, State.Groups,
        State.Status, State.StatusReason, State.RegisteredAt, State.StatusChangedAt, Registry.Count);
}
