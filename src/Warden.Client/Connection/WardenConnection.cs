using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;

namespace Warden.Client.Connection;

/// <summary>One gRPC channel to Warden (over one or several gateways) and the credential its calls carry.</summary>
public sealed class WardenConnection : IDisposable
{
    private readonly TimeSpan _callTimeout;

    private WardenConnection(GrpcChannel channel, string? credential, TimeSpan callTimeout)
    {
        Channel = channel;
        _callTimeout = callTimeout;
        var bearer = string.IsNullOrEmpty(credential) ? null : "Bearer " + credential;
        Invoker = bearer is null
            ? channel.CreateCallInvoker()
            : channel.Intercept(headers =>
            {
                headers.Add("authorization", bearer);
                return headers;
            });
    }

    /// <summary>The underlying channel.</summary>
    public GrpcChannel Channel { get; }

    /// <summary>The call invoker for the generated clients: every call carries the credential.</summary>
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
        var serviceConfig = new ServiceConfig();
        if (retry is not null)
        {
            serviceConfig.MethodConfigs.Add(new MethodConfig { Names = { MethodName.Default }, RetryPolicy = retry });
        }

        var channelOptions = new GrpcChannelOptions
        {
            HttpHandler = options.HttpHandler ?? CreateHandler(),
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

        return new WardenConnection(channel, options.Credential, options.CallTimeout);
    }

    /// <summary>Call options for a unary call: the deadline.</summary>
    public CallOptions Unary(CancellationToken cancellationToken) =>
        new(deadline: DateTime.UtcNow.Add(_callTimeout), cancellationToken: cancellationToken);

    /// <summary>Call options for a stream: no deadline.</summary>
    public CallOptions Streaming(CancellationToken cancellationToken) => new(cancellationToken: cancellationToken);

    /// <inheritdoc />
    public void Dispose() => Channel.Dispose();

    private static SocketsHttpHandler CreateHandler() => new()
    {
        // Several HTTP/2 connections once one is saturated with streams: high-rate agents need them.
        EnableMultipleHttp2Connections = true,
        PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        KeepAlivePingDelay = TimeSpan.FromSeconds(60),
        KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
    };
}
