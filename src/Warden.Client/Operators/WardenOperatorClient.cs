using Warden.Client.Connection;
using Warden.Protocol.V1;

namespace Warden.Client.Operators;

/// <summary>The operator's side of Warden: tenants, agents, policies, sessions and approvals.</summary>
public sealed class WardenOperatorClient : IAsyncDisposable
{
    private readonly WardenConnection _connection;

    private WardenOperatorClient(WardenConnection connection)
    {
        _connection = connection;
        Operator = new Operator.OperatorClient(connection.Invoker);
    }

    /// <summary>The generated gRPC client, for calls this type does not wrap.</summary>
    public Operator.OperatorClient Operator { get; }

    /// <summary>A client for one gateway and an operator key.</summary>
    public static WardenOperatorClient Create(string url, string operatorKey)
    {
        var options = new WardenClientOptions { Credential = operatorKey };
        options.Endpoints.Add(new Uri(url));
        return Create(options);
    }

    /// <summary>A client with full options.</summary>
    public static WardenOperatorClient Create(WardenClientOptions options) => new(WardenConnection.Open(options));

    /// <summary>Creates a tenant (root operator).</summary>
    public Task<Tenant> CreateTenantAsync(string tenantId, string displayName, CancellationToken cancellationToken = default) =>
        Operator.CreateTenantAsync(new CreateTenantRequest { TenantId = tenantId, DisplayName = displayName }, Options(cancellationToken)).ResponseAsync;

    /// <summary>A tenant's status and counts.</summary>
    public Task<Tenant> GetTenantAsync(string tenantId, CancellationToken cancellationToken = default) =>
        Operator.GetTenantAsync(new GetTenantRequest { TenantId = tenantId }, Options(cancellationToken)).ResponseAsync;

    /// <summary>Issues a tenant operator credential (shown once).</summary>
    public Task<CreateOperatorCredentialResponse> CreateOperatorCredentialAsync(string tenantId, string label, CancellationToken cancellationToken = default) =>
        Operator.CreateOperatorCredentialAsync(new CreateOperatorCredentialRequest { TenantId = tenantId, Label = label }, Options(cancellationToken)).ResponseAsync;

    /// <summary>Registers an agent; the response carries its credential, shown only this once.</summary>
    public Task<RegisterAgentResponse> RegisterAgentAsync(RegisterAgentRequest request, CancellationToken cancellationToken = default) =>
        Operator.RegisterAgentAsync(request, Options(cancellationToken)).ResponseAsync;

    /// <summary>Validates and publishes a tenant's Cedar policies and schema.</summary>
    public Task<PolicySet> PublishPoliciesAsync(string tenantId, string policies, string schema, string? entitiesJson = null, CancellationToken cancellationToken = default) =>
        Operator.PublishPoliciesAsync(
            new PublishPoliciesRequest { TenantId = tenantId, Policies = policies, Schema = schema, EntitiesJson = entitiesJson ?? string.Empty },
            Options(cancellationToken)).ResponseAsync;

    /// <summary>The tenant's current policy set.</summary>
    public Task<PolicySet> GetPoliciesAsync(string tenantId, CancellationToken cancellationToken = default) =>
        Operator.GetPoliciesAsync(new GetPoliciesRequest { TenantId = tenantId }, Options(cancellationToken)).ResponseAsync;

    /// <summary>One agent.</summary>
    public Task<Agent> GetAgentAsync(string tenantId, string agentId, CancellationToken cancellationToken = default) =>
        Operator.GetAgentAsync(new AgentRequest { TenantId = tenantId, AgentId = agentId }, Options(cancellationToken)).ResponseAsync;

    /// <summary>Suspends an agent; its live sessions end before this returns.</summary>
    public Task<AgentStatusChangeResponse> SuspendAgentAsync(string tenantId, string agentId, string reason, CancellationToken cancellationToken = default) =>
        Operator.SuspendAgentAsync(StatusChange(tenantId, agentId, reason), Options(cancellationToken)).ResponseAsync;

