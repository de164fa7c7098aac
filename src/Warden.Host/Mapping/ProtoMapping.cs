using Google.Protobuf.WellKnownTypes;
using Warden.Agents;
using Warden.Events;
using Warden.Policies;
using Warden.Scopes;
using Warden.Sessions;
using Warden.Tenants;
using P = Warden.Protocol.V1;

namespace Warden.Host.Mapping;

/// <summary>The grains' contract records → the proto messages of <c>warden.v1</c>.</summary>
internal static class ProtoMapping
{
    public static Timestamp ToTimestamp(DateTimeOffset at) => Timestamp.FromDateTimeOffset(at);

    public static P.Grant ToProto(Grant grant, int? usesLeft, bool live)
    {
        var g = new P.Grant
        {
            GrantId = grant.GrantId,
            Action = grant.Action,
            Resource = grant.Resource,
            IssuedAt = ToTimestamp(grant.IssuedAt),
            ExpiresAt = ToTimestamp(grant.ExpiresAt),
            Origin = grant.Origin switch
            {
                GrantOrigin.SessionOpen => P.GrantOrigin.SessionOpen,
                GrantOrigin.Request => P.GrantOrigin.Request,
                GrantOrigin.Approval => P.GrantOrigin.Approval,
                _ => P.GrantOrigin.Unspecified,
            },
            ApprovalId = grant.ApprovalId ?? string.Empty,
            Live = live,
        };
        if (grant.MaxUses is { } max)
        {
            g.MaxUses = max;
        }

        if (usesLeft is { } left)
        {
            g.UsesLeft = left;
        }

        return g;
    }

    public static P.Grant ToProto(GrantInfo info) => ToProto(info.Grant, info.UsesLeft, info.IsLive);

    public static P.ScopeRefusal ToProto(ScopeRefusal refusal) => new()
    {
        Action = refusal.Request.Action,
        Resource = refusal.Request.Resource,
        Code = refusal.Code,
        Message = refusal.Message,
    };

    public static P.Approval ToProto(ApprovalInfo a)
    {
        var approval = new P.Approval
        {
            ApprovalId = a.ApprovalId,
            TenantId = a.TenantId,
            SessionId = a.SessionId,
            AgentId = a.AgentId,
            Kind = a.Kind == ApprovalKind.Action ? P.ApprovalKind.Action : P.ApprovalKind.Grant,
            Action = a.Action,
            Resource = a.Resource,
            InputDigest = a.InputDigest ?? string.Empty,
            Justification = a.Justification,
            Policies = { a.Policies.IsDefault ? [] : a.Policies },
            Status = a.Status switch
            {
                ApprovalStatus.Pending => P.ApprovalStatus.Pending,
                ApprovalStatus.Approved => P.ApprovalStatus.Approved,
                ApprovalStatus.Denied => P.ApprovalStatus.Denied,
                ApprovalStatus.Expired => P.ApprovalStatus.Expired,
                ApprovalStatus.Consumed => P.ApprovalStatus.Consumed,
                _ => P.ApprovalStatus.Unspecified,
            },
            RequestedAt = ToTimestamp(a.RequestedAt),
            ExpiresAt = ToTimestamp(a.ExpiresAt),
            DecidedBy = a.DecidedBy ?? string.Empty,
            DecisionNote = a.DecisionNote ?? string.Empty,
            GrantId = a.GrantId ?? string.Empty,
        };
        if (a.DecidedAt is { } decided)
        {
            approval.DecidedAt = ToTimestamp(decided);
        }

        if (a.MaxUses is { } max)
        {
            approval.MaxUses = max;
        }

        return approval;
    }

    public static P.Decision ToProto(DecisionEffect effect) => effect switch
    {
        DecisionEffect.Allow => P.Decision.Allow,
        DecisionEffect.ApprovalRequired => P.Decision.ApprovalRequired,
        _ => P.Decision.Deny,
    };

    public static P.EvaluateResponse ToProto(Decision d)
    {
        var response = new P.EvaluateResponse
        {
            Decision = ToProto(d.Effect),
            DecisionId = d.DecisionId,
            GrantId = d.GrantId ?? string.Empty,
            DecidedAt = ToTimestamp(d.DecidedAt),
            ApprovalId = d.ApprovalId ?? string.Empty,
            PolicyVersion = d.PolicyVersion,
            Sequence = d.Sequence,
        };
        if (!d.DeterminingPolicies.IsDefaultOrEmpty)
        {
            response.DeterminingPolicies.AddRange(d.DeterminingPolicies);
        }

        if (!d.Reasons.IsDefaultOrEmpty)
        {
            foreach (var reason in d.Reasons)
            {
                response.Reasons.Add(new P.Reason { Code = reason.Code, Message = reason.Message });
            }
        }

        if (!d.Diagnostics.IsDefaultOrEmpty)
        {
            response.Diagnostics.AddRange(d.Diagnostics);
        }

        return response;
    }

