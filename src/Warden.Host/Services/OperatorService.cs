using System.Collections.Immutable;
using Grpc.Core;
using Warden.Agents;
using Warden.Host.Errors;
using Warden.Host.Mapping;
using Warden.Host.Security;
using Warden.Host.Validation;
using Warden.Policies;
using Warden.Sessions;
using Warden.Tenants;
using P = Warden.Protocol.V1;

namespace Warden.Host.Services;

/// <summary>
/// <c>warden.v1.Operator</c>: a thin adapter over the tenant, agent and session grains. Every call names its tenant;
/// an operator credential of another tenant gets NOT_FOUND, exactly as for a tenant that does not exist.
/// </summary>
internal sealed partial class OperatorService(IGrainFactory grains) : P.Operator.OperatorBase
{
    public override async Task<P.Tenant> CreateTenant(P.CreateTenantRequest request, ServerCallContext context)
    {
        var op = context.AnyOperator();
        if (!op.IsRoot)
        {
            // Whatever the id: a tenant operator creates no tenants, so this reveals nothing about other tenants.
            GrpcErrors.PermissionDenied("only the root operator creates tenants");
        }

        new RequestCheck().NameId(request.TenantId, "tenant_id").ThrowIfInvalid();

        var created = await Tenant(request.TenantId).CreateAsync(new CreateTenant(request.DisplayName, op.ForGrains)).ConfigureAwait(false);
        return ProtoMapping.ToProto(created.Unwrap("tenant_id"));
    }

    public override async Task<P.Tenant> GetTenant(P.GetTenantRequest request, ServerCallContext context)
    {
        Authorize(context, request.TenantId);
        return ProtoMapping.ToProto((await Tenant(request.TenantId).GetAsync().ConfigureAwait(false)).Unwrap("tenant_id"));
    }

    public override async Task<P.CreateOperatorCredentialResponse> CreateOperatorCredential(P.CreateOperatorCredentialRequest request, ServerCallContext context)
    {
        var op = Authorize(context, request.TenantId);
        var issued = (await Tenant(request.TenantId)
            .IssueOperatorCredentialAsync(new IssueOperatorCredential(request.Label, op.ForGrains))
            .ConfigureAwait(false)).Unwrap("tenant_id");
        return new P.CreateOperatorCredentialResponse { CredentialId = issued.CredentialId, Credential = issued.Token };
    }

    public override async Task<P.RegisterAgentResponse> RegisterAgent(P.RegisterAgentRequest request, ServerCallContext context)
    {
        var check = new RequestCheck().NameId(request.TenantId, "tenant_id").NameId(request.AgentId, "agent_id");
        var surface = ScopeMapping.ToSurface(request.ActionSurface, "action_surface", check);
        if (request.ActionSurface.Count == 0)
        {
            check.Add("action_surface", "at least one rule is required");
        }

        check.ThrowIfInvalid();
        var op = context.Operator(request.TenantId);
        var registered = (await Tenant(request.TenantId).RegisterAgentAsync(new RegisterAgent(
                request.AgentId,
                request.Owner,
                request.DisplayName,
                surface,
                request.RiskTier,
                [.. request.Labels],
                [.. request.Groups],
                op.ForGrains)).ConfigureAwait(false)).Unwrap("tenant_id");
        return new P.RegisterAgentResponse { Agent = ProtoMapping.ToProto(registered.Agent), Credential = registered.Credential.Token };
    }

    public override async Task<P.PolicySet> PublishPolicies(P.PublishPoliciesRequest request, ServerCallContext context)
    {
        var op = Authorize(context, request.TenantId);
        var publish = new PublishPolicy(
            request.Policies,
            request.Schema,
            request.EntitiesJson.Length == 0 ? null : request.EntitiesJson,
            op.ForGrains,
            request.HasExpectedVersion ? request.ExpectedVersion : null);
        var published = (await Tenant(request.TenantId).PublishPolicyAsync(publish).ConfigureAwait(false)).Unwrap("tenant_id");
        return ProtoMapping.ToProto(published, request.Policies, request.Schema, publish.Entities);
    }

