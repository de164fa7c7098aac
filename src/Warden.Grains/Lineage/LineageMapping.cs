using System.Collections.Immutable;
using Warden.Agents;
using Warden.Events;
using Warden.Grains.Sessions;
using Warden.Lineage.Records;
using Warden.Sessions;
using Warden.Tenants;
using LineageRevocationScope = Warden.Lineage.Records.RevocationScope;

namespace Warden.Grains.Lineage;

/// <summary>
/// Turns Warden's events into lineage events. Pure: the caller supplies the session's state (intent, grants, uses) and
/// the redacted context of each decision.
/// </summary>
internal static class LineageMapping
{
    /// <summary>Maps tenant-level events (policy, agents, tenant status, revocations). Events without a lineage kind yield nothing.</summary>
    public static void MapTenantEvent(WardenEvent e, List<LineageEvent> output)
    {
        switch (e)
        {
            case PolicyPublishedEvent published:
                output.Add(Base(e, LineageEventKind.PolicyPublished) with
                {
                    PolicySetVersion = published.Policy.Version,
                    PolicyIds = published.Policy.PolicyIds.IsDefault ? [] : published.Policy.PolicyIds,
                    Reasons = ["digest " + published.Policy.Digest],
                });
                break;
            case AgentRegisteredEvent registered:
                output.Add(Base(e, LineageEventKind.AgentRegistered) with
                {
                    AgentId = registered.Agent.AgentId,
                    Reasons = ["owner " + registered.Agent.Owner, "risk tier " + registered.Agent.RiskTier],
                });
                break;
            case AgentChangedEvent changed when AgentKind(changed) is { } kind:
                output.Add(Base(e, kind) with { AgentId = changed.AgentId, Reasons = [changed.Reason] });
                break;
            case TenantStatusChangedEvent status when status.Status is TenantStatus.Frozen or TenantStatus.Active:
                output.Add(Base(e, status.Status == TenantStatus.Frozen ? LineageEventKind.TenantFrozen : LineageEventKind.TenantReactivated) with
                {
                    Reasons = [status.Reason],
                });
                break;
            case RevocationCompletedEvent revoked:
                var receipt = revoked.Receipt;
                output.Add(Base(e, LineageEventKind.Revocation) with
                {
                    AgentId = receipt.Scope == Warden.RevocationScope.Agent ? receipt.Target : null,
                    SessionId = receipt.Scope == Warden.RevocationScope.Session ? receipt.Target : null,
                    Reasons = [receipt.Reason, $"sessions revoked {receipt.SessionsRevoked}"],
                    Revocation = new LineageRevocation
                    {
                        RevokedBy = receipt.RevokedBy,
                        Scope = Scope(receipt.Scope),
                        TargetId = receipt.Target,
                        Reason = receipt.Reason,
                        EffectiveAt = receipt.EffectiveAt,
                    },
                });
                break;
            default:
                // Tenant created, operator credentials, credential rotation: administrative, not lineage kinds.
                break;
        }
    }

