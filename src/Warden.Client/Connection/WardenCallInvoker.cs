using Grpc.Core;

namespace Warden.Client.Connection;

/// <summary>
/// The call invoker of a <see cref="WardenConnection"/>: every call carries the credential, and a unary call that
/// no gateway answered is attempted again (see <see cref="FailoverUnaryCall{TRequest, TResponse}"/>).
/// </summary>
/// <remarks>
/// Unary failover lives here rather than in the channel's gRPC retry policy because that policy runs every call,
/// including every successful one, through Grpc.Net.Client's retry machinery (a retry call object, a buffered copy of
/// the request, the channel's active-call registry): 15–20 % of an agent's CPU per decision. Here a successful call
/// costs one small object. Streaming calls keep the channel's retry policy (<see cref="WardenConnection"/>).
/// </remarks>
internal sealed class WardenCallInvoker : CallInvoker
{
    private readonly CallInvoker _inner;
    private readonly Metadata.Entry? _authorization;

    // INVARIANT: never mutated after construction and never handed to callers; Grpc.Net.Client only reads the headers
    // of a call's options, so every call without headers of its own can share this one.
    private readonly Metadata? _credentialOnly;

    public WardenCallInvoker(CallInvoker inner, string? credential, int maxAttempts)
    {
        _inner = inner;
        MaxAttempts = maxAttempts;
        if (!string.IsNullOrEmpty(credential))
        {
            _authorization = new Metadata.Entry("authorization", "Bearer " + credential);
            _credentialOnly = [_authorization];
        }
    }

    /// <summary>Attempts of a unary call in all (at least 1).</summary>
    public int MaxAttempts { get; }

    /// <summary>The invoker of the channel itself.</summary>
    internal CallInvoker Inner => _inner;

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        AsyncUnaryCall(method, host, options, request).ResponseAsync.GetAwaiter().GetResult();

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        options = WithCredential(options);
        var first = _inner.AsyncUnaryCall(method, host, options, request);
        return MaxAttempts == 1 ? first : new FailoverUnaryCall<TRequest, TResponse>(this, method, host, options, request, first).ToCall();
    }

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        _inner.AsyncServerStreamingCall(method, host, WithCredential(options), request);

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        _inner.AsyncClientStreamingCall(method, host, WithCredential(options));

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        _inner.AsyncDuplexStreamingCall(method, host, WithCredential(options));

    private CallOptions WithCredential(CallOptions options)
    {
        if (_authorization is null)
        {
            return options;
        }

        if (options.Headers is null)
        {
            return options.WithHeaders(_credentialOnly!);
        }

        // The caller's headers stay as they were: the credential goes on a copy.
        var headers = new Metadata();
        foreach (var entry in options.Headers)
        {
            headers.Add(entry);
        }

        headers.Add(_authorization);
        return options.WithHeaders(headers);
    }
}
