using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Google.Protobuf;
using Grpc.Core;
using Warden.Client;
using Warden.Client.Connection;
using Warden.Client.Operators;
using Warden.Protocol.V1;

namespace Warden.Host.Tests.Connection;

/// <summary>
/// The client's unary failover (<see cref="WardenClientOptions.MaxAttempts"/>) against a scripted HTTP/2 handler: a
/// call no server answered is attempted again; a call a server answered is never repeated, whatever its status.
/// </summary>
public sealed class ClientFailoverTests
{
    private const string Credential = "wdn1.test-credential";

    [Fact]
    public async Task Unary_RefusedThenAnswered_SecondAttemptSucceeds()
    {
        var handler = new ScriptedHandler(Refused, _ => Answer(new Tenant { TenantId = "acme" }));
        await using var client = Client(handler);

        var tenant = await client.GetTenantAsync("acme");

        Assert.Equal("acme", tenant.TenantId);
        Assert.Equal(2, handler.Attempts);
    }

    [Fact]
    public async Task Unary_NeverAnswered_AttemptedMaxAttemptsThenUnavailable()
    {
        var handler = new ScriptedHandler(Refused);
        await using var client = Client(handler, maxAttempts: 3);

        var e = await Assert.ThrowsAsync<RpcException>(() => client.GetTenantAsync("acme"));

        Assert.Equal(StatusCode.Unavailable, e.StatusCode);
        Assert.Equal(3, handler.Attempts);
    }

    [Fact]
    public async Task Unary_MaxAttemptsOne_NotRepeated()
    {
        var handler = new ScriptedHandler(Refused);
        await using var client = Client(handler, maxAttempts: 1);

        var e = await Assert.ThrowsAsync<RpcException>(() => client.GetTenantAsync("acme"));

        Assert.Equal(StatusCode.Unavailable, e.StatusCode);
        Assert.Equal(1, handler.Attempts);
    }

    [Theory]
    [InlineData(StatusCode.Unavailable)]
    [InlineData(StatusCode.Internal)]
    [InlineData(StatusCode.InvalidArgument)]
    public async Task Unary_ServerAnsweredWithError_NotRepeated(StatusCode code)
    {
        var handler = new ScriptedHandler(_ => TrailersOnly(code));
        await using var client = Client(handler, maxAttempts: 3);

        var e = await Assert.ThrowsAsync<RpcException>(() => client.GetTenantAsync("acme"));

        Assert.Equal(code, e.StatusCode);
        Assert.Equal(1, handler.Attempts);
    }

    [Fact]
    public async Task Unary_DeadlinePassedDuringFailover_NotRepeatedBeyondIt()
    {
        var handler = new ScriptedHandler(Refused);
        await using var client = Client(handler, maxAttempts: 1_000, callTimeout: TimeSpan.FromMilliseconds(300));

        var e = await Assert.ThrowsAsync<RpcException>(() => client.GetTenantAsync("acme"));

        Assert.True(e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded, e.Status.ToString());
        Assert.InRange(handler.Attempts, 1, 999);
    }

    [Fact]
    public async Task Calls_CarryTheCredential_AndKeepTheCallersHeaders()
    {
        var handler = new ScriptedHandler(_ => Answer(new Tenant { TenantId = "acme" }));
        await using var client = Client(handler);

        await client.GetTenantAsync("acme");
        await client.Operator.GetTenantAsync(new GetTenantRequest { TenantId = "acme" }, new Metadata { { "x-trace", "t1" } });

        Assert.Equal(2, handler.Requests.Count);
        Assert.All(handler.Requests, r => Assert.Equal(["Bearer " + Credential], r.Headers.GetValues("authorization")));
        Assert.Equal(["t1"], handler.Requests[1].Headers.GetValues("x-trace"));
    }

    [Fact]
    public void StreamingMethods_AreTheProtocolsStreamingCalls_AndNoUnaryOne()
    {
        var names = WardenConnection.StreamingMethods().Select(m => m.Service + "/" + m.Method).ToHashSet();

        Assert.Contains("warden.v1.AgentRuntime/EvaluateStream", names);
        Assert.Contains("warden.v1.AgentRuntime/WatchApproval", names);
        Assert.Contains("warden.v1.Watch/WatchTenant", names);
        Assert.DoesNotContain("warden.v1.AgentRuntime/Evaluate", names);
        Assert.DoesNotContain("warden.v1.Operator/GetTenant", names);
    }

