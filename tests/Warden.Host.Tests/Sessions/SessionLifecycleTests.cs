using Grpc.Core;
using Warden.Client;
using Warden.Host.Tests.Infrastructure;
using Warden.Protocol.V1;

namespace Warden.Host.Tests.Sessions;

[Collection(HostCollection.Name)]
public sealed class SessionLifecycleTests(WardenHostFixture host)
{
    [Fact]
    public async Task OpenSession_ValidAgent_ReturnsOpenSessionWithExpiry()
    {
        var (tenant, _, agent) = await Scenario.AgentAsync(host);
        await using (agent)
        {
            var before = DateTimeOffset.UtcNow;
            await using var session = await Scenario.OpenSessionAsync(agent, TimeSpan.FromMinutes(2));
            Assert.Matches("^[0-9a-f]{32}$", session.Id);
            Assert.Equal(SessionStatus.Open, session.Info.Status);
            Assert.Equal(tenant, session.Info.TenantId);
            Assert.Equal("bot", session.Info.AgentId);
            var expires = session.Info.ExpiresAt.ToDateTimeOffset();
            Assert.InRange(expires, before.AddMinutes(2).AddSeconds(-5), DateTimeOffset.UtcNow.AddMinutes(2).AddSeconds(5));
        }
    }

    [Fact]
    public async Task OpenSession_OutsideDeclaredSurface_RefusedWithReason()
    {
        var (_, _, agent) = await Scenario.AgentAsync(host);
        await using (agent)
        {
            await using var session = await agent.OpenSessionAsync(WardenModel.Intent("wipe"), [WardenModel.Rule("db.drop", "Table::*")]);
            Assert.Empty(session.Info.Grants);
            var refusal = Assert.Single(session.Opened.Refused);
            Assert.Equal("db.drop", refusal.Action);
            Assert.Equal("outside_surface", refusal.Code);
        }
    }

    [Fact]
    public async Task Evaluate_NoGrantOrPolicy_DeniesWithReasonAsAValue()
    {
        var (_, _, agent) = await Scenario.AgentAsync(host);
        await using (agent)
        {
            await using var session = await Scenario.OpenSessionAsync(agent);
            var decision = await session.EvaluateAsync("db.query", WardenModel.Resource("Table", "orders"), new { sql = "select 1" });
            Assert.Equal(Decision.Deny, decision.Decision);
            Assert.NotEmpty(decision.Reasons);
            Assert.NotEmpty(decision.DecisionId);
        }
    }

    [Fact]
    public async Task CloseSession_ThenEvaluate_DeniedAsClosed()
    {
        var (_, _, agent) = await Scenario.AgentAsync(host);
        await using (agent)
        {
            var session = await Scenario.OpenSessionAsync(agent);
            var closed = await session.CloseAsync();
            Assert.Equal(SessionStatus.Closed, closed.Status);
            var decision = await session.EvaluateAsync("db.query", WardenModel.Resource("Table", "orders"));
            Assert.Equal(Decision.Deny, decision.Decision);
            Assert.Contains(decision.Reasons, r => r.Code == "session_closed");
        }
    }

    [Fact]
    public async Task Evaluate_UnknownSession_NotFoundNamingSessionId()
    {
        var (_, _, agent) = await Scenario.AgentAsync(host);
        await using (agent)
        {
            var ghost = agent.AttachSession(Guid.NewGuid().ToString("N"));
            await RpcAssert.NotFound("session_id", () => ghost.EvaluateAsync("db.query", WardenModel.Resource("Table", "orders")));
        }
    }

    [Fact]
    public async Task Evaluate_WhenTheEvaluationThrows_FailsClosedWithDeny()
    {
        var (_, _, agent) = await Scenario.AgentAsync(host);
        await using (agent)
        {
            await using var session = await Scenario.OpenSessionAsync(agent);
            var decision = await session.EvaluateAsync(FaultInjectionFilter.ExplodingAction, WardenModel.Resource("Table", "orders"));
            Assert.Equal(Decision.Deny, decision.Decision);
            Assert.Contains(decision.Reasons, r => r.Code == "internal_error");
        }
    }

    [Fact]
    public async Task SuspendedAgent_OpenSession_FailedPreconditionAndLiveSessionsEnd()
    {
        var (tenant, _, agent) = await Scenario.AgentAsync(host);
        await using (agent)
        {
            var session = await Scenario.OpenSessionAsync(agent);
            await using var op = host.Operator();
            var suspended = await op.SuspendAgentAsync(tenant, "bot", "test: stop it");
            Assert.Equal(AgentStatus.Suspended, suspended.Agent.Status);
            Assert.Equal(1, suspended.SessionsEnded);

            var decision = await session.EvaluateAsync("db.query", WardenModel.Resource("Table", "orders"));
            Assert.Equal(Decision.Deny, decision.Decision);
            await RpcAssert.FailsWith(StatusCode.FailedPrecondition, () => Scenario.OpenSessionAsync(agent));

            var reactivated = await op.ReactivateAgentAsync(tenant, "bot", "test: carry on");
            Assert.Equal(AgentStatus.Active, reactivated.Agent.Status);
            await using var again = await Scenario.OpenSessionAsync(agent);
            Assert.Equal(SessionStatus.Open, again.Info.Status);
        }
    }

    [Fact]
    public async Task RetiredAgent_Credential_StopsAuthenticating()
    {
        var (tenant, credential, agent) = await Scenario.AgentAsync(host);
        await using (agent)
        {
            await using var op = host.Operator();
            await op.RetireAgentAsync(tenant, "bot", "test: decommissioned");

            // A fresh client, so no verification is cached on the call path; the host's own cache lasts at most
            // Warden:CredentialCacheDuration, and either way the agent grain refuses the session.
            await using var again = host.Agent(credential);
            var e = await Assert.ThrowsAsync<RpcException>(() => Scenario.OpenSessionAsync(again));
            Assert.Contains(e.StatusCode, new[] { StatusCode.Unauthenticated, StatusCode.FailedPrecondition });
        }
    }

    [Fact]
    public async Task OperatorViews_ListAndShow_SeeTheSessionAndItsHistory()
    {
        var (tenant, _, agent) = await Scenario.AgentAsync(host);
        await using (agent)
        {
            await using var session = await Scenario.OpenSessionAsync(agent);
            var decision = await session.EvaluateAsync("db.query", WardenModel.Resource("Table", "orders"));
            await using var op = host.Operator();

            var listed = await op.ListSessionsAsync(new ListSessionsRequest { TenantId = tenant });
            Assert.Contains(listed, s => s.SessionId == session.Id);

            var detail = await op.GetSessionAsync(tenant, session.Id);
            Assert.Equal(session.Id, detail.Session.SessionId);
            Assert.Contains(detail.History, e => e.Kind == "decision" && e.DecisionId == decision.DecisionId);

            var agents = await op.ListAgentsAsync(tenant);
            Assert.Equal("bot", Assert.Single(agents).AgentId);
        }
    }
}
