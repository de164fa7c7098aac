using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Warden.Protocol.V1;

namespace Warden.Client.Agents;

/// <summary>One open session of an agent. Disposing it closes the session, which ends every grant in it.</summary>
public sealed class WardenSession : IAsyncDisposable
{
    private readonly WardenClient _client;
    private int _closed;

    internal WardenSession(WardenClient client, OpenSessionResponse opened)
    {
        _client = client;
        Info = opened.Session;
        Opened = opened;
    }

    /// <summary>The answer to OpenSession: the session, and the requested entries refused or pending approval.</summary>
    public OpenSessionResponse Opened { get; }

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
        return EvaluateAsync(request, cancellationToken);
    }

    /// <summary>
    /// Evaluates one full request in this session (a request without a session id is given this one's); the answer
    /// is ALLOW, DENY or APPROVAL_REQUIRED.
    /// </summary>
    /// <exception cref="ArgumentException">The request names another session.</exception>
    public Task<EvaluateResponse> EvaluateAsync(EvaluateRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.SessionId.Length == 0)
        {
            request.SessionId = Id;
        }
        else if (request.SessionId != Id)
        {
            throw new ArgumentException($"The request is for session '{request.SessionId}', not this session '{Id}'.", nameof(request));
        }

        return _client.Runtime.EvaluateAsync(request, _client.Connection.Unary(cancellationToken)).ResponseAsync;
    }

    /// <summary>Asks for more access; entries may be issued at once, refused, or left pending for an operator.</summary>
    public Task<RequestGrantResponse> RequestGrantAsync(IEnumerable<ScopeRule> scope, string justification, TimeSpan? ttl = null, CancellationToken cancellationToken = default)
    {
        var request = new RequestGrantRequest { SessionId = Id, Scope = { scope }, Justification = justification };
        if (ttl is { } t)
        {
            request.Ttl = Duration.FromTimeSpan(t);
        }

        return _client.Runtime.RequestGrantAsync(request, _client.Connection.Unary(cancellationToken)).ResponseAsync;
    }

    /// <summary>The current state of an approval of this session.</summary>
    public Task<Approval> GetApprovalAsync(string approvalId, CancellationToken cancellationToken = default) =>
        _client.Runtime.GetApprovalAsync(
            new GetApprovalRequest { SessionId = Id, ApprovalId = approvalId },
            _client.Connection.Unary(cancellationToken)).ResponseAsync;

    /// <summary>Waits until an approval is decided (approved, denied or expired) and returns its final state.</summary>
    public async Task<Approval> WaitForApprovalAsync(string approvalId, CancellationToken cancellationToken = default)
    {
        using var call = _client.Runtime.WatchApproval(
            new GetApprovalRequest { SessionId = Id, ApprovalId = approvalId },
            _client.Connection.Streaming(cancellationToken));
        await foreach (var state in call.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (state.Status != ApprovalStatus.Pending)
            {
                return state;
            }
        }

        // The server ends the stream only after a decided state; anything else is a broken stream.
        throw new RpcException(new Status(StatusCode.Unavailable, "The approval watch ended before a decision."));
    }

    /// <summary>Closes the session: every grant in it ends at once.</summary>
    public async Task<Session> CloseAsync(CancellationToken cancellationToken = default)
    {
        var session = await _client.Runtime.CloseSessionAsync(
            new CloseSessionRequest { SessionId = Id },
            _client.Connection.Unary(cancellationToken)).ConfigureAwait(false);
        Interlocked.Exchange(ref _closed, 1);
        Info = session;
        return session;
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
            Info = await _client.Runtime.CloseSessionAsync(
                new CloseSessionRequest { SessionId = Id },
                _client.Connection.Unary(CancellationToken.None)).ConfigureAwait(false);
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
