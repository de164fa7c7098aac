using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Warden.Host.Security;

/// <summary>
/// Authenticates every gRPC call before it reaches a service: agents on <c>warden.v1.AgentRuntime</c>, operators on
/// every other Warden service, nobody on <c>grpc.health.v1</c>. A call without valid credentials never reaches a service.
/// </summary>
internal sealed class AuthInterceptor(CallerAuthenticator authenticator) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        // Hot path: a cached agent authenticates synchronously, so the call goes on without a state machine of ours.
        // A refusal throws here, before the continuation, exactly as the awaited path does.
        var caller = authenticator.AuthenticateAsync(context);
        if (caller.IsCompletedSuccessfully)
        {
            CallerContext.Set(context, caller.Result);
            return continuation(request, context);
        }

        return AuthenticatedUnaryAsync(caller, request, context, continuation);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        CallerContext.Set(context, await authenticator.AuthenticateAsync(context).ConfigureAwait(false));
        await continuation(request, responseStream, context).ConfigureAwait(false);
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        CallerContext.Set(context, await authenticator.AuthenticateAsync(context).ConfigureAwait(false));
        return await continuation(requestStream, context).ConfigureAwait(false);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        CallerContext.Set(context, await authenticator.AuthenticateAsync(context).ConfigureAwait(false));
        await continuation(requestStream, responseStream, context).ConfigureAwait(false);
    }

    private static async Task<TResponse> AuthenticatedUnaryAsync<TRequest, TResponse>(ValueTask<CallerIdentity> caller, TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
        where TRequest : class
        where TResponse : class
    {
        CallerContext.Set(context, await caller.ConfigureAwait(false));
        return await continuation(request, context).ConfigureAwait(false);
    }
}
