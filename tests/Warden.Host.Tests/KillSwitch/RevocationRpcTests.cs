using Grpc.Core;
using Warden.Client;
using Warden.Host.Tests.Cli;
using Warden.Host.Tests.Infrastructure;
using Warden.Protocol.V1;

namespace Warden.Host.Tests.KillSwitch;

/// <summary>The kill switch over gRPC: receipts, required reasons, who may pull it, and what each scope refuses afterwards.</summary>
[Collection(HostCollection.Name)]
public sealed class RevocationRpcTests(WardenHostFixture host)
{
    private static readonly Resource Orders = new() { Type = "Table", Id = "orders" };

    [Fact]
    public async Task RevokeSession_OpenSession_ReceiptThenEveryEvaluationDeniedAsRevoked()
    {
        var (tenant, _, agent) = await Scenario.AgentAsync(host);
        await using (agent)
        {
            await using var session = await Scenario.OpenSessionAsync(agent);
            await using var op = host.Operator();

            var receipt = await op.Operator.RevokeSessionAsync(new RevokeSessionRequest { TenantId = tenant, SessionId = session.Id, Reason = "leaked prompt" });

            Assert.Equal(Warden.Protocol.V1.RevocationScope.Session, receipt.Scope);
            Assert.Equal(session.Id, receipt.Target);
            Assert.Equal(tenant, receipt.TenantId);
            Assert.Equal("leaked prompt", receipt.Reason);
            Assert.Equal(1, receipt.SessionsRevoked);
            Assert.False(string.IsNullOrEmpty(receipt.RevokedBy));
            Assert.True(receipt.CompletedAt.ToDateTimeOffset() >= receipt.EffectiveAt.ToDateTimeOffset());
            var decision = await session.EvaluateAsync("db.query", Orders);
            Assert.Equal(Decision.Deny, decision.Decision);
            Assert.Equal("session_revoked", decision.Reasons[0].Code);

            var again = await op.Operator.RevokeSessionAsync(new RevokeSessionRequest { TenantId = tenant, SessionId = session.Id, Reason = "again" });
            Assert.Equal(0, again.SessionsRevoked);
        }
    }

    [Fact]
    public async Task RevokeAgent_LiveSessions_RevokedAndNoSessionOpensUntilReactivated()
    {
        var (tenant, _, agent) = await Scenario.AgentAsync(host);
        await using (agent)
        {
            await using var first = await Scenario.OpenSessionAsync(agent);
            await using var second = await Scenario.OpenSessionAsync(agent);
            await using var op = host.Operator();

            var receipt = await op.Operator.RevokeAgentAsync(new RevokeAgentRequest { TenantId = tenant, AgentId = "bot", Reason = "runaway loop" });

            Assert.Equal(Warden.Protocol.V1.RevocationScope.Agent, receipt.Scope);
            Assert.Equal("bot", receipt.Target);
            Assert.Equal(2, receipt.SessionsRevoked);
            Assert.Equal("agent_suspended", (await first.EvaluateAsync("db.query", Orders)).Reasons[0].Code);
            Assert.Equal("agent_suspended", (await second.EvaluateAsync("db.query", Orders)).Reasons[0].Code);
            await RpcAssert.FailsWith(StatusCode.FailedPrecondition, () => Scenario.OpenSessionAsync(agent));

            await op.ReactivateAgentAsync(tenant, "bot", "fixed");
            await using var third = await Scenario.OpenSessionAsync(agent);
            Assert.Equal(SessionStatus.Open, third.Info.Status);
            Assert.Equal("agent_suspended", (await first.EvaluateAsync("db.query", Orders)).Reasons[0].Code);
        }
    }

    [Fact]
    public async Task RevokeTenant_Frozen_DeniesOpensRegistrationsAndGrantsUntilReactivated()
    {
        var (tenant, _, agent) = await Scenario.AgentAsync(host);
        await using (agent)
        {
            await using var session = await Scenario.OpenSessionAsync(agent);
            await using var op = host.Operator();

            var receipt = await op.Operator.RevokeTenantAsync(new RevokeTenantRequest { TenantId = tenant, Reason = "incident 7" });

            Assert.Equal(Warden.Protocol.V1.RevocationScope.Tenant, receipt.Scope);
            Assert.Equal(tenant, receipt.Target);
            Assert.Equal(1, receipt.SessionsRevoked);
            Assert.Equal("tenant_frozen", (await session.EvaluateAsync("db.query", Orders)).Reasons[0].Code);
            await RpcAssert.FailsWith(StatusCode.FailedPrecondition, () => session.RequestGrantAsync([WardenModel.Rule("db.read", "Table::*")], "more"));
            await RpcAssert.FailsWith(StatusCode.FailedPrecondition, () => Scenario.OpenSessionAsync(agent));
            await RpcAssert.FailsWith(StatusCode.FailedPrecondition, () => Scenario.RegisterAgentAsync(host, tenant, "late"));
            Assert.Equal(TenantStatus.Frozen, (await op.GetTenantAsync(tenant)).Status);

            var reactivated = await op.Operator.ReactivateTenantAsync(new ReactivateTenantRequest { TenantId = tenant, Reason = "resolved" });
            Assert.Equal(TenantStatus.Active, reactivated.Status);
            await using var fresh = await Scenario.OpenSessionAsync(agent);
            Assert.Equal(SessionStatus.Open, fresh.Info.Status);
            Assert.Equal("tenant_frozen", (await session.EvaluateAsync("db.query", Orders)).Reasons[0].Code);
        }
    }

