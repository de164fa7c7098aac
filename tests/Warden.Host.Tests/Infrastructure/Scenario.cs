using Warden.Client;
using Warden.Client.Agents;
using Warden.Protocol.V1;

namespace Warden.Host.Tests.Infrastructure;

/// <summary>Creates what a test needs through the public API: a fresh tenant, agents with credentials, sessions.</summary>
internal static class Scenario
{
    public static async Task<string> NewTenantAsync(WardenHostFixture host)
    {
        var tenantId = "t-" + Guid.NewGuid().ToString("N")[..12];
        await using var op = host.Operator();
        await op.CreateTenantAsync(tenantId, "test tenant " + tenantId);
        return tenantId;
    }

    public static async Task<string> RegisterAgentAsync(WardenHostFixture host, string tenantId, string agentId = "bot")
    {
        await using var op = host.Operator();
        var response = await op.RegisterAgentAsync(new RegisterAgentRequest
        {
            TenantId = tenantId,
            AgentId = agentId,
            Owner = "owner@example.com",
            DisplayName = "Test agent " + agentId,
            ActionSurface =
            {
                new ScopeRule { Actions = { "db.query", "db.read" }, Resources = { "Table::*" } },
                new ScopeRule { Actions = { "mail.send" }, Resources = { "Mailbox::*" } },
            },
        });
        return response.Credential;
    }

    public static Task<WardenSession> OpenSessionAsync(WardenClient agent, TimeSpan? ttl = null) =>
        agent.OpenSessionAsync(WardenModel.Intent("summarize the orders table"), [WardenModel.Rule("db.query", "Table::*")], ttl ?? TimeSpan.FromMinutes(5));

    /// <summary>A tenant, one agent in it, and a client for that agent.</summary>
    public static async Task<(string TenantId, string Credential, WardenClient Agent)> AgentAsync(WardenHostFixture host, string agentId = "bot")
    {
        var tenantId = await NewTenantAsync(host);
        var credential = await RegisterAgentAsync(host, tenantId, agentId);
        return (tenantId, credential, host.Agent(credential));
    }
}