    public override async Task<P.PolicySet> GetPolicies(P.GetPoliciesRequest request, ServerCallContext context)
    {
        Authorize(context, request.TenantId);
        var tenant = Tenant(request.TenantId);
        var document = await tenant.GetPolicyAsync().ConfigureAwait(false);
        if (document.Status == CallStatus.NotFound)
        {
            // Nothing published yet is an answer (version 0: everything is denied), as long as the tenant exists.
            var info = (await tenant.GetAsync().ConfigureAwait(false)).Unwrap("tenant_id");
            return new P.PolicySet { TenantId = info.TenantId, Version = info.PolicyVersion };
        }

        return ProtoMapping.ToProto(document.Unwrap("tenant_id"));
    }

    public override async Task<P.Agent> GetAgent(P.AgentRequest request, ServerCallContext context)
    {
        AuthorizeAgent(context, request.TenantId, request.AgentId);
        return ProtoMapping.ToProto((await Agent(request.TenantId, request.AgentId).GetAsync().ConfigureAwait(false)).Unwrap("agent_id"));
    }

    public override async Task<P.AgentStatusChangeResponse> SuspendAgent(P.AgentStatusChangeRequest request, ServerCallContext context)
    {
        var op = AuthorizeAgent(context, request.TenantId, request.AgentId);
        var agent = Agent(request.TenantId, request.AgentId);
        var receipt = (await agent.SuspendAsync(new StatusChange(request.Reason, op.ForGrains)).ConfigureAwait(false)).Unwrap("agent_id");
        return await StatusChangedAsync(agent, receipt.SessionsRevoked).ConfigureAwait(false);
    }

    public override async Task<P.AgentStatusChangeResponse> ReactivateAgent(P.AgentStatusChangeRequest request, ServerCallContext context)
    {
        var op = AuthorizeAgent(context, request.TenantId, request.AgentId);
        var info = (await Agent(request.TenantId, request.AgentId).ReactivateAsync(new StatusChange(request.Reason, op.ForGrains)).ConfigureAwait(false)).Unwrap("agent_id");
        return new P.AgentStatusChangeResponse { Agent = ProtoMapping.ToProto(info) };
    }

    public override async Task<P.AgentStatusChangeResponse> RetireAgent(P.AgentStatusChangeRequest request, ServerCallContext context)
    {
        var op = AuthorizeAgent(context, request.TenantId, request.AgentId);
        var agent = Agent(request.TenantId, request.AgentId);
        var receipt = (await agent.RetireAsync(new StatusChange(request.Reason, op.ForGrains)).ConfigureAwait(false)).Unwrap("agent_id");
        return await StatusChangedAsync(agent, receipt.SessionsRevoked).ConfigureAwait(false);
    }

    public override async Task<P.RotateAgentCredentialResponse> RotateAgentCredential(P.AgentStatusChangeRequest request, ServerCallContext context)
    {
        var op = AuthorizeAgent(context, request.TenantId, request.AgentId);
        var agent = Agent(request.TenantId, request.AgentId);
        var issued = (await agent.RotateCredentialAsync(new StatusChange(request.Reason, op.ForGrains)).ConfigureAwait(false)).Unwrap("agent_id");
        var info = (await agent.GetAsync().ConfigureAwait(false)).Unwrap("agent_id");
        return new P.RotateAgentCredentialResponse
        {
            Agent = ProtoMapping.ToProto(info),
            Credential = issued.Token,
            IssuedAt = ProtoMapping.ToTimestamp(issued.IssuedAt),
        };
    }

    public override async Task<P.ListAgentsResponse> ListAgents(P.ListAgentsRequest request, ServerCallContext context)
    {
        Authorize(context, request.TenantId);
        var agents = (await Tenant(request.TenantId).ListAgentsAsync().ConfigureAwait(false)).Unwrap("tenant_id");
        var response = new P.ListAgentsResponse();
        foreach (var agent in agents)
        {
            var proto = ProtoMapping.ToProto(agent);
            if (request.Status == P.AgentStatus.Unspecified || proto.Status == request.Status)
            {
                response.Agents.Add(proto);
            }
        }

        return response;
    }