    /// <summary>Maps one session event (not a decision: see <see cref="MapDecision"/>).</summary>
    public static void MapSessionEvent(SessionEvent e, SessionState state, List<LineageEvent> output)
    {
        switch (e)
        {
            case SessionOpenedEvent opened:
                output.Add(Session(e, LineageEventKind.SessionOpened) with
                {
                    Intent = Intent(opened.Intent),
                    PolicySetVersion = opened.PolicyVersion,
                    Reasons = ["expires " + opened.ExpiresAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture)],
                });
                break;
            case GrantIssuedEvent issued:
                output.Add(Session(e, LineageEventKind.GrantIssued) with
                {
                    GrantId = issued.Grant.GrantId,
                    Action = issued.Grant.Action,
                    Resource = issued.Grant.Resource,
                    RequestId = issued.Grant.ApprovalId,
                    Reasons = [$"origin {issued.Grant.Origin.ToString().ToLowerInvariant()}", "expires " + issued.Grant.ExpiresAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture)],
                });
                break;
            case ApprovalRequestedEvent requested:
                output.Add(Approval(e, LineageEventKind.ApprovalRequested, requested.Approval) with
                {
                    Reasons = [requested.Approval.Justification],
                });
                break;
            case ApprovalDecidedEvent decided:
                output.Add(Approval(e, LineageEventKind.ApprovalDecided, decided.Approval) with
                {
                    Decision = decided.Approval.Status == ApprovalStatus.Approved || decided.Approval.Status == ApprovalStatus.Consumed ? LineageDecision.Allow : LineageDecision.Deny,
                    Reasons = [decided.Approval.Status.ToString().ToLowerInvariant(), decided.Approval.DecisionNote ?? string.Empty],
                    Actor = decided.Approval.DecidedBy ?? e.Actor,
                    GrantId = decided.Approval.GrantId,
                });
                break;
            case SessionEndedEvent ended:
                MapEnded(ended, state, output);
                break;
            default:
                // Policy adoption is recorded once, as the tenant's PolicyPublished.
                break;
        }
    }

    /// <summary>Maps a decision; <paramref name="context"/> is its redacted tool-argument context (or null for none).</summary>
    /// <remarks><paramref name="intent"/> is the session's intent as <see cref="IntentOf"/> maps it (one per batch, shared by its records).</remarks>
    public static LineageEvent MapDecision(DecisionEvent e, LineageIntent? intent, LineageHash? contextDigest, string? context)
    {
        var decision = e.Decision;
        var reasons = new string[decision.Reasons.IsDefault ? 0 : decision.Reasons.Length];
        for (var i = 0; i < reasons.Length; i++)
        {
            reasons[i] = decision.Reasons[i].Code + ": " + decision.Reasons[i].Message;
        }

        // Built in one object initializer, not Session(...) with { ... }: each `with` clones the whole record, and this
        // runs for every decision.
        return new LineageEvent
        {
            TenantId = e.TenantId,
            Kind = LineageEventKind.Decision,
            OccurredAt = e.At,
            Actor = e.Actor,
            AgentId = e.AgentId,
            SessionId = e.SessionId,
            Intent = intent,
            Action = e.Action,
            Resource = string.Concat(e.ResourceType, "::\"", e.ResourceId, "\""),
            DecisionId = decision.DecisionId,
            Decision = decision.Effect switch
            {
                DecisionEffect.Allow => LineageDecision.Allow,
                DecisionEffect.ApprovalRequired => LineageDecision.ApprovalRequired,
                _ => LineageDecision.Deny,
            },
            Reasons = reasons,
            PolicyIds = decision.DeterminingPolicies.IsDefault ? [] : decision.DeterminingPolicies,
            PolicySetVersion = decision.PolicyVersion,
            GrantId = decision.GrantId,
            RequestId = decision.ApprovalId,
            ContextDigest = contextDigest,
            RedactedContext = context,

            // INVARIANT: a decision record carries what its session needs to re-apply it (LineageReplay): the lineage
            // log is the session's journal when the state write is deferred.
            Step = new LineageSessionStep { SessionSequence = e.Sequence, Labels = e.Labels.IsDefault ? [] : e.Labels },
        };
    }

    /// <summary>A grant that an allowed decision used up (its last use).</summary>
    public static LineageEvent GrantUsedUp(DecisionEvent e, Grant grant) => Session(e, LineageEventKind.GrantUsedUp) with
    {
        GrantId = grant.GrantId,
        Action = grant.Action,
        Resource = grant.Resource,
        Reasons = [$"{grant.MaxUses} of {grant.MaxUses} uses spent"],
    };

    private static void MapEnded(SessionEndedEvent ended, SessionState state, List<LineageEvent> output)
    {
        var reason = ended.Reason;

        // Every grant dies with its session: one record per grant that was still alive (or lapsed unseen).
        foreach (var grant in state.Grants)
        {
            if (grant.MaxUses is { } max && state.History.UsesOf(grant.GrantId) >= max)
            {
                continue; // recorded as used up when its last use was allowed
            }

            var expired = grant.ExpiresAt <= ended.At;
            output.Add(Session(ended, expired ? LineageEventKind.GrantExpired : LineageEventKind.GrantRevoked) with
            {
                GrantId = grant.GrantId,
                Action = grant.Action,
                Resource = grant.Resource,
                Reasons = [expired ? "expired" : $"session {ended.Status.ToString().ToLowerInvariant()}: {reason}"],
            });
        }

        switch (ended.Status)
        {
            case SessionStatus.Expired:
                output.Add(Session(ended, LineageEventKind.SessionExpired) with { Reasons = [reason] });
                break;
            case SessionStatus.Revoked:
                output.Add(Session(ended, LineageEventKind.Revocation) with
                {
                    Reasons = [reason],
                    Revocation = new LineageRevocation
                    {
                        RevokedBy = ended.Actor,
                        Scope = Scope(ended.RevocationScope ?? Warden.RevocationScope.Session),
                        TargetId = ended.SessionId,
                        Reason = reason,
                        EffectiveAt = ended.At,
                    },
                });
                break;
            default:
                output.Add(Session(ended, LineageEventKind.SessionClosed) with { Reasons = [reason] });
                break;
        }
    }

    private static LineageEventKind? AgentKind(AgentChangedEvent changed) => changed.Status switch
    {
        // A credential rotation keeps the agent's status: its own kind, whatever the status is.
        _ when changed.CredentialRotated => LineageEventKind.AgentCredentialRotated,
        AgentStatus.Suspended => LineageEventKind.AgentSuspended,
        AgentStatus.Retired => LineageEventKind.AgentRetired,
        AgentStatus.Active => LineageEventKind.AgentReactivated,
        _ => null,
    };

    private static LineageEvent Base(WardenEvent e, LineageEventKind kind) =>
        new() { TenantId = e.TenantId, Kind = kind, OccurredAt = e.At, Actor = e.Actor };

    private static LineageEvent Session(SessionEvent e, LineageEventKind kind) =>
        Base(e, kind) with { AgentId = e.AgentId, SessionId = e.SessionId };

    private static LineageEvent Approval(SessionEvent e, LineageEventKind kind, ApprovalInfo approval) => Session(e, kind) with
    {
        RequestId = approval.ApprovalId,
        Action = approval.Action,
        Resource = approval.Resource,
        PolicyIds = approval.Policies.IsDefault ? [] : approval.Policies,
    };

    /// <summary>The session's intent as a lineage intent; null without one.</summary>
    public static LineageIntent? IntentOf(Intent? intent) => intent is null ? null : Intent(intent);

    private static LineageIntent Intent(Intent intent) => new()
    {
        Task = intent.Task,
        PromptId = Empty(intent.PromptId),
        PromptHash = Empty(intent.PromptHash),
        OnBehalfOf = Empty(intent.OnBehalfOf),
    };

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static LineageRevocationScope Scope(Warden.RevocationScope scope) => scope switch
    {
        Warden.RevocationScope.Agent => LineageRevocationScope.Agent,
        Warden.RevocationScope.Tenant => LineageRevocationScope.Tenant,
        _ => LineageRevocationScope.Session,
    };
}
