using Grpc.Core;
using Warden.Host.Errors;

namespace Warden.Host.Security;

/// <summary>Reads the caller that <see cref="Hosting.CallInterceptor"/> stored on the call.</summary>
internal static class CallerContext
{
    private const string Key = "warden.caller";

    public static void Set(ServerCallContext context, CallerIdentity caller) => context.UserState[Key] = caller;

    /// <summary>The calling agent; UNAUTHENTICATED if the call was not authenticated as an agent (defence in depth).</summary>
    public static AgentIdentity Agent(this ServerCallContext context)
    {
        if (context.UserState.TryGetValue(Key, out var caller) && caller is AgentIdentity agent)
        {
            return agent;
        }

        GrpcErrors.Unauthenticated("an agent credential is required");
        return null!;
    }

    /// <summary>The calling operator, whatever its tenant; UNAUTHENTICATED if the call was not made by an operator.</summary>
    public static OperatorIdentity AnyOperator(this ServerCallContext context)
    {
        if (!context.UserState.TryGetValue(Key, out var caller) || caller is not OperatorIdentity op)
        {
            GrpcErrors.Unauthenticated("an operator credential is required");
            return null!;
        }

        return op;
    }

    /// <summary>
    /// The calling operator, checked against the tenant of the request. An operator of another tenant gets NOT_FOUND,
    /// exactly like a tenant that does not exist, so tenants cannot learn of each other.
    /// </summary>
    public static OperatorIdentity Operator(this ServerCallContext context, string tenantId)
    {
        if (!context.UserState.TryGetValue(Key, out var caller) || caller is not OperatorIdentity op)
        {
            GrpcErrors.Unauthenticated("an operator credential is required");
            return null!;
        }

        if (!op.MayActOn(tenantId))
        {
            GrpcErrors.NotFound("tenant_id", "tenant", tenantId);
        }

        return op;
    }
}