    public static P.Intent ToProto(Intent i) => new()
    {
        Task = i.Task,
        Purpose = i.Purpose,
        PromptId = i.PromptId,
        PromptHash = i.PromptHash,
        OnBehalfOf = i.OnBehalfOf,
    };

    public static Intent FromProto(P.Intent? i) => i is null
        ? new Intent(string.Empty, string.Empty, string.Empty, string.Empty, string.Empty)
        : new Intent(i.Task, i.Purpose, i.PromptId, i.PromptHash, i.OnBehalfOf);

    public static P.SessionStatus ToProto(SessionStatus status) => status switch
    {
        SessionStatus.Open => P.SessionStatus.Open,
        SessionStatus.Closed => P.SessionStatus.Closed,
        SessionStatus.Expired => P.SessionStatus.Expired,
        SessionStatus.Revoked => P.SessionStatus.Revoked,
        _ => P.SessionStatus.Unspecified,
    };

    public static P.SessionFacts ToProto(SessionFacts f)
    {
        var facts = new P.SessionFacts { Decisions = f.Decisions, Allows = f.Allows, Denials = f.Denials };
        if (!f.Actions.IsDefaultOrEmpty)
        {
            facts.Actions.AddRange(f.Actions);
        }

        if (!f.Labels.IsDefaultOrEmpty)
        {
            facts.Labels.AddRange(f.Labels);
        }

        if (f.ActionCounts is not null)
        {
            foreach (var (action, count) in f.ActionCounts)
            {
                facts.ActionCounts[action] = count;
            }
        }

        return facts;
    }

    public static P.Session ToProto(SessionInfo s)
    {
        var session = new P.Session
        {
            SessionId = s.SessionId,
            TenantId = s.TenantId,
            AgentId = s.AgentId,
            Intent = ToProto(s.Intent),
            Status = ToProto(s.Status),
            OpenedAt = ToTimestamp(s.OpenedAt),
            ExpiresAt = ToTimestamp(s.ExpiresAt),
            EndReason = s.EndReason ?? string.Empty,
            EndedBy = s.EndedBy ?? string.Empty,
            PolicyVersion = s.PolicyVersion,
        };
        if (s.EndedAt is { } ended)
        {
            session.EndedAt = ToTimestamp(ended);
        }

        if (!s.Grants.IsDefaultOrEmpty)
        {
            session.Grants.AddRange(s.Grants.Select(ToProto));
        }

        if (!s.Approvals.IsDefaultOrEmpty)
        {
            session.Approvals.AddRange(s.Approvals.Select(ToProto));
        }

        if (s.Facts is not null)
        {
            session.Facts = ToProto(s.Facts);
        }

        return session;
    }

    public static P.Session ToProto(SessionSummary s) => new()
    {
        SessionId = s.SessionId,
        TenantId = s.TenantId,
        AgentId = s.AgentId,
        Intent = new P.Intent { Task = s.Task },
        Status = P.SessionStatus.Open,
        OpenedAt = ToTimestamp(s.OpenedAt),
        ExpiresAt = ToTimestamp(s.ExpiresAt),
    };

    public static P.OpenSessionResponse ToProto(SessionOpened opened, string tenantId, string agentId, Intent intent)
    {
        var session = new P.Session
        {
            SessionId = opened.SessionId,
            TenantId = tenantId,
            AgentId = agentId,
            Intent = ToProto(intent),
            Status = P.SessionStatus.Open,
            OpenedAt = ToTimestamp(opened.OpenedAt),
            ExpiresAt = ToTimestamp(opened.ExpiresAt),
            PolicyVersion = opened.PolicyVersion,
        };
        if (!opened.Grants.IsDefaultOrEmpty)
        {
            session.Grants.AddRange(opened.Grants.Select(g => ToProto(g, g.MaxUses, live: true)));
        }

        var response = new P.OpenSessionResponse { Session = session };
        if (!opened.Refused.IsDefaultOrEmpty)
        {
            response.Refused.AddRange(opened.Refused.Select(ToProto));
        }

        if (!opened.PendingApprovals.IsDefaultOrEmpty)
        {
            response.PendingApprovals.AddRange(opened.PendingApprovals.Select(ToProto));
        }

        return response;
    }

    public static P.AgentStatus ToProto(AgentStatus status) => status switch
    {
        AgentStatus.Active => P.AgentStatus.Active,
        AgentStatus.Suspended => P.AgentStatus.Suspended,
        AgentStatus.Retired => P.AgentStatus.Retired,
        _ => P.AgentStatus.Unspecified,
    };

