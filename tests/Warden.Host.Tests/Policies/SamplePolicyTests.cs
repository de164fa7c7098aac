using Grpc.Core;
using Warden.Client;
using Warden.Host.Tests.Cli;
using Warden.Host.Tests.Infrastructure;
using Warden.Protocol.V1;

namespace Warden.Host.Tests.Policies;

/// <summary>The quickstart's sample policies, published through the API, decide as the README says.</summary>
[Collection(HostCollection.Name)]
public sealed class SamplePolicyTests(WardenHostFixture host)
{
    private static readonly string Policies = File.ReadAllText(RepoFiles.Sample("policies.cedar"));
    private static readonly string Schema = File.ReadAllText(RepoFiles.Sample("schema.cedarschema"));

    private async Task<(string Tenant, WardenClient Agent)> TenantWithSamplesAsync()
    {
        var (tenant, _, agent) = await Scenario.AgentAsync(host);
        await using var op = host.Operator();
        var set = await op.PublishPoliciesAsync(tenant, Policies, Schema);
        Assert.Equal(1, set.Version);
        Assert.Contains("no-send-after-secret", set.PolicyIds);
        return (tenant, agent);
    }

    [Fact]
    public async Task PublishPolicies_InvalidSet_RefusedWithErrorsAndPreviousSetStays()
    {
        var (tenant, agent) = await TenantWithSamplesAsync();
        await using (agent)
        {
            await using var op = host.Operator();
            const string broken = "permit (principal, action == Action::\"db.query\", resource) when { context.nope.nope };";
            var bad = await RpcAssert.InvalidField("policies", () => op.PublishPoliciesAsync(tenant, broken, Schema));
            Assert.NotEmpty(bad.FieldViolations.First(v => v.Field == "policies").Description);
            await RpcAssert.InvalidField("policies", () => op.PublishPoliciesAsync(tenant, "permit (principal,", Schema));

            var current = await op.GetPoliciesAsync(tenant);
            Assert.Equal(1, current.Version);
            Assert.Equal(Policies, current.Policies);
        }
    }

    [Fact]
    public async Task SequenceRule_SendAfterReadingASecret_Denied()
    {
        var (_, agent) = await TenantWithSamplesAsync();
        await using (agent)
        {
            await using var session = await agent.OpenSessionAsync(
                WardenModel.Intent("answer a customer", purpose: "support", onBehalfOf: "ann@example.com"),
                [WardenModel.Rule("db.query", "Table::*"), WardenModel.Rule("mail.send", "Mailbox::*")]);
            Assert.Equal(2, session.Info.Grants.Count);
            var mail = new { to = "ops@example.com", subject = "status" };

            var before = await session.EvaluateAsync("mail.send", WardenModel.Resource("Mailbox", "ops"), mail);
            Assert.Equal(Decision.Allow, before.Decision);
            Assert.Contains("send-internal-mail", before.DeterminingPolicies);

            var read = new Resource { Type = "Table", Id = "credentials", Labels = { "secret" } };
            var secret = await session.EvaluateAsync("db.query", read, new { sql = "select * from credentials" });
            Assert.Equal(Decision.Allow, secret.Decision);

            var after = await session.EvaluateAsync("mail.send", WardenModel.Resource("Mailbox", "ops"), mail);
            Assert.Equal(Decision.Deny, after.Decision);
            Assert.Contains("no-send-after-secret", after.DeterminingPolicies);
        }
    }

    [Fact]
    public async Task IntentRule_ReportingSession_CannotSendMail()
    {
        var (_, agent) = await TenantWithSamplesAsync();
        await using (agent)
        {
            await using var session = await agent.OpenSessionAsync(
                WardenModel.Intent("quarterly report", purpose: "reporting"),
                [WardenModel.Rule("db.query", "Table::*"), WardenModel.Rule("mail.send", "Mailbox::*")]);
            Assert.Equal(2, session.Info.Grants.Count);

            var query = await session.EvaluateAsync("db.query", WardenModel.Resource("Table", "orders"), new { sql = "select 1" });
            Assert.Equal(Decision.Allow, query.Decision);
            Assert.NotEmpty(query.GrantId);

            var send = await session.EvaluateAsync("mail.send", WardenModel.Resource("Mailbox", "ops"), new { to = "ops@example.com" });
            Assert.Equal(Decision.Deny, send.Decision);
            Assert.Contains("intent-reporting-reads-only", send.DeterminingPolicies);
        }
    }

    [Fact]
    public async Task Cli_QuickstartSteps_AllowThenDeny()
    {
        var tenant = "qs-" + Guid.NewGuid().ToString("N")[..8];
        string[] op = ["--url", host.GrpcUri.ToString(), "--operator-key", host.OperatorKey];
        Assert.Equal(0, (await CliRunner.RunAsync(["tenant", "create", tenant, .. op])).Exit);
        var published = await CliRunner.RunAsync(["policy", "publish", "--tenant", tenant, "--policies", RepoFiles.Sample("policies.cedar"), "--schema", RepoFiles.Sample("schema.cedarschema"), .. op]);
        Assert.True(published.Exit == 0, published.Err);
        Assert.Contains("policy set version 1", published.Out, StringComparison.Ordinal);
        var registered = await CliRunner.RunAsync(["agent", "register", "helper", "--tenant", tenant, "--owner", "ann@example.com", "--allow", "db.query on Table::*", "--allow", "mail.send on Mailbox::*", "--json", .. op]);
        var credential = System.Text.Json.JsonDocument.Parse(registered.Out).RootElement.GetProperty("credential").GetString()!;
        string[] agent = ["--url", host.GrpcUri.ToString(), "--agent-key", credential];
        var opened = await CliRunner.RunAsync(["session", "open", "--intent", "answer a customer", "--purpose", "support", "--on-behalf-of", "ann@example.com", "--scope", "db.query on Table::*", "--scope", "mail.send on Mailbox::*", "--json", .. agent]);
        var sessionId = System.Text.Json.JsonDocument.Parse(opened.Out).RootElement.GetProperty("session").GetProperty("sessionId").GetString()!;

        var allowed = await CliRunner.RunAsync(["session", "evaluate", sessionId, "--action", "db.query", "--resource", "Table::\"credentials\"", "--label", "secret", "--args", "{\"sql\":\"select * from credentials\"}", .. agent]);
        Assert.StartsWith("ALLOW", allowed.Out, StringComparison.Ordinal);
        var denied = await CliRunner.RunAsync(["session", "evaluate", sessionId, "--action", "mail.send", "--resource", "Mailbox::\"ops\"", "--args", "{\"to\":\"ops@example.com\"}", .. agent]);
        Assert.StartsWith("DENY", denied.Out, StringComparison.Ordinal);
        Assert.Contains("no-send-after-secret", denied.Out, StringComparison.Ordinal);
        Assert.Equal(0, (await CliRunner.RunAsync(["session", "close", sessionId, .. agent])).Exit);
    }
}
