namespace Warden.Sessions;

/// <summary>
/// One session: the single decision point for its task. Key: <c>{tenant}/{sessionId}</c>
/// (<see cref="WardenIds.SessionKey"/>). Sessions are opened through <see cref="Agents.IAgentGrain.OpenSessionAsync"/>;
/// every method answers <see cref="CallStatus.NotFound"/> for a session never opened.
/// </summary>
/// <remarks>
/// <para>Agent methods answer only the agent that opened the session: any other caller gets
/// <see cref="CallStatus.PermissionDenied"/>. Operator methods need <see cref="CallerKind.Operator"/>.</para>
/// <para>The grain is not reentrant: calls run one at a time, so decisions are linearizable and a revocation
/// runs after the evaluations already in flight and before every later one.</para>
/// </remarks>
public interface ISessionGrain : IGrainWithStringKey
{
    /// <summary>
    /// Decides one action. Gate 1: the session is open and unexpired, its agent and tenant active, and a live grant
    /// covers the action on the resource. Gate 2: the tenant's Cedar policies permit it and forbid nothing. Any
    /// failure is a deny with its reason. Caller errors (malformed request, wrong agent) are call errors instead.
    /// </summary>
    /// <param name="caller">The agent (must be the session's agent).</param>
    /// <param name="request">The action.</param>
    /// <returns>
    /// A <see cref="ValueTask{TResult}"/>: the unary decision path awaits it once, and an answer the grain completes
    /// on its turn (the usual case) then allocates no task on either side of the call.
    /// </returns>
    ValueTask<Outcome<Decision>> EvaluateAsync(Caller caller, EvaluationRequest request);

    /// <summary>
    /// Decides several actions in order, as if evaluated one by one (each sees the history of those before it), with
    /// one state write for the batch. For streams and batch APIs. A malformed entry fails the whole call.
    /// </summary>
    /// <param name="caller">The agent (must be the session's agent).</param>
    /// <param name="requests">1 to 256 actions.</param>
    Task<Outcome<System.Collections.Immutable.ImmutableArray<Decision>>> EvaluateManyAsync(
        Caller caller, System.Collections.Immutable.ImmutableArray<EvaluationRequest> requests);

    /// <summary>
    /// Asks for more access just in time. Each entry is refused, issued at once, or left pending an operator's
    /// approval (when a policy that lets the agent hold it is annotated <c>@approval("required")</c>).
    /// </summary>
    /// <param name="caller">The agent (must be the session's agent).</param>
    /// <param name="request">What and why.</param>
    Task<Outcome<GrantRequestResult>> RequestGrantAsync(Caller caller, GrantRequest request);

    /// <summary>One approval of this session, for the agent to poll or an operator to inspect.</summary>
    /// <param name="caller">The session's agent or an operator.</param>
    /// <param name="approvalId">The approval id.</param>
    Task<Outcome<ApprovalInfo>> GetApprovalAsync(Caller caller, string approvalId);

    /// <summary>An operator approves or denies a pending approval. Approving a grant approval issues the grant.</summary>
    /// <param name="caller">An operator.</param>
    /// <param name="decision">The answer.</param>
    Task<Outcome<ApprovalInfo>> DecideApprovalAsync(Caller caller, ApprovalDecision decision);

    /// <summary>The agent ends its session; every grant ends with it at once. Closing a session that has ended is not an error.</summary>
    /// <param name="caller">The agent (must be the session's agent).</param>
    Task<Outcome<SessionInfo>> CloseAsync(Caller caller);

    /// <summary>
    /// Kill switch for one session: persists the revocation and returns; every later evaluation denies. Revoking an
    /// ended session is not an error (it reports 0 sessions revoked).
    /// </summary>
    /// <param name="caller">An operator.</param>
    /// <param name="reason">Why (required).</param>
    Task<Outcome<RevocationReceipt>> RevokeAsync(Caller caller, string reason);

    /// <summary>The session, its grants and its facts.</summary>
    /// <param name="caller">The session's agent or an operator.</param>
    Task<Outcome<SessionInfo>> GetAsync(Caller caller);

    /// <summary>The session's events (decisions and lifecycle) and its folded facts.</summary>
    /// <param name="caller">The session's agent or an operator.</param>
    Task<Outcome<SessionHistoryView>> GetHistoryAsync(Caller caller);
}
