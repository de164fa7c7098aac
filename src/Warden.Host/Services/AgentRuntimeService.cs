using System.Collections.Immutable;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Warden.Agents;
using Warden.Grains.Lineage;
using Warden.Host.Diagnostics;
using Warden.Host.Errors;
using Warden.Host.Hosting;
using Warden.Host.Mapping;
using Warden.Host.Security;
using Warden.Host.Validation;
using Warden.Sessions;
using P = Warden.Protocol.V1;

namespace Warden.Host.Services;

/// <summary>
/// <c>warden.v1.AgentRuntime</c>: a thin adapter over the agent and session grains. The agent is the one the
/// credential names; its sessions are addressed inside its own tenant, so another tenant's session id is simply
/// not found.
/// </summary>
internal sealed class AgentRuntimeService(
    IGrainFactory grains,
    SessionGrainReferences sessions,
    TimeProvider time,
    IOptions<WardenHostOptions> options,
    ILogger<AgentRuntimeService> logger) : P.AgentRuntime.AgentRuntimeBase
{
    private static readonly TimeSpan MaxWatchPoll = TimeSpan.FromSeconds(1);

    public override async Task<P.OpenSessionResponse> OpenSession(P.OpenSessionRequest request, ServerCallContext context)
    {
        var agent = context.Agent();
        var check = new RequestCheck();
        if (request.Intent is null)
        {
            check.Add("intent", "is required");
        }

        check.NonNegative(request.Ttl, "ttl");
        var scope = ScopeMapping.ToRequests(request.RequestedScope, "requested_scope", check);
        check.ThrowIfInvalid();
        var ttl = request.Ttl is { } d && d.ToTimeSpan() > TimeSpan.Zero ? d.ToTimeSpan() : (TimeSpan?)null;
        var intent = ProtoMapping.FromProto(request.Intent);
        var opened = await grains.GetGrain<IAgentGrain>(WardenIds.AgentKey(agent.TenantId, agent.AgentId))
            .OpenSessionAsync(new OpenSession(intent, scope, ttl))
            .ConfigureAwait(false);
        return ProtoMapping.ToProto(opened.Unwrap("agent_id"), agent.TenantId, agent.AgentId, intent);
    }

    public override async Task<P.EvaluateResponse> Evaluate(P.EvaluateRequest request, ServerCallContext context)
    {
        // INVARIANT: only RpcException leaves this method. CallInterceptor passes Evaluate through without its own
        // async layer (CallInterceptor.SelfMappedMethods), so what would escape is mapped here, as it maps it.
        try
        {
            var agent = context.Agent();
            var check = new RequestCheck();
            var domain = EvaluationMapping.ToDomain(request, check);
            check.ThrowIfInvalid();
            Outcome<Decision> outcome;
            try
            {
                DecisionTelemetry.CarryTraceContext();
                outcome = await Session(agent, request.SessionId).EvaluateAsync(agent.ForGrains, domain!).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not RpcException && !context.CancellationToken.IsCancellationRequested)
            {
                // Fail closed: an evaluation that breaks inside Warden is a deny, with the reason on record.
                HostLog.EvaluateFailedClosed(logger, e, request.SessionId);
                return FailedClosed(time);
            }

            return ProtoMapping.ToProto(outcome.Unwrap("session_id"));
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw ExceptionMapping.ToRpcException(e, context, logger);
        }
    }

    public override Task EvaluateStream(IAsyncStreamReader<P.EvaluateStreamRequest> requestStream, IServerStreamWriter<P.EvaluateStreamResponse> responseStream, ServerCallContext context)
    {
        var agent = context.Agent();
        var pump = new EvaluateStreamPump(agent, id => Session(agent, id), time, options.Value.StreamMaxInFlight, logger, context.CancellationToken);
        return pump.RunAsync(requestStream, responseStream);
    }

    public override async Task<P.RequestGrantResponse> RequestGrant(P.RequestGrantRequest request, ServerCallContext context)
    {
        var agent = context.Agent();
        var check = new RequestCheck().SessionId(request.SessionId);
        check.NonNegative(request.Ttl, "ttl");
        var scope = ScopeMapping.ToRequests(request.Scope, "scope", check);
        check.ThrowIfInvalid();
        var ttl = request.Ttl is { } d && d.ToTimeSpan() > TimeSpan.Zero ? d.ToTimeSpan() : (TimeSpan?)null;
        var result = (await Session(agent, request.SessionId)
            .RequestGrantAsync(agent.ForGrains, new GrantRequest(scope, request.Justification, ttl))
            .ConfigureAwait(false)).Unwrap("session_id");
        var response = new P.RequestGrantResponse();
        if (!result.Issued.IsDefaultOrEmpty)
        {
            response.Issued.AddRange(result.Issued.Select(g => ProtoMapping.ToProto(g, g.MaxUses, live: true)));
        }

        if (!result.Pending.IsDefaultOrEmpty)
        {
            response.Pending.AddRange(result.Pending.Select(ProtoMapping.ToProto));
        }

        if (!result.Refused.IsDefaultOrEmpty)
        {
            response.Refused.AddRange(result.Refused.Select(ProtoMapping.ToProto));
        }

        return response;
    }

    public override async Task<P.Approval> GetApproval(P.GetApprovalRequest request, ServerCallContext context)
    {
        var agent = context.Agent();
        CheckApprovalRequest(request);
        return ProtoMapping.ToProto(await GetApprovalAsync(agent, request).ConfigureAwait(false));
    }

    public override async Task WatchApproval(P.GetApprovalRequest request, IServerStreamWriter<P.Approval> responseStream, ServerCallContext context)
    {
        var agent = context.Agent();
        CheckApprovalRequest(request);

        // The session grain is the single source of truth for the approval; the watch re-reads it with a short
        // back-off (50 ms doubling to 1 s) and sends each change, so it cannot miss a decision.
        var delay = TimeSpan.FromMilliseconds(50);
        ApprovalInfo? last = null;
        while (true)
        {
            var current = await GetApprovalAsync(agent, request).ConfigureAwait(false);
            if (last is null || current != last)
            {
                await responseStream.WriteAsync(ProtoMapping.ToProto(current), context.CancellationToken).ConfigureAwait(false);
                last = current;
            }

            if (current.Status != ApprovalStatus.Pending)
            {
                return;
            }

            await Task.Delay(delay, time, context.CancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxWatchPoll.Ticks));
        }
    }

    public override async Task<P.Session> CloseSession(P.CloseSessionRequest request, ServerCallContext context)
    {
        var agent = context.Agent();
        new RequestCheck().SessionId(request.SessionId).ThrowIfInvalid();
        var closed = await Session(agent, request.SessionId).CloseAsync(agent.ForGrains).ConfigureAwait(false);
        return ProtoMapping.ToProto(closed.Unwrap("session_id"));
    }

    /// <summary>The DENY answered when the evaluation itself failed.</summary>
    internal static P.EvaluateResponse FailedClosed(TimeProvider time) => new()
    {
        Decision = P.Decision.Deny,
        DecisionId = "failed-" + Guid.NewGuid().ToString("N"),
        DecidedAt = ProtoMapping.ToTimestamp(time.GetUtcNow()),
        Reasons = { new P.Reason { Code = ReasonCodes.InternalError, Message = "the evaluation failed inside Warden; denied to stay safe" } },
    };

    private ISessionGrain Session(AgentIdentity agent, string sessionId) => sessions.Get(agent.TenantId, sessionId);

    private async Task<ApprovalInfo> GetApprovalAsync(AgentIdentity agent, P.GetApprovalRequest request) =>
        (await Session(agent, request.SessionId).GetApprovalAsync(agent.ForGrains, request.ApprovalId).ConfigureAwait(false)).Unwrap("approval_id");

    private static void CheckApprovalRequest(P.GetApprovalRequest request) =>
        new RequestCheck().SessionId(request.SessionId).OpaqueId(request.ApprovalId, "approval_id").ThrowIfInvalid();
}
