using Warden.Host.Tests.Infrastructure;
using Warden.Protocol.V1;

namespace Warden.Host.Tests.Validation;

[Collection(HostCollection.Name)]
public sealed class OperatorValidationTests(WardenHostFixture host)
{
    [Fact]
    public async Task CreateTenant_MissingId_InvalidArgumentNamingTenantId()
    {
        await using var op = host.Operator();
        await RpcAssert.InvalidField("tenant_id", () => op.CreateTenantAsync(string.Empty, "Acme"));
    }

    [Fact]
    public async Task CreateTenant_MalformedId_InvalidArgumentNamingTenantId()
    {
        await using var op = host.Operator();
        await RpcAssert.InvalidField("tenant_id", () => op.CreateTenantAsync("acme/other", "Acme"));
    }

    [Fact]
    public async Task CreateTenant_OversizedId_InvalidArgumentNamingTenantId()
    {
        await using var op = host.Operator();
        await RpcAssert.InvalidField("tenant_id", () => op.CreateTenantAsync(new string('a', WardenLimits.MaxIdLength + 1), "Acme"));
    }

    [Fact]
    public async Task RegisterAgent_MalformedSurface_InvalidArgumentNamingEachBadEntry()
    {
        await using var op = host.Operator();
        var request = new RegisterAgentRequest
        {
            TenantId = "acme",
            AgentId = "bot",
            Owner = "ann@example.com",
            DisplayName = "Bot",
            ActionSurface = { new ScopeRule { Actions = { "db query" }, Resources = { "Table::\"unterminated" } } },
        };
        var bad = await RpcAssert.InvalidField("action_surface[0].actions[0]", () => op.RegisterAgentAsync(request));
        Assert.Contains(bad.FieldViolations, v => v.Field == "action_surface[0].resources[0]");
    }

    [Fact]
    public async Task RegisterAgent_NoSurface_InvalidArgumentNamingActionSurface()
    {
        await using var op = host.Operator();
        await RpcAssert.InvalidField("action_surface", () => op.RegisterAgentAsync(new RegisterAgentRequest { TenantId = "acme", AgentId = "bot", Owner = "o", DisplayName = "d" }));
    }

    [Fact]
    public async Task GetSession_MalformedSessionId_InvalidArgumentNamingSessionId()
    {
        await using var op = host.Operator();
        await RpcAssert.InvalidField("session_id", () => op.GetSessionAsync("acme", "../../etc"));
    }

    [Fact]
    public async Task ListSessions_LimitTooLarge_InvalidArgumentNamingLimit()
    {
        await using var op = host.Operator();
        await RpcAssert.InvalidField("limit", () => op.ListSessionsAsync(new ListSessionsRequest { TenantId = "acme", Limit = 1_000_000 }));
    }

    [Fact]
    public async Task Approve_MissingIds_InvalidArgumentNamingEachField()
    {
        await using var op = host.Operator();
        var bad = await RpcAssert.InvalidField("session_id", () => op.ApproveAsync("acme", string.Empty, string.Empty));
        Assert.Contains(bad.FieldViolations, v => v.Field == "approval_id");
    }
}