    public static P.Agent ToProto(AgentInfo a)
    {
        var agent = new P.Agent
        {
            TenantId = a.TenantId,
            AgentId = a.AgentId,
            DisplayName = a.DisplayName,
            Owner = a.Owner,
            Status = ToProto(a.Status),
            RegisteredAt = ToTimestamp(a.RegisteredAt),
            StatusReason = a.StatusReason ?? string.Empty,
            StatusChangedAt = ToTimestamp(a.StatusChangedAt),
            RiskTier = a.RiskTier,
            LiveSessions = a.LiveSessions,
        };
        if (!a.ActionSurface.IsDefaultOrEmpty)
        {
            agent.ActionSurface.AddRange(ScopeMapping.ToRules(a.ActionSurface));
        }

        if (!a.Labels.IsDefaultOrEmpty)
        {
            agent.Labels.AddRange(a.Labels);
        }

        if (!a.Groups.IsDefaultOrEmpty)
        {
            agent.Groups.AddRange(a.Groups);
        }

        return agent;
    }

    public static P.Tenant ToProto(TenantInfo t) => new()
    {
        TenantId = t.TenantId,
        DisplayName = t.DisplayName,
        Status = t.Status == TenantStatus.Frozen ? P.TenantStatus.Frozen : t.Status == TenantStatus.Active ? P.TenantStatus.Active : P.TenantStatus.Unspecified,
        StatusReason = t.StatusReason ?? string.Empty,
        CreatedAt = ToTimestamp(t.CreatedAt),
        PolicyVersion = t.PolicyVersion,
        AgentCount = t.AgentCount,
    };

    public static P.PolicySet ToProto(PolicySetInfo info, string? policies, string? schema, string? entities)
    {
        var set = new P.PolicySet
        {
            TenantId = info.TenantId,
            Version = info.Version,
            Policies = policies ?? string.Empty,
            Schema = schema ?? string.Empty,
            EntitiesJson = entities ?? string.Empty,
            PublishedBy = info.PublishedBy,
            Digest = info.Digest,
        };
        if (info.Version > 0)
        {
            set.PublishedAt = ToTimestamp(info.PublishedAt);
        }

        if (!info.PolicyIds.IsDefaultOrEmpty)
        {
            set.PolicyIds.AddRange(info.PolicyIds);
        }

        return set;
    }

    public static P.PolicySet ToProto(PolicyDocument d) => ToProto(d.Info, d.Policies, d.Schema, d.Entities);

    public static P.SessionEvent ToProto(SessionEvent e)
    {
        var proto = new P.SessionEvent { Sequence = e.Sequence, At = ToTimestamp(e.At), Actor = e.Actor };
        switch (e)
        {
            case SessionOpenedEvent opened:
                proto.Kind = "session_opened";
                proto.Reasons.Add(new P.Reason { Code = "intent", Message = opened.Intent.Task });
                break;
            case GrantIssuedEvent issued:
                proto.Kind = "grant_issued";
                proto.Action = issued.Grant.Action;
                proto.Resource = issued.Grant.Resource;
                proto.GrantId = issued.Grant.GrantId;
                break;
            case DecisionEvent decision:
                proto.Kind = "decision";
                proto.Action = decision.Action;
                proto.Resource = $"{decision.ResourceType}::\"{decision.ResourceId}\"";
                proto.Decision = ToProto(decision.Decision.Effect);
                proto.DecisionId = decision.Decision.DecisionId;
                proto.GrantId = decision.Decision.GrantId ?? string.Empty;
                if (!decision.Decision.DeterminingPolicies.IsDefaultOrEmpty)
                {
                    proto.DeterminingPolicies.AddRange(decision.Decision.DeterminingPolicies);
                }

                if (!decision.Decision.Reasons.IsDefaultOrEmpty)
                {
                    proto.Reasons.AddRange(decision.Decision.Reasons.Select(r => new P.Reason { Code = r.Code, Message = r.Message }));
                }

                break;
            case ApprovalRequestedEvent requested:
                proto.Kind = "approval_requested";
                proto.Action = requested.Approval.Action;
                proto.Resource = requested.Approval.Resource;
                break;
            case ApprovalDecidedEvent decided:
                proto.Kind = "approval_decided";
                proto.Action = decided.Approval.Action;
                proto.Resource = decided.Approval.Resource;
                proto.GrantId = decided.Approval.GrantId ?? string.Empty;
                break;
            case SessionEndedEvent ended:
                proto.Kind = "session_" + ended.Status.ToString().ToLowerInvariant();
                proto.Reasons.Add(new P.Reason { Code = ended.Status.ToString().ToLowerInvariant(), Message = ended.Reason });
                break;
            default:
                // Event kinds added later still show up, named by their type.
                proto.Kind = e.GetType().Name;
                break;
        }

        return proto;
    }
}
