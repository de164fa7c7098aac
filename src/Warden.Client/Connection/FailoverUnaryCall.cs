using Grpc.Core;

namespace Warden.Client.Connection;

/// <summary>
/// One unary call with failover: an attempt that fails with UNAVAILABLE before any server answered it (the connection
/// was refused or lost before response headers, or no gateway was ready) is made again on the channel, which by then
/// has moved to another gateway or connection, up to <see cref="WardenCallInvoker.MaxAttempts"/> attempts in all,
/// within the call's deadline and cancellation, after a randomised back-off (up to 100 ms, doubling to 2 s).
/// </summary>
/// <remarks>
/// An answer from a server is never repeated, whatever its status: once a server has answered, it took the call (an
/// evaluation it answered UNAVAILABLE may still have been decided), so the caller gets that answer. This is the
/// gRPC retry rule (a call is committed once response headers arrive), narrowed to UNAVAILABLE without a response.
/// </remarks>
internal sealed class FailoverUnaryCall<TRequest, TResponse>
    where TRequest : class
    where TResponse : class
{
    private const int InitialBackoffMilliseconds = 100;
    private const int MaxBackoffMilliseconds = 2_000;

    private static readonly Func<object, Task<Metadata>> HeadersOf = state => ((FailoverUnaryCall<TRequest, TResponse>)state)._current.ResponseHeadersAsync;
    private static readonly Func<object, Status> StatusOf = state => ((FailoverUnaryCall<TRequest, TResponse>)state)._current.GetStatus();
    private static readonly Func<object, Metadata> TrailersOf = state => ((FailoverUnaryCall<TRequest, TResponse>)state)._current.GetTrailers();
    private static readonly Action<object> DisposeOf = state => ((FailoverUnaryCall<TRequest, TResponse>)state)._current.Dispose();

    private readonly WardenCallInvoker _invoker;
    private readonly Method<TRequest, TResponse> _method;
    private readonly string? _host;
    private readonly CallOptions _options;
    private readonly TRequest _request;
    private volatile AsyncUnaryCall<TResponse> _current;

    public FailoverUnaryCall(WardenCallInvoker invoker, Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request, AsyncUnaryCall<TResponse> first)
    {
        _invoker = invoker;
        _method = method;
        _host = host;
        _options = options;
        _request = request;
        _current = first;
    }

    /// <summary>The call as the generated client returns it; headers, status, trailers and disposal follow the current attempt.</summary>
    public AsyncUnaryCall<TResponse> ToCall() => new(RunAsync(), HeadersOf, StatusOf, TrailersOf, DisposeOf, this);

    private async Task<TResponse> RunAsync()
    {
        var attempt = 1;
        var backoff = InitialBackoffMilliseconds;
        while (true)
        {
            var call = _current;
            try
            {
                return await call.ResponseAsync.ConfigureAwait(false);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && attempt < _invoker.MaxAttempts)
            {
                if (await ServerAnsweredAsync(call).ConfigureAwait(false) || !await BackOffAsync(backoff).ConfigureAwait(false))
                {
                    throw;
                }
            }

            backoff = Math.Min(backoff * 2, MaxBackoffMilliseconds);
            attempt++;
            _current = _invoker.Inner.AsyncUnaryCall(_method, _host, _options, _request);
            call.Dispose();
        }
    }

    /// <summary>True when a server sent response headers (trailers-only answers included): it took the call.</summary>
    private static async Task<bool> ServerAnsweredAsync(AsyncUnaryCall<TResponse> call)
    {
        try
        {
            await call.ResponseHeadersAsync.ConfigureAwait(false);
            return true;
        }
        catch (RpcException)
        {
            return false;
        }
    }

    /// <summary>Waits a random part of <paramref name="backoff"/>; false if the deadline or cancellation leaves no room for another attempt.</summary>
    private async Task<bool> BackOffAsync(int backoff)
    {
        var delay = TimeSpan.FromMilliseconds(Random.Shared.Next(0, backoff));
        if (_options.Deadline is { } deadline && deadline != DateTime.MaxValue && DateTime.UtcNow + delay >= deadline)
        {
            return false;
        }

        try
        {
            await Task.Delay(delay, _options.CancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        return true;
    }
}
