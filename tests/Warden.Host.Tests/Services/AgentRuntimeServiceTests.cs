using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Warden.Host.Hosting;
using Warden.Host.Security;
using Warden.Host.Services;
using Warden.Host.Tests.Infrastructure;
using P = Warden.Protocol.V1;

namespace Warden.Host.Tests.Services;

/// <summary>
/// Unary Evaluate maps whatever escapes it to a status itself, because <see cref="CallInterceptor"/> passes an
/// authenticated Evaluate through without the async layer that maps exceptions for every other method.
/// </summary>
public sealed class AgentRuntimeServiceTests
{
    [Fact]
    public void Interceptor_PassesOnlyEvaluateThrough()
    {
        Assert.Equal(["/warden.v1.AgentRuntime/Evaluate"], CallInterceptor.SelfMappedMethods);
    }

    [Fact]
    public async Task Evaluate_UnexpectedException_InternalWithoutDetailsLoggedOnce()
    {
        var (service, logs) = Create();
        var context = new AgentCallContext(CancellationToken.None);

        // A request the generated code never hands over (null): the mapping code throws, and it is not a status.
        var e = await Assert.ThrowsAsync<RpcException>(() => service.Evaluate(null!, context));

        Assert.Equal(StatusCode.Internal, e.StatusCode);
        Assert.DoesNotContain("Object reference", e.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(1, logs.Lines.Count(l => l.Contains("[UnexpectedError]", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Evaluate_InvalidRequest_InvalidArgumentAsBefore()
    {
        var (service, logs) = Create();

        var e = await Assert.ThrowsAsync<RpcException>(() => service.Evaluate(new P.EvaluateRequest(), new AgentCallContext(CancellationToken.None)));

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.DoesNotContain(logs.Lines, l => l.Contains("[UnexpectedError]", StringComparison.Ordinal));
    }

    private static (AgentRuntimeService Service, CapturedLogs Logs) Create()
    {
        var logs = new CapturedLogs();
        var factory = LoggerFactory.Create(b => b.AddProvider(logs));

        // No grain is reached by these calls.
        var service = new AgentRuntimeService(null!, new SessionGrainReferences(null!), TimeProvider.System, Options.Create(new WardenHostOptions()), factory.CreateLogger<AgentRuntimeService>());
        return (service, logs);
    }

    /// <summary>An authenticated agent's call context, not hosted by ASP.NET Core.</summary>
    private sealed class AgentCallContext : ServerCallContext
    {
        private readonly CancellationToken _cancellation;

        public AgentCallContext(CancellationToken cancellation)
        {
            _cancellation = cancellation;
            CallerContext.Set(this, new AgentIdentity("t-unit", "bot"));
        }

        protected override string MethodCore => "/warden.v1.AgentRuntime/Evaluate";

        protected override string HostCore => "localhost";

        protected override string PeerCore => "ipv4:127.0.0.1:1";

        protected override DateTime DeadlineCore => DateTime.MaxValue;

        protected override Metadata RequestHeadersCore { get; } = [];

        protected override CancellationToken CancellationTokenCore => _cancellation;

        protected override Metadata ResponseTrailersCore { get; } = [];

        protected override Status StatusCore { get; set; }

        protected override WriteOptions? WriteOptionsCore { get; set; }

        protected override AuthContext AuthContextCore { get; } = new(null, new Dictionary<string, List<AuthProperty>>());

        protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => throw new NotSupportedException();

        protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
    }
}
