using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;
using Warden.Protocol.V1;

namespace Warden.Client.Connection;

/// <summary>One gRPC channel to Warden (over one or several gateways) and the credential its calls carry.</summary>
public sealed class WardenConnection : IDisposable
{
    // The bidirectional evaluate stream: its request messages share socket writes (CoalescingWriteHandler).
    private static readonly IReadOnlySet<string> CoalescedStreams = new HashSet<string>(StringComparer.Ordinal)
    {
        "/" + AgentRuntime.Descriptor.FullName + "/EvaluateStream",
    };

    /// <summary>The <see cref="SocketsHttpHandler"/> property that turns Grpc.Net.Client's load balancing off for a channel.</summary>
    internal const string LoadBalancingDisabled = "__GrpcLoadBalancingDisabled";

    private readonly TimeSpan _callTimeout;

    private WardenConnection(GrpcChannel channel, string? credential, int maxAttempts, TimeSpan callTimeout)
    {
        Channel = channel;
        _callTimeout = callTimeout;
        Invoker = new WardenCallInvoker(channel.CreateCallInvoker(), credential, maxAttempts);
    }

    /// <summary>The underlying channel.</summary>
    public GrpcChannel Channel { get; }

    /// <summary>
    /// The call invoker for the generated clients: every call carries the credential, and a call no gateway answered
    /// (UNAVAILABLE before any response) is attempted again, up to <see cref="WardenClientOptions.MaxAttempts"/> in all.
    /// </summary>
    public CallInvoker Invoker { get; }

    /// <summary>Opens a connection with the given options.</summary>
    public static WardenConnection Open(WardenClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        var retry = options.MaxAttempts > 1
            ? new RetryPolicy
            {
                MaxAttempts = options.MaxAttempts,
                InitialBackoff = TimeSpan.FromMilliseconds(100),
                MaxBackoff = TimeSpan.FromSeconds(2),
                BackoffMultiplier = 2,
                RetryableStatusCodes = { StatusCode.Unavailable },
            }
            : null;
        // Unary calls fail over in WardenCallInvoker (without the channel's retry machinery on every call); the
        // channel's retry policy covers only the streaming methods, which it retries until the server answers.
        var serviceConfig = new ServiceConfig();
        if (retry is not null)
        {
            var streaming = new MethodConfig { RetryPolicy = retry };
            foreach (var name in StreamingMethods())
            {
                streaming.Names.Add(name);
            }

            serviceConfig.MethodConfigs.Add(streaming);
        }

        var channelOptions = new GrpcChannelOptions
        {
            HttpHandler = new CoalescingWriteHandler(options.HttpHandler ?? CreateHandler(balanced: options.Endpoints.Count > 1), CoalescedStreams),
            ServiceConfig = serviceConfig,
            MaxReceiveMessageSize = 16 * 1024 * 1024,
        };

        GrpcChannel channel;
        if (options.Endpoints.Count == 1)
        {
            channel = GrpcChannel.ForAddress(options.Endpoints[0], channelOptions);
        }
        else
        {
            // Several gateways: a static resolver over all of them and pick_first, so the channel stays on one
            // gateway while it answers and moves to the next when it does not.
            var addresses = options.Endpoints.Select(e => new BalancerAddress(e.Host, e.Port)).ToArray();
            channelOptions.ServiceProvider = new ResolverServices(new StaticResolverFactory(_ => addresses));
            channelOptions.Credentials = options.Endpoints[0].Scheme == Uri.UriSchemeHttps
                ? ChannelCredentials.SecureSsl
                : ChannelCredentials.Insecure;
            serviceConfig.LoadBalancingConfigs.Add(new PickFirstConfig());
            channel = GrpcChannel.ForAddress("static:///warden", channelOptions);
        }

        return new WardenConnection(channel, options.Credential, options.MaxAttempts, options.CallTimeout);
    }

    /// <summary>Call options for a unary call: the deadline.</summary>
    public CallOptions Unary(CancellationToken cancellationToken) =>
        new(deadline: DateTime.UtcNow.Add(_callTimeout), cancellationToken: cancellationToken);

    /// <summary>Call options for a stream: no deadline.</summary>
    public CallOptions Streaming(CancellationToken cancellationToken) => new(cancellationToken: cancellationToken);

    /// <inheritdoc />
    public void Dispose() => Channel.Dispose();

    /// <summary>Every streaming method of the Warden protocol (server, client or bidirectional streaming).</summary>
    internal static IEnumerable<MethodName> StreamingMethods() =>
        new[] { AgentRuntimeReflection.Descriptor, OperatorReflection.Descriptor, LineageReflection.Descriptor }
            .SelectMany(file => file.Services)
            .SelectMany(service => service.Methods)
            .Where(method => method.IsClientStreaming || method.IsServerStreaming)
            .Select(method => new MethodName { Service = method.Service.FullName, Method = method.Name });

    /// <summary>The HTTP handler of a connection without one of its own.</summary>
    /// <param name="balanced">
    /// True when the channel balances over several gateways: Grpc.Net.Client's load balancing (subchannels that own
    /// their sockets, pick_first) then moves calls to the next gateway. With one gateway it is turned off: the channel
    /// then leaves connections to this handler instead of handing it sockets wrapped in a stream of its own (an async
    /// layer on every socket read and write), and there is nothing to balance. A call that fails to connect fails
    /// UNAVAILABLE before any answer either way, which is what failover retries.
    /// </param>
    internal static SocketsHttpHandler CreateHandler(bool balanced)
    {
        var handler = new SocketsHttpHandler
        {
            // Several HTTP/2 connections once one is saturated with streams: high-rate agents need them.
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            KeepAlivePingDelay = TimeSpan.FromSeconds(60),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(30),

            // gRPC has neither redirects nor cookies: without them every call skips the redirect handler's async layer
            // and the cookie container's lookup. A 3xx from something in front of a gateway now fails the call (an
            // error, so a deny to the agent) instead of being followed elsewhere.
            AllowAutoRedirect = false,
            UseCookies = false,
        };
        if (!balanced)
        {
            // The handler property Grpc.Net.Client reads when a channel is created (grpc-dotnet issue 2312): the
            // channel then sends through this handler directly.
            handler.Properties[LoadBalancingDisabled] = true;
        }

        return handler;
    }
}