    [Fact]
    public async Task Revoke_MissingReason_InvalidArgumentNamingReason()
    {
        var (tenant, _, agent) = await Scenario.AgentAsync(host);
        await using (agent)
        {
            await using var session = await Scenario.OpenSessionAsync(agent);
            await using var op = host.Operator();
            await RpcAssert.InvalidField("reason", () => op.Operator.RevokeSessionAsync(new RevokeSessionRequest { TenantId = tenant, SessionId = session.Id }).ResponseAsync);
            await RpcAssert.InvalidField("reason", () => op.Operator.RevokeAgentAsync(new RevokeAgentRequest { TenantId = tenant, AgentId = "bot", Reason = "  " }).ResponseAsync);
            await RpcAssert.InvalidField("reason", () => op.Operator.RevokeTenantAsync(new RevokeTenantRequest { TenantId = tenant }).ResponseAsync);
            await RpcAssert.InvalidField("reason", () => op.Operator.ReactivateTenantAsync(new ReactivateTenantRequest { TenantId = tenant, Reason = new string('r', WardenLimits.MaxShortTextLength + 1) }).ResponseAsync);
            await RpcAssert.InvalidField("session_id", () => op.Operator.RevokeSessionAsync(new RevokeSessionRequest { TenantId = tenant, SessionId = "../x", Reason = "r" }).ResponseAsync);

            // Nothing was revoked by the refused calls.
            Assert.Equal(Decision.Deny, (await session.EvaluateAsync("db.query", Orders)).Decision);
            Assert.NotEqual("session_revoked", (await session.EvaluateAsync("db.query", Orders)).Reasons[0].Code);
        }
    }

    [Fact]
    public async Task Revoke_OperatorOfAnotherTenant_NotFoundAndNothingRevoked()
    {
        var (tenant, _, agent) = await Scenario.AgentAsync(host);
        var other = await Scenario.NewTenantAsync(host);
        await using (agent)
        {
            await using var session = await Scenario.OpenSessionAsync(agent);
            await using var root = host.Operator();
            var strangerKey = (await root.CreateOperatorCredentialAsync(other, "stranger")).Credential;
            await using var stranger = host.Operator(strangerKey);

            await RpcAssert.FailsWith(StatusCode.NotFound, () => stranger.Operator.RevokeTenantAsync(new RevokeTenantRequest { TenantId = tenant, Reason = "x" }).ResponseAsync);
            await RpcAssert.FailsWith(StatusCode.NotFound, () => stranger.Operator.RevokeAgentAsync(new RevokeAgentRequest { TenantId = tenant, AgentId = "bot", Reason = "x" }).ResponseAsync);
            await RpcAssert.FailsWith(StatusCode.NotFound, () => stranger.Operator.RevokeSessionAsync(new RevokeSessionRequest { TenantId = tenant, SessionId = session.Id, Reason = "x" }).ResponseAsync);
            await using var bogus = host.Operator("wdn1.o.bogus");
            await RpcAssert.FailsWith(StatusCode.Unauthenticated, () => bogus.Operator.RevokeTenantAsync(new RevokeTenantRequest { TenantId = tenant, Reason = "x" }).ResponseAsync);

            Assert.Equal(TenantStatus.Active, (await root.GetTenantAsync(tenant)).Status);
            Assert.Equal(SessionStatus.Open, (await root.GetSessionAsync(tenant, session.Id)).Session.Status);
        }
    }

    [Fact]
    public async Task Cli_RevokeAndReactivate_PrintReceiptsAndRefuseWithoutReason()
    {
        var (tenant, _, agent) = await Scenario.AgentAsync(host);
        await using (agent)
        {
            await using var session = await Scenario.OpenSessionAsync(agent);

            var revokedSession = await Cli("revoke", "session", session.Id, "--tenant", tenant, "--reason", "cli drill");
            Assert.True(revokedSession.Exit == 0, revokedSession.Err);
            Assert.Contains($"revoked session {session.Id} in tenant {tenant}: 1 live sessions revoked", revokedSession.Out, StringComparison.Ordinal);

            var noReason = await Cli("revoke", "agent", "bot", "--tenant", tenant);
            Assert.NotEqual(0, noReason.Exit);

            var revokedAgent = await Cli("revoke", "agent", "bot", "--tenant", tenant, "--reason", "cli drill");
            Assert.True(revokedAgent.Exit == 0, revokedAgent.Err);
            Assert.Contains("revoked agent bot", revokedAgent.Out, StringComparison.Ordinal);
            var agentBack = await Cli("reactivate", "agent", "bot", "--tenant", tenant, "--reason", "cli drill over");
            Assert.Contains("is ACTIVE", agentBack.Out, StringComparison.Ordinal);

            var frozen = await Cli("revoke", "tenant", tenant, "--reason", "cli drill", "--json");
            Assert.True(frozen.Exit == 0, frozen.Err);
            Assert.Contains("\"scope\": \"REVOCATION_SCOPE_TENANT\"", frozen.Out, StringComparison.Ordinal);
            var tenantBack = await Cli("reactivate", "tenant", tenant, "--reason", "cli drill over");
            Assert.Contains($"tenant {tenant} is ACTIVE", tenantBack.Out, StringComparison.Ordinal);
        }
    }

    private Task<(int Exit, string Out, string Err)> Cli(params string[] args) =>
        CliRunner.RunAsync([.. args, "--url", host.GrpcUri.ToString(), "--operator-key", host.OperatorKey]);
}
