using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Warden.Agents;
using Warden.Events;
using Warden.Grains.Agents;
using Warden.Grains.Collections;
using Warden.Grains.Diagnostics;
using Warden.Grains.Events;
using Warden.Grains.Hosting;
using Warden.Grains.Options;
using Warden.Grains.Policy;
using Warden.Grains.Revocation;
using Warden.Grains.Sessions;
using Warden.Policies;
using Warden.Sessions;
using Warden.Tenants;
using Warden.Validation;

namespace Warden.Grains.Tenants;

/// <summary>
/// A tenant: status, operator credentials, policy set, agent registry. Calls flow from here to agents and on to
/// sessions, never back (except interleaving reads and one-way notes, see <see cref="ITenantControl"/>).
/// </summary>
[GrainType(GrainTypes.Tenant)]
internal sealed class TenantGrain(
    [PersistentState(GrainTypes.StateNames.Tenant, WardenStreams.ProviderName)] IPersistentState<TenantState> state,
    TimeProvider clock,
    PolicyCache policies,
    IOptions<SessionOptions> options,
    IRevocationFanOut revocations,
    ILogger<TenantGrain> logger) : Grain, ITenantGrain, ITenantControl
{
    private readonly SessionOptions _options = options.Value;
    private EventPublisher? _events;

    private string TenantId => this.GetPrimaryKeyString();

    private TenantState State => state.State;

    private EventPublisher Events => _events ??= EventPublisher.ForTenant(this, TenantId, logger);

    public async Task<Outcome<TenantInfo>> CreateAsync(CreateTenant request)
    {
        if (CheckKey() is { } keyError)
        {
            return keyError;
        }

        if (Invalid(RequestValidator.Validate(request), request.Actor) is { } invalid)
        {
            return invalid;
        }

        if (State.Status != TenantStatus.None)
        {
            return CallError.AlreadyExists($"tenant {TenantId} exists");
        }

        var now = clock.GetUtcNow();
        state.State = State with
        {
            Status = TenantStatus.Active,
            DisplayName = request.DisplayName,
            CreatedAt = now,
            StatusChangedAt = now,
        };
        await state.WriteStateAsync();
        WardenLog.TenantCreated(logger, TenantId, request.Actor.ToString());
        await Events.PublishAsync(new TenantCreatedEvent { TenantId = TenantId, At = now, Actor = request.Actor.ToString(), DisplayName = request.DisplayName });
        return ToInfo();
    }

    public Task<Outcome<TenantInfo>> GetAsync() =>
        Task.FromResult(Exists() is { } missing ? missing : Outcome<TenantInfo>.Ok(ToInfo()));

    public async Task<Outcome<IssuedCredential>> IssueOperatorCredentialAsync(IssueOperatorCredential request)
    {
        if (Exists() is { } missing)
        {
            return missing;
        }

        if (Invalid(RequestValidator.Validate(request), request.Actor) is { } invalid)
        {
            return invalid;
        }

        var now = clock.GetUtcNow();
        var credentialId = $"op{State.NextCredentialNumber}";
        var credential = WardenCredential.Create(CredentialKind.Operator, TenantId, credentialId);
        var record = new OperatorCredentialRecord(credentialId, request.Label, credential.HashSecret(), now, request.Actor.ToString(), null);
        state.State = State with
        {
            NextCredentialNumber = State.NextCredentialNumber + 1,
            OperatorCredentials = State.OperatorCredentials.Add(record),
        };
        await state.WriteStateAsync();
        await Events.PublishAsync(new OperatorCredentialChangedEvent { TenantId = TenantId, At = now, Actor = request.Actor.ToString(), Credential = ToInfo(record) });
        return new IssuedCredential(credentialId, credential.ToToken(), now);
    }

    public Task<Outcome<ImmutableArray<OperatorCredentialInfo>>> ListOperatorCredentialsAsync() =>
        Task.FromResult(Exists() is { } missing
            ? missing
            : Outcome<ImmutableArray<OperatorCredentialInfo>>.Ok([.. State.OperatorCredentials.Select(ToInfo)]));

    public async Task<Outcome<OperatorCredentialInfo>> RevokeOperatorCredentialAsync(string credentialId, Caller actor)
    {
        if (Exists() is { } missing)
        {
            return missing;
        }

        if (actor is null || string.IsNullOrWhiteSpace(actor.Id))
        {
            return CallError.InvalidArgument("actor", "is required");
        }

        if (!actor.IsIn(TenantId))
        {
            return CallError.PermissionDenied("the caller belongs to another tenant");
        }

        if (FindCredential(credentialId) is not { } record)
        {
            return CallError.NotFound($"operator credential {credentialId} of tenant {TenantId}");
        }

        if (record.RevokedAt is null)
        {
            var now = clock.GetUtcNow();
            record = record with { RevokedAt = now };
            state.State = State with { OperatorCredentials = State.OperatorCredentials.Replace(FindCredential(credentialId)!, record) };
            await state.WriteStateAsync();
            await Events.PublishAsync(new OperatorCredentialChangedEvent { TenantId = TenantId, At = now, Actor = actor.ToString(), Credential = ToInfo(record) });
        }

        return ToInfo(record);
    }

    public Task<Outcome<OperatorPrincipal>> VerifyOperatorCredentialAsync(string token)
    {
        // INVARIANT: every failure looks the same to the caller, so a probe learns nothing about which part was wrong.
        var rejected = Outcome<OperatorPrincipal>.Fail(CallError.Unauthenticated("invalid operator credential"));
        if (State.Status == TenantStatus.None
            || !WardenCredential.TryParse(token, out var credential)
            || credential.Kind != CredentialKind.Operator
            || !string.Equals(credential.TenantId, TenantId, StringComparison.Ordinal)
            || FindCredential(credential.SubjectId) is not { RevokedAt: null } record
            || !credential.Matches(record.SecretHash))
        {
            WardenLog.OperatorCredentialRejected(logger, TenantId);
            return Task.FromResult(rejected);
        }

        return Task.FromResult(Outcome<OperatorPrincipal>.Ok(new OperatorPrincipal(TenantId, record.CredentialId, record.Label)));
    }

    public Task<Outcome<PolicySetInfo>> ValidatePolicyAsync(PublishPolicy request)
    {
        if (Exists() is { } missing)
        {
            return Task.FromResult<Outcome<PolicySetInfo>>(missing);
        }

        if (Invalid(RequestValidator.Validate(request), request.Actor) is { } invalid)
        {
            return Task.FromResult<Outcome<PolicySetInfo>>(invalid);
        }

        var version = (State.Policy?.Version ?? 0) + 1;
        var compiled = TenantPolicy.Compile(TenantId, version, request.Policies, request.Schema ?? string.Empty, request.Entities);
        if (compiled.Policy is null)
        {
            return Task.FromResult<Outcome<PolicySetInfo>>(CallError.InvalidArgument(compiled.Problems));
        }

        var record = ToRecord(request, version, compiled.Policy.PolicyIds, clock.GetUtcNow());
        return Task.FromResult(Outcome<PolicySetInfo>.Ok(ToInfo(record)));
    }

    public async Task<Outcome<PolicySetInfo>> PublishPolicyAsync(PublishPolicy request)
    {
        if (Exists() is { } missing)
        {
            return missing;
        }

        if (Invalid(RequestValidator.Validate(request), request.Actor) is { } invalid)
        {
            return invalid;
        }

        var current = State.Policy?.Version ?? 0;
        if (request.ExpectedVersion is { } expected && expected != current)
        {
            return CallError.FailedPrecondition($"policy version is {current}, not the expected {expected}");
        }

        var version = current + 1;
        var compiled = TenantPolicy.Compile(TenantId, version, request.Policies, request.Schema ?? string.Empty, request.Entities);
        if (compiled.Policy is null)
        {
            // INVARIANT: a refused set changes nothing; the previous set stays in force.
            WardenLog.PolicyRefused(logger, TenantId, request.Actor.ToString(), compiled.Problems.Length);
            return CallError.InvalidArgument(compiled.Problems);
        }

        var now = clock.GetUtcNow();
        var record = ToRecord(request, version, compiled.Policy.PolicyIds, now);
        state.State = State with { Policy = record };
        await state.WriteStateAsync();
        policies.Put(compiled.Policy);
        WardenLog.PolicyPublished(logger, TenantId, version, record.PolicyIds.Length, request.Actor.ToString());

        // INVARIANT: the new version is persisted before the fan-out, so a session that activates during it reads the
        // new version itself; the fan-out reaches every live session through its agent and returns when each adopted it.
        var failures = await FanOutAsync(agent => agent.AdoptPolicyAsync(version), (agentId, ex) => WardenLog.PolicyFanOutFailed(logger, ex, TenantId, version, agentId));
        var info = ToInfo(record);
        await Events.PublishAsync(new PolicyPublishedEvent { TenantId = TenantId, At = now, Actor = request.Actor.ToString(), Policy = info });
        if (failures > 0)
        {
            throw new InvalidOperationException(
                $"Policy version {version} of tenant {TenantId} is published, but {failures} agents did not confirm that their sessions adopted it; publish again to retry.");
        }

        return info;
    }

    public Task<Outcome<PolicyDocument>> GetPolicyAsync()
    {
        if (Exists() is { } missing)
        {
            return Task.FromResult<Outcome<PolicyDocument>>(missing);
        }

        return Task.FromResult(State.Policy is { } record
            ? Outcome<PolicyDocument>.Ok(new PolicyDocument(ToInfo(record), record.Policies, record.Schema, record.Entities))
            : CallError.NotFound($"tenant {TenantId} has no published policy set"));
    }

    public async Task<Outcome<RevocationReceipt>> FreezeAsync(StatusChange change)
    {
        if (Exists() is { } missing)
        {
            return missing;
        }

        if (Invalid(RequestValidator.Validate(change), change.Actor) is { } invalid)
        {
            return invalid;
        }

        var effectiveAt = clock.GetUtcNow();
        var actor = change.Actor.ToString();

        // INVARIANT: Frozen is persisted before any session is told, so no session opens from here on and a session
        // activating anywhere during the fan-out sees the freeze when it asks (ITenantControl.GetSnapshotAsync).
        state.State = State with { Status = TenantStatus.Frozen, StatusReason = change.Reason, StatusChangedAt = effectiveAt };
        await state.WriteStateAsync();
        WardenLog.TenantStatusChanged(logger, TenantId, nameof(TenantStatus.Frozen), actor, change.Reason);

        // INVARIANT: the receipt is returned only after every active silo recorded the freeze in its revocation table
        // (each decision there checks it before its answer leaves the session grain). Throws otherwise: no receipt.
        var termination = new Termination(RevocationScope.Tenant, change.Reason, actor);
        var fanOut = await revocations.RecordAsync(RevokedScope.Tenant(TenantId, change.Reason, actor, effectiveAt));

        // A silo lost mid fan-out may not know yet that it was declared dead: then every session is ended durably now
        // (the state write's ETag check fences off its activations). Otherwise each agent ends its sessions afterwards.
        var revoked = 0;
        var failures = await FanOutAsync(
            fanOut.Lost.IsEmpty
                ? async agent => Interlocked.Add(ref revoked, await agent.EndSessionsLaterAsync(termination))
                : async agent => Interlocked.Add(ref revoked, await agent.RevokeSessionsAsync(termination)),
            (agentId, ex) => WardenLog.RevocationFanOutFailed(logger, ex, WardenIds.AgentKey(TenantId, agentId), "*", _options.FanOutAttempts));
        if (failures > 0)
        {
            // No receipt: the sessions of these agents are held by the table but not known to be ending. Freezing again retries.
            throw new RevocationFanOutException(
                $"Tenant {TenantId} is frozen, but {failures} agents did not confirm that their sessions are being revoked; freeze again to retry.");
        }

        var receipt = new RevocationReceipt(RevocationScope.Tenant, TenantId, TenantId, change.Reason, actor, revoked, effectiveAt, clock.GetUtcNow());

        // The lineage stream has the revocation (who, which scope, why, when it took effect) before the receipt does: its
        // records are appended first (durably in durable lineage mode). Observers only get the events: the receipt does
        // not wait for stream delivery.
        await Events.RecordThenEnqueueAsync(
        [
            new TenantStatusChangedEvent { TenantId = TenantId, At = effectiveAt, Actor = actor, Status = TenantStatus.Frozen, Reason = change.Reason },
            new RevocationCompletedEvent { TenantId = TenantId, At = receipt.CompletedAt, Actor = actor, Receipt = receipt },
        ]);
        return RevocationGate.Returning(ServiceProvider, receipt);
    }

    public async Task<Outcome<TenantInfo>> ReactivateAsync(StatusChange change)
    {
        if (Exists() is { } missing)
        {
            return missing;
        }

        if (Invalid(RequestValidator.Validate(change), change.Actor) is { } invalid)
        {
            return invalid;
        }

        if (State.Status == TenantStatus.Frozen)
        {
            // INVARIANT: every session the freeze revoked is durably revoked before the revocation table forgets the
            // tenant, so none comes back open after the reactivation.
            var termination = new Termination(RevocationScope.Tenant, State.StatusReason ?? "tenant frozen", change.Actor.ToString());
            var failures = await FanOutAsync(
                agent => agent.RevokeSessionsAsync(termination),
                (agentId, ex) => WardenLog.RevocationFanOutFailed(logger, ex, WardenIds.AgentKey(TenantId, agentId), "*", _options.FanOutAttempts));
            if (failures > 0)
            {
                throw new RevocationFanOutException($"Tenant {TenantId} stays frozen: {failures} agents did not confirm that their sessions are revoked; repeat the call to retry.");
            }

            var now = clock.GetUtcNow();
            state.State = State with { Status = TenantStatus.Active, StatusReason = change.Reason, StatusChangedAt = now };
            await state.WriteStateAsync();
            WardenLog.TenantStatusChanged(logger, TenantId, nameof(TenantStatus.Active), change.Actor.ToString(), change.Reason);
            await Events.PublishAsync(new TenantStatusChangedEvent { TenantId = TenantId, At = now, Actor = change.Actor.ToString(), Status = TenantStatus.Active, Reason = change.Reason });
        }

        // Always, so that repeating a reactivation whose clearing failed completes it.
        await revocations.ClearAsync(RevokedScope.Tenant(TenantId, string.Empty));
        return ToInfo();
    }

    public async Task<Outcome<AgentRegistered>> RegisterAgentAsync(RegisterAgent request)
    {
        if (Exists() is { } missing)
        {
            return missing;
        }

        if (Invalid(RequestValidator.Validate(request), request.Actor) is { } invalid)
        {
            return invalid;
        }

        if (State.Status != TenantStatus.Active)
        {
            return CallError.FailedPrecondition($"tenant {TenantId} is frozen");
        }

        if (SortedStrings.Contains(State.Agents, request.AgentId))
        {
            return CallError.AlreadyExists($"agent {request.AgentId} exists in tenant {TenantId}");
        }

        // INVARIANT: the id is recorded before the agent exists, so a freeze's fan-out can never miss a registered agent.
        state.State = State with { Agents = SortedStrings.Add(State.Agents, request.AgentId) };
        await state.WriteStateAsync();

        var registered = await GrainFactory.GetGrain<IAgentControl>(WardenIds.AgentKey(TenantId, request.AgentId)).InitializeAsync(request);
        if (!registered.IsOk)
        {
            state.State = State with { Agents = SortedStrings.Remove(State.Agents, request.AgentId) };
            await state.WriteStateAsync();
            return registered;
        }

        await Events.PublishAsync(new AgentRegisteredEvent { TenantId = TenantId, At = registered.Value.Agent.RegisteredAt, Actor = request.Actor.ToString(), Agent = registered.Value.Agent });
        return registered;
    }

    public async Task<Outcome<ImmutableArray<AgentInfo>>> ListAgentsAsync()
    {
        if (Exists() is { } missing)
        {
            return missing;
        }

        var agents = await Task.WhenAll(State.Agents.Select(id => GrainFactory.GetGrain<IAgentGrain>(WardenIds.AgentKey(TenantId, id)).GetAsync()));
        return Outcome<ImmutableArray<AgentInfo>>.Ok([.. agents.Where(a => a.IsOk).Select(a => a.Value!)]);
    }

    public async Task<Outcome<ImmutableArray<SessionSummary>>> ListSessionsAsync()
    {
        if (Exists() is { } missing)
        {
            return missing;
        }

        var lists = await Task.WhenAll(State.Agents.Select(id => GrainFactory.GetGrain<IAgentGrain>(WardenIds.AgentKey(TenantId, id)).ListSessionsAsync()));
        return Outcome<ImmutableArray<SessionSummary>>.Ok([.. lists.Where(l => l.IsOk).SelectMany(l => l.Value)]);
    }

    public Task<Outcome<ImmutableArray<ApprovalInfo>>> ListPendingApprovalsAsync()
    {
        if (Exists() is { } missing)
        {
            return Task.FromResult<Outcome<ImmutableArray<ApprovalInfo>>>(missing);
        }

        var now = clock.GetUtcNow();
        return Task.FromResult(Outcome<ImmutableArray<ApprovalInfo>>.Ok([.. State.PendingApprovals.Where(a => a.ExpiresAt > now)]));
    }

    public Task<TenantSnapshot> GetSnapshotAsync() =>
        Task.FromResult(new TenantSnapshot(State.Status, State.Policy?.Version ?? 0, State.StatusReason));

    public Task<PolicyRecord?> GetPolicyRecordAsync() => Task.FromResult(State.Policy);

    public async Task ApprovalChangedAsync(ApprovalInfo approval)
    {
        ArgumentNullException.ThrowIfNull(approval);
        if (State.Status == TenantStatus.None || !string.Equals(approval.TenantId, TenantId, StringComparison.Ordinal))
        {
            return;
        }

        var now = clock.GetUtcNow();
        var pending = State.PendingApprovals.RemoveAll(a => a.ExpiresAt <= now || a.ApprovalId == approval.ApprovalId);
        if (approval.Status == ApprovalStatus.Pending && approval.ExpiresAt > now)
        {
            pending = pending.Add(approval);
        }
        state.State = State with { PendingApprovals = pending };
        await state.WriteStateAsync();
    }

    /// <summary>Runs <paramref name="call"/> on every agent in parallel, retrying each; returns how many never succeeded.</summary>
    private async Task<int> FanOutAsync(Func<IAgentControl, Task> call, Action<string, Exception> onFailure)
    {
        var results = await Task.WhenAll(State.Agents.Select(async agentId =>
        {
            var agent = GrainFactory.GetGrain<IAgentControl>(WardenIds.AgentKey(TenantId, agentId));
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await call(agent);
                    return true;
                }
                catch (Exception ex) when (attempt < _options.FanOutAttempts)
                {
                    onFailure(agentId, ex);
                }
                catch (Exception ex)
                {
                    onFailure(agentId, ex);
                    return false;
                }
            }
        }));
        return results.Count(ok => !ok);
    }

    private CallError? CheckKey() =>
        WardenIds.IsValidName(TenantId) ? null : CallError.InvalidArgument("tenant_id", "1-64 characters of [A-Za-z0-9._-], starting with a letter or digit");

    private OperatorCredentialRecord? FindCredential(string? credentialId) =>
        credentialId is null ? null : State.OperatorCredentials.FirstOrDefault(c => c.CredentialId == credentialId);

    private CallError? Exists() =>
        State.Status == TenantStatus.None ? CallError.NotFound($"tenant {TenantId}") : null;

    private static CallError? Invalid(ImmutableArray<FieldViolation> violations) =>
        violations.IsDefaultOrEmpty ? null : CallError.InvalidArgument(violations);

    /// <summary>Shape problems first; then an operator of another tenant is refused (the key's tenant is the only one).</summary>
    private CallError? Invalid(ImmutableArray<FieldViolation> violations, Caller actor) =>
        Invalid(violations) ?? (actor.IsIn(TenantId) ? null : CallError.PermissionDenied("the caller belongs to another tenant"));

    private TenantInfo ToInfo() => new(
        TenantId, State.DisplayName, State.Status, State.StatusReason, State.CreatedAt, State.StatusChangedAt,
        State.Policy?.Version ?? 0, State.Agents.Length);

    private PolicySetInfo ToInfo(PolicyRecord record) =>
        new(TenantId, record.Version, record.PublishedAt, record.PublishedBy, record.PolicyIds, record.Digest);

    private static OperatorCredentialInfo ToInfo(OperatorCredentialRecord record) =>
        new(record.CredentialId, record.Label, record.IssuedAt, record.IssuedBy, record.RevokedAt);

    private static PolicyRecord ToRecord(PublishPolicy request, long version, ImmutableArray<string> policyIds, DateTimeOffset now)
    {
        // Length-prefixed parts, so moving text between the three documents changes the digest.
        var text = string.Concat(
            request.Policies.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), ":", request.Policies,
            (request.Schema ?? string.Empty).Length.ToString(System.Globalization.CultureInfo.InvariantCulture), ":", request.Schema ?? string.Empty,
            (request.Entities ?? string.Empty).Length.ToString(System.Globalization.CultureInfo.InvariantCulture), ":", request.Entities ?? string.Empty);
        var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        return new PolicyRecord(version, request.Policies, request.Schema ?? string.Empty, request.Entities, now, request.Actor.ToString(), policyIds, digest);
    }
}
