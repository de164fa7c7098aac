using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Warden.Protocol.V1;

namespace Warden.Client.Agents;

/// <summary>One open session of an agent. Disposing it closes the session, which ends every grant in it.</summary>
public sealed class WardenSession : IAsyncDisposable
{
    private readonly WardenClient _client;
    private int _closed;

    internal WardenSession(WardenClient client, Session info)
    {
        _client = client;
        Info = info;
    }

    /// <summary>The session id.</summary>
    public string Id => Info.SessionId;

    /// <summary>The session as Warden last described it (grants, expiry, status).</summary>
    public Session Info { get; private set; }

    /// <summary>Evaluates one action; the answer is ALLOW, DENY or APPROVAL_REQUIRED (a deny is not an exception).</summary>
    /// <param name="action">The action, for example <c>db.query</c>.</param>
    /// <param name="resource">The resource it touches.</param>
    /// <param name="arguments">The tool arguments: a <see cref="Struct"/>, JSON text, or an object serialized to JSON.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<EvaluateResponse> EvaluateAsync(string action, Resource resource, object? arguments = null, CancellationToken cancellationToken = default)
    {
        var request = new EvaluateRequest { SessionId = Id, Action = action, Resource = resource };
        WardenModel.SetArguments(request, arguments);
        return _client.Runtime.EvaluateAsync(request, _client.Connection.Unary(cancellationToken)).ResponseAsync;
    }

    /// <summary>Asks for more access; the answer may be PENDING until an operator decides.</summary>
    public Task<GrantRequest> RequestGrantAsync(ScopeRule scope, string justification, TimeSpan? ttl = null, int maxUses = 0, CancellationToken cancellationToken = default)
    {
        var request = new RequestGrantRequest { SessionId = Id, Scope = scope, Justification = justification, MaxUses = maxUses };
        if (ttl is { } t)
        {
            request.Ttl = Duration.FromTimeSpan(t);
        }

        return _client.Runtime.RequestGrantAsync(request, _client.Connection.Unary(cancellationToken)).ResponseAsync;
    }

    /// <summary>The current state of a grant request.</summary>
    public Task<GrantRequest> GetGrantRequestAsync(string requestId, CancellationToken cancellationToken = default) =>
        _client.Runtime.GetGrantRequestAsync(
            new GetGrantRequestRequest { SessionId = Id, RequestId = requestId },
            _client.Connection.Unary(cancellationToken)).ResponseAsync;

    /// <summary>Waits until a grant request is decided (approved, denied or expired) and returns its final state.</summary>
    public async Task<GrantRequest> WaitForGrantRequestAsync(string requestId, CancellationToken cancellationToken = default)
    {
        using var call = _client.Runtime.WatchGrantRequest(
            new GetGrantRequestRequest { SessionId = Id, RequestId = requestId },
            _client.Connection.Streaming(cancellationToken));
        GrantRequest? last = null;
        await foreach (var state in call.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            last = state;
            if (state.Status != GrantRequestStatus.Pending)
            {
                return state;
            }
        }

        // The server ends the stream only after a decided state; anything else is a broken stream.
        throw new RpcException(new Status(StatusCode.Unavailable, "The grant request watch ended before a decision" + (last is null ? "." : " (last state: pending).")));
    }

    /// <summary>Closes the session: every grant in it ends at once.</summary>
    public async Task<Session> CloseAsync(string? reason = null, CancellationToken cancellationToken = default)
    {
        var response = await _client.Runtime.CloseSessionAsync(
            new CloseSessionRequest { SessionId = Id, Reason = reason ?? string.Empty },
            _client.Connection.Unary(cancellationToken)).ConfigureAwait(false);
        Interlocked.Exchange(ref _closed, 1);
        Info = response.Session;
        return response.Session;
    }

    /// <summary>Closes the session if it was not closed yet. A failure to reach Warden is swallowed: the session expires on its own.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 1)
        {
            return;
        }

        try
        {
            var response = await _client.Runtime.CloseSessionAsync(
                new CloseSessionRequest { SessionId = Id, Reason = "disposed by the agent" },
                _client.Connection.Unary(CancellationToken.None)).ConfigureAwait(false);
            Info = response.Session;
        }
        catch (RpcException)
        {
            // INVARIANT: sessions expire on the server's clock, so a close that cannot be delivered only shortens
            // nothing; throwing from DisposeAsync would hide the caller's own exception.
        }
        catch (ObjectDisposedException)
        {
            // The client was disposed first; the session expires on its own.
        }
    }
}
