using Warden.Client;
using Warden.Client.Agents;
using Warden.Host.Tests.Infrastructure;
using Warden.Protocol.V1;

namespace Warden.Host.Tests.Lineage;

/// <summary>A tenant with the sample policies and an agent that may query tables and read the vault.</summary>
internal static class LineageScenario
{
    private static readonly string Policies = RepoFiles.SamplePolicies();
    private static readonly string Schema = File.ReadAllText(RepoFiles.Sample("schema/acme.cedarschema"));
    private static readonly string Entities = File.ReadAllText(RepoFiles.Sample("entities/acme.entities.json"));

    public static async Task<(string Tenant, WardenClient Agent)> TenantAsync(LineageHostFixture host)
    {
        var tenant = "t-" + Guid.NewGuid().ToString("N")[..12];
        await using var op = host.Operator();
        await op.CreateTenantAsync(tenant, "lineage test " + tenant);
        await op.PublishPoliciesAsync(tenant, Policies, Schema, Entities);
        var registered = await op.RegisterAgentAsync(new RegisterAgentRequest
        {
            TenantId = tenant,
            AgentId = "helper",
            Owner = "ann@example.com",
            DisplayName = "Support helper",
            ActionSurface =
            {
                new ScopeRule { Actions = { "vault.read" }, Resources = { "Acme::Vault::*" } },
                new ScopeRule { Actions = { "email.send" }, Resources = { "Acme::Mailbox::*" } },
            },
        });
        return (tenant, host.Agent(registered.Credential));
    }

    /// <summary>A support session: vault reads and mail sends granted; the sample policies allow a send before a secret is read, not after.</summary>
    public static Task<WardenSession> SessionAsync(WardenClient agent) => agent.OpenSessionAsync(
        WardenModel.Intent("answer a customer", promptId: "prompt-7", promptHash: "sha256:abc", onBehalfOf: "ann@example.com", purpose: "support"),
        [WardenModel.Rule("vault.read", "Acme::Vault::*"), WardenModel.Rule("email.send", "Acme::Mailbox::*")]);

    public static object Mail => new { to = "customer@example.com", subject = "hello" };
}