    [Fact]
    public async Task SessionEvaluate_FullRequest_FilledWithTheSession_AnotherSessionRefused()
    {
        var handler = new ScriptedHandler(_ => Answer(new EvaluateResponse { Decision = Decision.Allow }));
        var options = new WardenClientOptions { Credential = Credential, HttpHandler = handler };
        options.Endpoints.Add(new Uri("http://warden.test"));
        await using var client = WardenClient.Create(options);
        var session = client.AttachSession("s-1");

        var request = new EvaluateRequest { Action = "db.query", Resource = WardenModel.Resource("Table", "orders") };
        var answer = await session.EvaluateAsync(request);

        Assert.Equal(Decision.Allow, answer.Decision);
        Assert.Equal("s-1", request.SessionId);
        await Assert.ThrowsAsync<ArgumentException>(() => session.EvaluateAsync(new EvaluateRequest { SessionId = "s-2", Action = "db.query" }));
    }

    [Fact]
    public void DefaultHandler_OneGateway_NoLoadBalancingLayerNoRedirectsNoCookies()
    {
        var handler = WardenConnection.CreateHandler(balanced: false);

        Assert.Equal(true, handler.Properties[WardenConnection.LoadBalancingDisabled]);
        Assert.False(handler.AllowAutoRedirect);
        Assert.False(handler.UseCookies);
        Assert.True(handler.EnableMultipleHttp2Connections);
    }

    [Fact]
    public void DefaultHandler_SeveralGateways_KeepsLoadBalancing()
    {
        var handler = WardenConnection.CreateHandler(balanced: true);

        Assert.False(handler.Properties.ContainsKey(WardenConnection.LoadBalancingDisabled));
        Assert.Null(handler.ConnectCallback);
    }

    [Fact]
    public async Task Unary_OneRealGatewayDroppingEveryConnection_AttemptedAgainThenUnavailable()
    {
        // A real socket and the default handler (one gateway: no load-balancing layer): the gateway accepts each
        // connection and closes it unanswered, so every attempt fails before any answer and is made again.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var accepted = 0;
        using var stop = new CancellationTokenSource();
        var dropping = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var socket = await listener.AcceptSocketAsync(stop.Token);
                Interlocked.Increment(ref accepted);
                socket.Close(0);
            }
        });
        var options = new WardenClientOptions { Credential = Credential, MaxAttempts = 3 };
        options.Endpoints.Add(new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}"));

        await using (var client = WardenOperatorClient.Create(options))
        {
            var e = await Assert.ThrowsAsync<RpcException>(() => client.GetTenantAsync("acme"));

            Assert.Equal(StatusCode.Unavailable, e.StatusCode);
        }

        // Each attempt opened at least one connection (the HTTP stack may open another on its own).
        Assert.True(Volatile.Read(ref accepted) >= 3, $"accepted {accepted} connections");
        await stop.CancelAsync();
        try
        {
            await dropping;
        }
        catch (OperationCanceledException)
        {
            // The accept loop was waiting for a connection: how it ends.
        }
    }

    private static WardenOperatorClient Client(HttpMessageHandler handler, int maxAttempts = 3, TimeSpan? callTimeout = null)
    {
        var options = new WardenClientOptions
        {
            Credential = Credential,
            HttpHandler = handler,
            MaxAttempts = maxAttempts,
            CallTimeout = callTimeout ?? TimeSpan.FromSeconds(30),
        };
        options.Endpoints.Add(new Uri("http://warden.test"));
        return WardenOperatorClient.Create(options);
    }

    private static HttpResponseMessage Refused(HttpRequestMessage request) =>
        // What SocketsHttpHandler throws when nothing listens.
        throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (warden.test:80)", new SocketException((int)SocketError.ConnectionRefused));

    private static HttpResponseMessage Answer(IMessage message)
    {
        var payload = message.ToByteArray();
        var body = new byte[5 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(body, 5);
        var response = Response(body);
        response.TrailingHeaders.Add("grpc-status", "0");
        return response;
    }

    private static HttpResponseMessage TrailersOnly(StatusCode code)
    {
        var response = Response([]);
        response.Headers.Add("grpc-status", ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture));
        response.Headers.Add("grpc-message", "scripted");
        return response;
    }

    private static HttpResponseMessage Response(byte[] body)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Version = HttpVersion.Version20, Content = new ByteArrayContent(body) };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        return response;
    }

    /// <summary>Answers the n-th request with the n-th script step (the last step repeats) and counts the attempts.</summary>
    private sealed class ScriptedHandler(params Func<HttpRequestMessage, HttpResponseMessage>[] steps) : HttpMessageHandler
    {
        private int _attempts;

        public int Attempts => Volatile.Read(ref _attempts);

        public List<HttpRequestMessage> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var n = Interlocked.Increment(ref _attempts);
            lock (Requests)
            {
                Requests.Add(request);
            }

            if (request.Content is not null)
            {
                await request.Content.ReadAsByteArrayAsync(cancellationToken);
            }

            return steps[Math.Min(n, steps.Length) - 1](request);
        }
    }
}
