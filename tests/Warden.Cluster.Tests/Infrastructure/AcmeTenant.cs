using Warden.Client.Operators;
using Warden.Protocol.V1;
using Warden.Testing;

namespace Warden.Cluster.Tests.Infrastructure;

/// <summary>The sample Acme policies (samples/) and agents that can use them, created through the public API.</summary>
internal static class AcmeTenant
{
    public static string Policies { get; } = string.Join(
        "\n",
        Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "samples", "policies"), "*.cedar").Order(StringComparer.Ordinal).Select(File.ReadAllText));

    public static string Schema { get; } = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "samples", "schema", "acme.cedarschema"));

    public static string Entities { get; } = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "samples", "entities", "acme.entities.json"));

    /// <summary>The arguments the Acme schema requires of a <c>db.query</c>.</summary>
    public static object Sql { get; } = new { sql = "select count(*) from t" };

    public static Resource Table(string name) => new() { Type = "Acme::Table", Id = name };

    public static Resource Account(string name) => new() { Type = "Acme::Account", Id = name };

    public static ScopeRule Rule(string action, string resource) => new() { Actions = { action }, Resources = { resource } };

    /// <summary>Only the sample baseline: an agent may act within its grants, without the samples' limits.</summary>
    public static string Baseline { get; } = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "samples", "policies", "baseline.cedar"));

    /// <summary>A new tenant with <paramref name="policies"/> (default: every sample policy) published.</summary>
    public static async Task<string> CreateAsync(WardenOperatorClient op, string? policies = null)
    {
        var tenantId = "t-" + Guid.NewGuid().ToString("N")[..12];
        await op.CreateTenantAsync(tenantId, "Acme " + tenantId);
        await op.PublishPoliciesAsync(tenantId, policies ?? Policies, Schema, Entities);
        return tenantId;
    }

    /// <summary>Registers an agent that may query tables and move money; returns its credential.</summary>
    public static async Task<string> RegisterAgentAsync(WardenOperatorClient op, string tenantId, string agentId)
    {
        var registered = await op.RegisterAgentAsync(new RegisterAgentRequest
        {
            TenantId = tenantId,
            AgentId = agentId,
            Owner = "ann@example.com",
            DisplayName = "Acme agent " + agentId,
            ActionSurface =
            {
                Rule("db.query", "Acme::Table::*"),
                Rule("payments.transfer", "Acme::Account::*"),
            },
        });
        return registered.Credential;
    }

    /// <summary>Asserts an allow, showing the whole answer (reasons) when it is not.</summary>
    public static void Allowed(EvaluateResponse response) => Xunit.Assert.True(response.Decision == Decision.Allow, response.ToString());
}