    /// <summary>Reactivates a suspended agent.</summary>
    public Task<AgentStatusChangeResponse> ReactivateAgentAsync(string tenantId, string agentId, string reason, CancellationToken cancellationToken = default) =>
        Operator.ReactivateAgentAsync(StatusChange(tenantId, agentId, reason), Options(cancellationToken)).ResponseAsync;

    /// <summary>Retires an agent for good.</summary>
    public Task<AgentStatusChangeResponse> RetireAgentAsync(string tenantId, string agentId, string reason, CancellationToken cancellationToken = default) =>
        Operator.RetireAgentAsync(StatusChange(tenantId, agentId, reason), Options(cancellationToken)).ResponseAsync;

    /// <summary>
    /// Replaces an agent's credential: once this returns the old one is refused everywhere. The new credential is in
    /// the response, shown once.
    /// </summary>
    public Task<RotateAgentCredentialResponse> RotateAgentCredentialAsync(string tenantId, string agentId, string reason, CancellationToken cancellationToken = default) =>
        Operator.RotateAgentCredentialAsync(StatusChange(tenantId, agentId, reason), Options(cancellationToken)).ResponseAsync;

    /// <summary>The tenant's agents.</summary>
    public async Task<IReadOnlyList<Agent>> ListAgentsAsync(string tenantId, AgentStatus status = AgentStatus.Unspecified, CancellationToken cancellationToken = default) =>
        (await Operator.ListAgentsAsync(new ListAgentsRequest { TenantId = tenantId, Status = status }, Options(cancellationToken)).ConfigureAwait(false)).Agents;

    /// <summary>The tenant's live sessions, newest first.</summary>
    public async Task<IReadOnlyList<Session>> ListSessionsAsync(ListSessionsRequest request, CancellationToken cancellationToken = default) =>
        (await Operator.ListSessionsAsync(request, Options(cancellationToken)).ConfigureAwait(false)).Sessions;

    /// <summary>One session with its grants, approvals, facts and history.</summary>
    public Task<SessionDetail> GetSessionAsync(string tenantId, string sessionId, CancellationToken cancellationToken = default) =>
        Operator.GetSessionAsync(new GetSessionRequest { TenantId = tenantId, SessionId = sessionId }, Options(cancellationToken)).ResponseAsync;

    /// <summary>Approvals waiting for an operator.</summary>
    public async Task<IReadOnlyList<Approval>> ListPendingApprovalsAsync(string tenantId, CancellationToken cancellationToken = default) =>
        (await Operator.ListPendingApprovalsAsync(new ListPendingApprovalsRequest { TenantId = tenantId }, Options(cancellationToken)).ConfigureAwait(false)).Approvals;

    /// <summary>Approves a pending approval.</summary>
    public Task<Approval> ApproveAsync(string tenantId, string sessionId, string approvalId, string? note = null, CancellationToken cancellationToken = default) =>
        Operator.ApproveAsync(Decide(tenantId, sessionId, approvalId, note), Options(cancellationToken)).ResponseAsync;

    /// <summary>Denies a pending approval.</summary>
    public Task<Approval> DenyAsync(string tenantId, string sessionId, string approvalId, string? note = null, CancellationToken cancellationToken = default) =>
        Operator.DenyAsync(Decide(tenantId, sessionId, approvalId, note), Options(cancellationToken)).ResponseAsync;

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _connection.Dispose();
        return ValueTask.CompletedTask;
    }

    private Grpc.Core.CallOptions Options(CancellationToken cancellationToken) => _connection.Unary(cancellationToken);

    private static AgentStatusChangeRequest StatusChange(string tenantId, string agentId, string reason) =>
        new() { TenantId = tenantId, AgentId = agentId, Reason = reason };

    private static DecideApprovalRequest Decide(string tenantId, string sessionId, string approvalId, string? note) =>
        new() { TenantId = tenantId, SessionId = sessionId, ApprovalId = approvalId, Note = note ?? string.Empty };
}
