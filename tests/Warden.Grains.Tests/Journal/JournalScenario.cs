using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Storage;
using Orleans.TestingHost;
using Warden.Agents;
using Warden.Grains.Hosting;
using Warden.Grains.Sessions;
using Warden.Grains.Tests.Cluster;
using Warden.Policies;
using Warden.Scopes;
using Warden.Sessions;
using Warden.Tenants;
using static Warden.Grains.Tests.Cluster.Scenario;

namespace Warden.Grains.Tests.Journal;

/// <summary>
/// A session for the journal tests: the sample policies, and a use-limited report grant (3 uses), vault reads and mail
/// sends (the sequence rule forbids a send after a secret read).
/// </summary>
internal static class JournalScenario
{
    private static readonly ScopeEntry[] Surface =
    [
        new("doc.read", "Acme::Doc::\"reports/*\""),
        new("vault.read", "Acme::Vault::*"),
        new("email.send", "Acme::Mailbox::*"),
    ];

    public static EvaluationRequest Read { get; } = Act("doc.read", "Acme::Doc", "reports/2026-q1");

    public static EvaluationRequest Secret { get; } = Act("vault.read", "Acme::Vault", "prod-db-password");

    public static EvaluationRequest Mail { get; } = Act("email.send", "Acme::Mailbox", "outbox", """{"to":"someone@example.org","subject":"hello"}""");

    public static async Task<(string Tenant, string Session)> OpenAsync(IClusterClient client)
    {
        var tenant = "t" + Guid.NewGuid().ToString("N")[..12];
        var tenantGrain = client.GetGrain<ITenantGrain>(tenant);
        Ok(await tenantGrain.CreateAsync(new CreateTenant("Journal tenant", Admin)));
        Ok(await tenantGrain.PublishPolicyAsync(new PublishPolicy(Samples.Policies, Samples.Schema, Samples.Entities, Admin)));
        Ok(await tenantGrain.RegisterAgentAsync(new RegisterAgent("bot", "owner@example.com", "bot", [.. Surface], "low", ["test"], [], Admin)));
        var opened = Ok(await client.GetGrain<IAgentGrain>(WardenIds.AgentKey(tenant, "bot")).OpenSessionAsync(new OpenSession(
            new Intent("test task", string.Empty, "prompt-1", "sha256:00", "user@example.com"),
            [new ScopeRequest("doc.read", "Acme::Doc::\"reports/*\"", MaxUses: 3), new ScopeRequest("vault.read", "Acme::Vault::*"), new ScopeRequest("email.send", "Acme::Mailbox::*")],
            null)));
        return (tenant, opened.SessionId);
    }

    public static ISessionGrain Grain(IClusterClient client, string tenant, string session) => client.GetGrain<ISessionGrain>(WardenIds.SessionKey(tenant, session));

    public static Caller Agent(string tenant) => Caller.Agent(tenant, "bot");

    public static async Task<Decision> EvaluateAsync(IClusterClient client, string tenant, string session, EvaluationRequest request) =>
        Ok(await Grain(client, tenant, session).EvaluateAsync(Agent(tenant), request));

    public static async Task<SessionState> StoredAsync(InProcessTestCluster cluster, string tenant, string session)
    {
        var storage = cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>("warden");
        var state = new GrainState<SessionState>();
        await storage.ReadStateAsync(GrainTypes.StateNames.Session, GrainId.Create(GrainTypes.Session, WardenIds.SessionKey(tenant, session)), state);
        return state.State ?? throw new InvalidOperationException("no stored session state");
    }
}
