using Grpc.Core;
using Warden.Host.Errors;
using Warden.Host.Mapping;
using Warden.Host.Security;
using Warden.Host.Validation;
using P = Warden.Protocol.V1;

namespace Warden.Host.Services;

/// <summary>
/// The kill switch of <c>warden.v1.Operator</c>: revoke a session, an agent (suspend) or a tenant (freeze), and
/// reactivate a tenant. The grains give the guarantee (docs/kill-switch.md); this part checks input, authorizes the
/// operator, and maps a receipt — or its absence — onto the wire.
/// </summary>
internal sealed partial class OperatorService
{
    public override async Task<P.RevocationReceipt> RevokeSession(P.RevokeSessionRequest request, ServerCallContext context)
    {
        new RequestCheck()
            .NameId(request.TenantId, "tenant_id")
            .SessionId(request.SessionId)
            .Required(request.Reason, "reason", WardenLimits.MaxShortTextLength)
            .ThrowIfInvalid();
        var op = context.Operator(request.TenantId);
        var receipt = await ConfirmedAsync(() => Session(request.TenantId, request.SessionId).RevokeAsync(op.ForGrains, request.Reason)).ConfigureAwait(false);
        return ToProto(receipt.Unwrap("session_id"));
    }

    public override async Task<P.RevocationReceipt> RevokeAgent(P.RevokeAgentRequest request, ServerCallContext context)
    {
        new RequestCheck()
            .NameId(request.TenantId, "tenant_id")
            .NameId(request.AgentId, "agent_id")
            .Required(request.Reason, "reason", WardenLimits.MaxShortTextLength)
            .ThrowIfInvalid();
        var op = context.Operator(request.TenantId);
        var receipt = await ConfirmedAsync(() => Agent(request.TenantId, request.AgentId).SuspendAsync(new StatusChange(request.Reason, op.ForGrains))).ConfigureAwait(false);
        return ToProto(receipt.Unwrap("agent_id"));
    }

    public override async Task<P.RevocationReceipt> RevokeTenant(P.RevokeTenantRequest request, ServerCallContext context)
    {
        new RequestCheck()
            .NameId(request.TenantId, "tenant_id")
            .Required(request.Reason, "reason", WardenLimits.MaxShortTextLength)
            .ThrowIfInvalid();
        var op = context.Operator(request.TenantId);
        var receipt = await ConfirmedAsync(() => Tenant(request.TenantId).FreezeAsync(new StatusChange(request.Reason, op.ForGrains))).ConfigureAwait(false);
        return ToProto(receipt.Unwrap("tenant_id"));
    }

    public override async Task<P.Tenant> ReactivateTenant(P.ReactivateTenantRequest request, ServerCallContext context)
    {
        new RequestCheck()
            .NameId(request.TenantId, "tenant_id")
            .Required(request.Reason, "reason", WardenLimits.MaxShortTextLength)
            .ThrowIfInvalid();
        var op = context.Operator(request.TenantId);
        Outcome<Warden.Tenants.TenantInfo> info;
        try
        {
            info = await Tenant(request.TenantId).ReactivateAsync(new StatusChange(request.Reason, op.ForGrains)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException || ExceptionMapping.IsUnavailable(ex))
        {
            // The freeze's sessions must be durably revoked (and every silo's revocation table cleared) first; until
            // then the tenant stays frozen or still denies on some silo. Repeating the call completes it.
            throw new RpcException(new Status(
                StatusCode.Unavailable,
                "the reactivation could not confirm every session or silo; the tenant may still deny: repeat the call"));
        }

        return ProtoMapping.ToProto(info.Unwrap("tenant_id"));
    }

    /// <summary>
    /// Runs a revocation. A fan-out that could not confirm every session throws in the grain; the operator then gets
    /// UNAVAILABLE (retry), never a receipt, because a receipt promises that nothing in the scope allows any more.
    /// </summary>
    private static async Task<Outcome<RevocationReceipt>> ConfirmedAsync(Func<Task<Outcome<RevocationReceipt>>> revoke)
    {
        try
        {
            return await revoke().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException || ExceptionMapping.IsUnavailable(ex))
        {
            throw new RpcException(new Status(
                StatusCode.Unavailable,
                "the revocation is recorded but not every session confirmed it; no receipt was issued: repeat the call to repeat the fan-out"));
        }
    }

    private static P.RevocationReceipt ToProto(RevocationReceipt receipt) => new()
    {
        Scope = receipt.Scope switch
        {
            RevocationScope.Session => P.RevocationScope.Session,
            RevocationScope.Agent => P.RevocationScope.Agent,
            RevocationScope.Tenant => P.RevocationScope.Tenant,
            _ => P.RevocationScope.Unspecified,
        },
        TenantId = receipt.TenantId,
        Target = receipt.Target,
        Reason = receipt.Reason,
        RevokedBy = receipt.RevokedBy,
        SessionsRevoked = receipt.SessionsRevoked,
        EffectiveAt = ProtoMapping.ToTimestamp(receipt.EffectiveAt),
        CompletedAt = ProtoMapping.ToTimestamp(receipt.CompletedAt),
    };
}
