using Google.Protobuf.WellKnownTypes;
using Warden.Client.Agents;
using Warden.Client.Connection;
using Warden.Client.Streaming;
using Warden.Protocol.V1;

namespace Warden.Client;

/// <summary>
/// The agent's side of Warden: open task-scoped sessions and evaluate every action in them.
/// <code>
/// await using var warden = WardenClient.Create("http://127.0.0.1:5080", credential);
/// await using var session = await warden.OpenSessionAsync(WardenModel.Intent("summarize Q3 orders"),
///     [WardenModel.Rule("db.query", "Table::*")], TimeSpan.FromMinutes(5));
/// var decision = await session.EvaluateAsync("db.query", WardenModel.Resource("Table", "orders"), new { sql = "select 1" });
/// </code>
/// </summary>
public sealed class WardenClient : IAsyncDisposable
{
    private readonly WardenConnection _connection;

    private WardenClient(WardenConnection connection)
    {
        _connection = connection;
        Runtime = new AgentRuntime.AgentRuntimeClient(connection.Invoker);
    }

    /// <summary>The generated gRPC client, for calls this type does not wrap.</summary>
    public AgentRuntime.AgentRuntimeClient Runtime { get; }

    internal WardenConnection Connection => _connection;

    /// <summary>A client for one gateway and an agent credential.</summary>
    public static WardenClient Create(string url, string credential)
    {
        var options = new WardenClientOptions { Credential = credential };
        options.Endpoints.Add(new Uri(url));
        return Create(options);
    }

    /// <summary>A client with full options (several gateways, timeouts, handler).</summary>
    public static WardenClient Create(WardenClientOptions options) => new(WardenConnection.Open(options));

    /// <summary>Opens a session for a declared task with the access it asks for.</summary>
    public Task<WardenSession> OpenSessionAsync(Intent intent, IEnumerable<ScopeRule> scope, TimeSpan? ttl = null, CancellationToken cancellationToken = default)
    {
        var request = new OpenSessionRequest { Intent = intent, RequestedScope = { scope } };
        if (ttl is { } t)
        {
            request.Ttl = Duration.FromTimeSpan(t);
        }

        return OpenSessionAsync(request, cancellationToken);
    }

    /// <summary>Opens a session from a full request.</summary>
    public async Task<WardenSession> OpenSessionAsync(OpenSessionRequest request, CancellationToken cancellationToken = default)
    {
        var response = await Runtime.OpenSessionAsync(request, _connection.Unary(cancellationToken)).ConfigureAwait(false);
        return new WardenSession(this, response);
    }

    /// <summary>Takes up a session opened earlier by this agent (for example by another process of it).</summary>
    public WardenSession AttachSession(string sessionId) => new(this, new OpenSessionResponse { Session = new Session { SessionId = sessionId } });

    /// <summary>
    /// Opens one bidirectional evaluate stream for many evaluations at a high rate, in any of this agent's sessions.
    /// </summary>
    /// <param name="maxInFlight">How many evaluations may wait for their answer at once before callers wait.</param>
    public WardenEvaluateStream OpenEvaluateStream(int maxInFlight = 256) =>
        new(Runtime.EvaluateStream(_connection.Streaming(CancellationToken.None)), maxInFlight);

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _connection.Dispose();
        return ValueTask.CompletedTask;
    }
}
