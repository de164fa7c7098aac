using Grpc.Core;
using Grpc.Core.Interceptors;
using Warden.Host.Errors;
using Warden.Host.Security;

namespace Warden.Host.Hosting;

/// <summary>
/// The one gRPC interceptor: every call is authenticated (<see cref="CallerAuthenticator"/>) before it reaches a
/// service, and any exception that escapes authentication or the service becomes a gRPC status
/// (<see cref="ExceptionMapping.ToRpcException"/>), logged once, without internal details on the wire.
/// </summary>
/// <remarks>
/// One interceptor rather than two (exceptions outermost, then authentication): gRPC wraps each interceptor in a
/// layer of its own per call (an async frame, the interceptor resolved from the request's services and released), so
/// a second interceptor cost every decision one more of those. Order is as before: an exception from authentication
/// (a grain that could not verify a credential) is mapped like one from the service; a refusal (UNAUTHENTICATED) is
/// already a status and passes unchanged; a refused call never reaches the service. It never turns a failure into a
/// success; Evaluate handles its own failures as DENY decisions before they get here.
/// </remarks>
internal sealed class CallInterceptor(CallerAuthenticator authenticator, ILogger<CallInterceptor> logger) : Interceptor
{
    /// <summary>
    /// The unary methods whose service turns every exception into a status itself (with <see cref="ExceptionMapping"/>),
    /// so that an authenticated call goes to the service without this interceptor's async layer around it: unary
    /// <c>Evaluate</c>, the per-decision call, where that layer (a state machine and one more continuation per call)
    /// was measurable. Authentication and its refusals are the same for them as for every other method.
    /// </summary>
    internal static readonly IReadOnlySet<string> SelfMappedMethods = new HashSet<string>(StringComparer.Ordinal)
    {
        "/" + Protocol.V1.AgentRuntime.Descriptor.FullName + "/Evaluate",
    };

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (!SelfMappedMethods.Contains(context.Method))
        {
            return AuthenticatedUnaryAsync(request, context, continuation);
        }

        ValueTask<CallerIdentity> authentication;
        try
        {
            authentication = authenticator.AuthenticateAsync(context);
        }
        catch (Exception e) when (e is not RpcException)
        {
            return Task.FromException<TResponse>(ExceptionMapping.ToRpcException(e, context, logger));
        }

        if (!authentication.IsCompletedSuccessfully)
        {
            // Refused, faulted or still checking (a credential not cached yet): the general path, which awaits it.
            return AuthenticatedUnaryAsync(request, context, continuation, authentication);
        }

        // INVARIANT: the service of a self-mapped method lets only RpcException escape (see SelfMappedMethods).
        CallerContext.Set(context, authentication.Result);
        try
        {
            return continuation(request, context);
        }
        catch (Exception e) when (e is not RpcException)
        {
            // Thrown before the service's own handling began (activating it): mapped here, as on the general path.
            return Task.FromException<TResponse>(ExceptionMapping.ToRpcException(e, context, logger));
        }
    }

    private async Task<TResponse> AuthenticatedUnaryAsync<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation, ValueTask<CallerIdentity>? started = null)
        where TRequest : class
        where TResponse : class
    {
        try
        {
            // A cached agent authenticates synchronously: the await completes at once, without suspending.
            CallerContext.Set(context, await (started ?? authenticator.AuthenticateAsync(context)).ConfigureAwait(false));
            return await continuation(request, context).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw ExceptionMapping.ToRpcException(e, context, logger);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            CallerContext.Set(context, await authenticator.AuthenticateAsync(context).ConfigureAwait(false));
            await continuation(request, responseStream, context).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw ExceptionMapping.ToRpcException(e, context, logger);
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            CallerContext.Set(context, await authenticator.AuthenticateAsync(context).ConfigureAwait(false));
            return await continuation(requestStream, context).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw ExceptionMapping.ToRpcException(e, context, logger);
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            CallerContext.Set(context, await authenticator.AuthenticateAsync(context).ConfigureAwait(false));
            await continuation(requestStream, responseStream, context).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw ExceptionMapping.ToRpcException(e, context, logger);
        }
    }
}
