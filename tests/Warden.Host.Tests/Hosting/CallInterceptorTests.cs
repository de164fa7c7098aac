using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Warden.Grains.Revocation;
using Warden.Host.Hosting;
using Warden.Host.Security;
using Warden.Host.Tests.Infrastructure;

namespace Warden.Host.Tests.Hosting;

/// <summary>
/// The one interceptor does what the two did: authentication before the service (a refusal never reaches it), and
/// every exception that escapes authentication or the service turned into a status, never a success.
/// </summary>
public sealed class CallInterceptorTests
{
    private const string AgentMethod = "/warden.v1.AgentRuntime/Evaluate";
    private const string OperatorMethod = "/warden.v1.Operator/GetTenant";
    private static readonly string RootKey = OperatorKeyStore.NewKey();

    [Fact]
    public async Task Unary_RootOperator_ServiceSeesTheCaller()
    {
        var (interceptor, _) = Create();
        var context = new TestCallContext(OperatorMethod, "Bearer " + RootKey);

        var answer = await interceptor.UnaryServerHandler("request", context, (_, c) => Task.FromResult(c.AnyOperator().OperatorId));

        Assert.Equal("root", answer);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer ")]
    [InlineData("Basic abc")]
    public async Task Unary_NoAgentCredential_UnauthenticatedAndServiceNotReached(string? header)
    {
        var (interceptor, _) = Create();
        var reached = false;

        var e = await Assert.ThrowsAsync<RpcException>(() => interceptor.UnaryServerHandler("request", new TestCallContext(AgentMethod, header), (_, _) =>
        {
            reached = true;
            return Task.FromResult("answer");
        }));

        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
        Assert.False(reached);
    }

    [Fact]
    public async Task Unary_WrongOperatorKey_UnauthenticatedAndServiceNotReached()
    {
        var (interceptor, _) = Create();
        var reached = false;

        var e = await Assert.ThrowsAsync<RpcException>(() => interceptor.UnaryServerHandler("request", new TestCallContext(OperatorMethod, "Bearer " + OperatorKeyStore.NewKey()), (_, _) =>
        {
            reached = true;
            return Task.FromResult("answer");
        }));

        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
        Assert.False(reached);
    }

    [Theory]
    [InlineData("invalid-operation", StatusCode.Internal, true)]
    [InlineData("timeout", StatusCode.Unavailable, true)]
    [InlineData("silo-unavailable", StatusCode.Unavailable, true)]
    [InlineData("argument", StatusCode.InvalidArgument, false)]
    [InlineData("rpc", StatusCode.NotFound, false)]
    public async Task Unary_ServiceThrows_StatusWithoutDetailsLoggedOnce(string failure, StatusCode expected, bool logged)
    {
        Exception thrown = failure switch
        {
            "invalid-operation" => new InvalidOperationException("internal detail"),
            "timeout" => new TimeoutException("internal detail"),
            "silo-unavailable" => new Orleans.Runtime.SiloUnavailableException("internal detail"),
            "argument" => new ArgumentException("internal detail", "resource"),
            _ => new RpcException(new Status(StatusCode.NotFound, "session_id: not found")),
        };
        var (interceptor, logs) = Create();
        var context = new TestCallContext(OperatorMethod, "Bearer " + RootKey);

        // Thrown synchronously and as a faulted task: the same status either way.
        var sync = await Assert.ThrowsAsync<RpcException>(() => interceptor.UnaryServerHandler<string, string>("request", context, (_, _) => throw thrown));
        var faulted = await Assert.ThrowsAsync<RpcException>(() => interceptor.UnaryServerHandler("request", context, (_, _) => Task.FromException<string>(thrown)));

        foreach (var e in new[] { sync, faulted })
        {
            Assert.Equal(expected, e.StatusCode);
            Assert.DoesNotContain("internal detail", e.Status.Detail, StringComparison.Ordinal);
        }

        Assert.Equal(logged ? 2 : 0, logs.Lines.Count(l => l.Contains("[UnexpectedError]", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Unary_CancelledCall_Cancelled()
    {
        var (interceptor, _) = Create();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var context = new TestCallContext(OperatorMethod, "Bearer " + RootKey, cancelled.Token);

        var e = await Assert.ThrowsAsync<RpcException>(() => interceptor.UnaryServerHandler<string, string>("request", context, (_, c) => Task.FromCanceled<string>(c.CancellationToken)));

        Assert.Equal(StatusCode.Cancelled, e.StatusCode);
    }

    [Fact]
    public async Task Streaming_AuthenticatedThenMapped()
    {
        var (interceptor, _) = Create();
        var refused = await Assert.ThrowsAsync<RpcException>(() => interceptor.ServerStreamingServerHandler<string, string>(
            "request", null!, new TestCallContext(AgentMethod, null), (_, _, _) => Task.CompletedTask));
        string? seen = null;
        var failed = await Assert.ThrowsAsync<RpcException>(() => interceptor.DuplexStreamingServerHandler<string, string>(
            null!, null!, new TestCallContext(OperatorMethod, "Bearer " + RootKey), (_, _, c) =>
            {
                seen = c.AnyOperator().OperatorId;
                throw new InvalidOperationException("internal detail");
            }));

        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Equal("root", seen);
        Assert.Equal(StatusCode.Internal, failed.StatusCode);
    }

    private static (CallInterceptor Interceptor, CapturedLogs Logs) Create()
    {
        var options = Options.Create(new WardenHostOptions { OperatorKey = RootKey });
        var keys = new OperatorKeyStore(options, NullLogger<OperatorKeyStore>.Instance);

        // No grain is called: the root key is checked in the process, anything else is refused before a grain call.
        var authenticator = new CallerAuthenticator(null!, keys, TimeProvider.System, new CredentialRevocations(), options, NullLogger<CallerAuthenticator>.Instance);
        var logs = new CapturedLogs();
        var factory = LoggerFactory.Create(b => b.AddProvider(logs));
        return (new CallInterceptor(authenticator, factory.CreateLogger<CallInterceptor>()), logs);
    }

    /// <summary>A call context not hosted by ASP.NET Core: the authenticator reads its metadata.</summary>
    private sealed class TestCallContext(string method, string? authorization, CancellationToken cancellation = default) : ServerCallContext
    {
        private readonly Metadata _headers = authorization is null ? new Metadata() : new Metadata { { "authorization", authorization } };

        protected override string MethodCore => method;

        protected override string HostCore => "localhost";

        protected override string PeerCore => "ipv4:127.0.0.1:1";

        protected override DateTime DeadlineCore => DateTime.MaxValue;

        protected override Metadata RequestHeadersCore => _headers;

        protected override CancellationToken CancellationTokenCore => cancellation;

        protected override Metadata ResponseTrailersCore { get; } = new();

        protected override Status StatusCore { get; set; }

        protected override WriteOptions? WriteOptionsCore { get; set; }

        protected override AuthContext AuthContextCore { get; } = new(null, new Dictionary<string, List<AuthProperty>>());

        protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => throw new NotSupportedException();

        protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
    }
}
