using Grpc.Core;
using Warden.Client;
using Warden.Host.Tests.Infrastructure;
using Warden.Protocol.V1;

namespace Warden.Host.Tests.Security;

[Collection(HostCollection.Name)]
public sealed class IsolationTests(WardenHostFixture host)
{
    [Fact]
    public async Task Evaluate_SessionOfAnotherAgent_PermissionDenied()
    {
        var tenant = await Scenario.NewTenantAsync(host);
        await using var alice = host.Agent(await Scenario.RegisterAgentAsync(host, tenant, "alice"));
        await using var mallory = host.Agent(await Scenario.RegisterAgentAsync(host, tenant, "mallory"));
        await using var session = await Scenario.OpenSessionAsync(alice);

        var stolen = mallory.AttachSession(session.Id);
        await RpcAssert.FailsWith(StatusCode.PermissionDenied, () => stolen.EvaluateAsync("db.query", WardenModel.Resource("Table", "orders")));
        await RpcAssert.FailsWith(StatusCode.PermissionDenied, () => stolen.CloseAsync());
    }

    [Fact]
    public async Task Evaluate_SessionOfAnotherTenant_NotFoundLikeAnUnknownSession()
    {
        var (_, _, alice) = await Scenario.AgentAsync(host, "alice");
        var (_, _, eve) = await Scenario.AgentAsync(host, "eve");
        await using (alice)
        await using (eve)
        {
            await using var session = await Scenario.OpenSessionAsync(alice);
            var foreign = eve.AttachSession(session.Id);
            await RpcAssert.NotFound("session_id", () => foreign.EvaluateAsync("db.query", WardenModel.Resource("Table", "orders")));
        }
    }

    [Fact]
    public async Task TenantOperatorCredential_OtherTenant_NotFoundWithoutLeakingExistence()
    {
        var mine = await Scenario.NewTenantAsync(host);
        var theirs = await Scenario.NewTenantAsync(host);
        await Scenario.RegisterAgentAsync(host, theirs, "secret-agent");
        await using var root = host.Operator();
        var issued = await root.CreateOperatorCredentialAsync(mine, "tenant admin");
        await using var tenantOp = host.Operator(issued.Credential);

        Assert.Empty(await tenantOp.ListAgentsAsync(mine));
        var existing = await RpcAssert.FailsWith(StatusCode.NotFound, () => tenantOp.ListAgentsAsync(theirs));
        var missingId = "no-such-" + Guid.NewGuid().ToString("N")[..8];
        var missing = await RpcAssert.FailsWith(StatusCode.NotFound, () => tenantOp.ListAgentsAsync(missingId));

        // The same answer, word for word, whether the other tenant exists or not.
        Assert.Equal(
            existing.Status.Detail.Replace(theirs, "<id>", StringComparison.Ordinal),
            missing.Status.Detail.Replace(missingId, "<id>", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TenantOperatorCredential_CreateTenant_PermissionDenied()
    {
        var mine = await Scenario.NewTenantAsync(host);
        await using var root = host.Operator();
        var issued = await root.CreateOperatorCredentialAsync(mine, "tenant admin");
        await using var tenantOp = host.Operator(issued.Credential);
        await RpcAssert.FailsWith(StatusCode.PermissionDenied, () => tenantOp.CreateTenantAsync("t-" + Guid.NewGuid().ToString("N")[..10], "x"));
    }

    [Fact]
    public async Task AgentCredential_OnOperatorService_Unauthenticated()
    {
        var (tenant, credential, agent) = await Scenario.AgentAsync(host);
        await using (agent)
        {
            await using var asOperator = host.Operator(credential);
            await RpcAssert.FailsWith(StatusCode.Unauthenticated, () => asOperator.ListAgentsAsync(tenant));
        }
    }

    [Fact]
    public async Task ListSessions_OtherTenantsSessions_NeverListed()
    {
        var (tenantA, _, alice) = await Scenario.AgentAsync(host, "alice");
        var (tenantB, _, bob) = await Scenario.AgentAsync(host, "bob");
        await using (alice)
        await using (bob)
        {
            await using var a = await Scenario.OpenSessionAsync(alice);
            await using var b = await Scenario.OpenSessionAsync(bob);
            await using var op = host.Operator();
            var listed = await op.ListSessionsAsync(new ListSessionsRequest { TenantId = tenantA });
            Assert.Contains(listed, s => s.SessionId == a.Id);
            Assert.DoesNotContain(listed, s => s.SessionId == b.Id);
            Assert.All(listed, s => Assert.Equal(tenantA, s.TenantId));
            _ = tenantB;
        }
    }
}
