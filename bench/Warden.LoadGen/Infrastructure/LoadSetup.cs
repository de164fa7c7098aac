using Warden.Client;
using Warden.Client.Agents;
using Warden.Client.Operators;
using Warden.Protocol.V1;

namespace Warden.LoadGen.Infrastructure;

/// <summary>A tenant with the load policy set (20 policies) and registered agents, each with its credential.</summary>
internal sealed class LoadSetup
{
    public const string Action = "db.query";
    public const string ResourceType = "Table";

    private LoadSetup(string tenantId, IReadOnlyList<string> credentials, long policyVersion)
    {
        TenantId = tenantId;
        Credentials = credentials;
        PolicyVersion = policyVersion;
    }

    public string TenantId { get; }

    public IReadOnlyList<string> Credentials { get; }

    public long PolicyVersion { get; }

    public static async Task<LoadSetup> CreateAsync(Uri target, string operatorKey, int agents)
    {
        await using var op = WardenOperatorClient.Create(target.ToString(), operatorKey);
        var tenantId = "load-" + Guid.NewGuid().ToString("N")[..8];
        await op.CreateTenantAsync(tenantId, "load generator");
        var policies = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Policies", "load.cedar"));
        var schema = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Policies", "load.cedarschema"));
        var set = await op.PublishPoliciesAsync(tenantId, policies, schema);
        var credentials = new List<string>(agents);
        for (var i = 0; i < agents; i++)
        {
            var registered = await op.RegisterAgentAsync(new RegisterAgentRequest
            {
                TenantId = tenantId,
                AgentId = $"agent-{i}",
                Owner = "loadgen@example.com",
                DisplayName = $"load agent {i}",
                ActionSurface = { new ScopeRule { Actions = { "db.query", "db.read", "mail.send" }, Resources = { "Table::*", "Mailbox::*" } } },
            });
            credentials.Add(registered.Credential);
        }

        return new LoadSetup(tenantId, credentials, set.Version);
    }

    public static Task<WardenSession> OpenSessionAsync(WardenClient client, TimeSpan ttl) =>
        client.OpenSessionAsync(
            WardenModel.Intent("load test: read order tables", purpose: "reporting", onBehalfOf: "loadgen@example.com"),
            [WardenModel.Rule(Action, "Table::*")],
            ttl);

    public static EvaluateRequest Request(string sessionId, int i) => new()
    {
        SessionId = sessionId,
        Action = Action,
        Resource = new Resource { Type = ResourceType, Id = "orders-" + (i & 15) },
        InputJson = """{"sql":"select id, total from orders where day = $1","rows":100}""",
    };
}