    public override async Task<P.ListSessionsResponse> ListSessions(P.ListSessionsRequest request, ServerCallContext context)
    {
        var check = new RequestCheck().NameId(request.TenantId, "tenant_id");
        if (request.AgentId.Length > 0)
        {
            check.NameId(request.AgentId, "agent_id");
        }

        if (request.Limit is < 0 or > RequestLimits.ListLimit)
        {
            check.Add("limit", $"must be between 0 and {RequestLimits.ListLimit}");
        }

        check.ThrowIfInvalid();
        context.Operator(request.TenantId);
        var sessions = request.AgentId.Length > 0
            ? (await Agent(request.TenantId, request.AgentId).ListSessionsAsync().ConfigureAwait(false)).Unwrap("agent_id")
            : (await Tenant(request.TenantId).ListSessionsAsync().ConfigureAwait(false)).Unwrap("tenant_id");
        var limit = request.Limit == 0 ? RequestLimits.DefaultListLimit : request.Limit;
        var response = new P.ListSessionsResponse();
        response.Sessions.AddRange(sessions.OrderByDescending(s => s.OpenedAt).Take(limit).Select(ProtoMapping.ToProto));
        return response;
    }

    public override async Task<P.SessionDetail> GetSession(P.GetSessionRequest request, ServerCallContext context)
    {
        new RequestCheck().NameId(request.TenantId, "tenant_id").SessionId(request.SessionId).ThrowIfInvalid();
        var op = context.Operator(request.TenantId);
        var session = Session(request.TenantId, request.SessionId);
        var info = (await session.GetAsync(op.ForGrains).ConfigureAwait(false)).Unwrap("session_id");
        var history = (await session.GetHistoryAsync(op.ForGrains).ConfigureAwait(false)).Unwrap("session_id");
        var detail = new P.SessionDetail { Session = ProtoMapping.ToProto(info) };
        if (!history.Events.IsDefaultOrEmpty)
        {
            detail.History.AddRange(history.Events.Select(ProtoMapping.ToProto));
        }

        return detail;
    }

    public override async Task<P.ListPendingApprovalsResponse> ListPendingApprovals(P.ListPendingApprovalsRequest request, ServerCallContext context)
    {
        Authorize(context, request.TenantId);
        var pending = (await Tenant(request.TenantId).ListPendingApprovalsAsync().ConfigureAwait(false)).Unwrap("tenant_id");
        var response = new P.ListPendingApprovalsResponse();
        response.Approvals.AddRange(pending.Select(ProtoMapping.ToProto));
        return response;
    }

    public override Task<P.Approval> Approve(P.DecideApprovalRequest request, ServerCallContext context) => DecideAsync(request, approve: true, context);

    public override Task<P.Approval> Deny(P.DecideApprovalRequest request, ServerCallContext context) => DecideAsync(request, approve: false, context);

    private async Task<P.Approval> DecideAsync(P.DecideApprovalRequest request, bool approve, ServerCallContext context)
    {
        new RequestCheck()
            .NameId(request.TenantId, "tenant_id")
            .SessionId(request.SessionId)
            .OpaqueId(request.ApprovalId, "approval_id")
            .ThrowIfInvalid();
        var op = context.Operator(request.TenantId);
        var decided = await Session(request.TenantId, request.SessionId)
            .DecideApprovalAsync(op.ForGrains, new ApprovalDecision(request.ApprovalId, approve, request.Note))
            .ConfigureAwait(false);
        return ProtoMapping.ToProto(decided.Unwrap("approval_id"));
    }

    private async Task<P.AgentStatusChangeResponse> StatusChangedAsync(IAgentGrain agent, int sessionsEnded)
    {
        var info = (await agent.GetAsync().ConfigureAwait(false)).Unwrap("agent_id");
        return new P.AgentStatusChangeResponse { Agent = ProtoMapping.ToProto(info), SessionsEnded = sessionsEnded };
    }

    private static OperatorIdentity Authorize(ServerCallContext context, string tenantId)
    {
        new RequestCheck().NameId(tenantId, "tenant_id").ThrowIfInvalid();
        return context.Operator(tenantId);
    }

    private static OperatorIdentity AuthorizeAgent(ServerCallContext context, string tenantId, string agentId)
    {
        new RequestCheck().NameId(tenantId, "tenant_id").NameId(agentId, "agent_id").ThrowIfInvalid();
        return context.Operator(tenantId);
    }

    private ITenantGrain Tenant(string tenantId) => grains.GetGrain<ITenantGrain>(tenantId);

    private IAgentGrain Agent(string tenantId, string agentId) => grains.GetGrain<IAgentGrain>(WardenIds.AgentKey(tenantId, agentId));

    private ISessionGrain Session(string tenantId, string sessionId) => grains.GetGrain<ISessionGrain>(WardenIds.SessionKey(tenantId, sessionId));
}
