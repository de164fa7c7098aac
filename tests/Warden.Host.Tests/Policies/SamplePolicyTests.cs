using System.Text.Json;
using Warden.Client;
using Warden.Host.Tests.Cli;
using Warden.Host.Tests.Infrastructure;
using Warden.Protocol.V1;

namespace Warden.Host.Tests.Policies;

/// <summary>The sample policies under <c>samples/</c>, published through the API, decide as the README says.</summary>
[Collection(HostCollection.Name)]
public sealed class SamplePolicyTests(WardenHostFixture host)
{
    private static readonly string Policies = RepoFiles.SamplePolicies();
    private static readonly string Schema = File.ReadAllText(RepoFiles.Sample("schema/acme.cedarschema"));
    private static readonly string Entities = File.ReadAllText(RepoFiles.Sample("entities/acme.entities.json"));

    private async Task<(string Tenant, WardenClient Agent)> TenantWithSamplesAsync()
    {
        var tenant = await Scenario.NewTenantAsync(host);
        await using var op = host.Operator();
        var set = await op.PublishPoliciesAsync(tenant, Policies, Schema, Entities);
        Assert.Equal(1, set.Version);
        Assert.Contains("no-external-send-after-secret", set.PolicyIds);
        var registered = await op.RegisterAgentAsync(new RegisterAgentRequest
        {
            TenantId = tenant,
            AgentId = "helper",
            Owner = "ann@example.com",
            DisplayName = "Support helper",
            ActionSurface =
            {
                new ScopeRule { Actions = { "db.query" }, Resources = { "Acme::Table::*" } },
                new ScopeRule { Actions = { "vault.read" }, Resources = { "Acme::Vault::*" } },
                new ScopeRule { Actions = { "email.send" }, Resources = { "Acme::Mailbox::*" } },
                new ScopeRule { Actions = { "doc.read", "report.write" }, Resources = { "Acme::Doc::*" } },
            },
        });
        return (tenant, host.Agent(registered.Credential));
    }

    [Fact]
    public async Task PublishPolicies_InvalidSet_RefusedWithErrorsAndPreviousSetStays()
    {
        var (tenant, agent) = await TenantWithSamplesAsync();
        await using (agent)
        {
            await using var op = host.Operator();
            const string illTyped = "permit (principal, action == Action::\"db.query\", resource) when { context.nope };";
            var bad = await RpcAssert.InvalidField("policies", () => op.PublishPoliciesAsync(tenant, illTyped, Schema, Entities));
            Assert.NotEmpty(bad.FieldViolations.First(v => v.Field == "policies").Description);
            await RpcAssert.InvalidField("policies", () => op.PublishPoliciesAsync(tenant, "permit (principal,", Schema, Entities));

            var current = await op.GetPoliciesAsync(tenant);
            Assert.Equal(1, current.Version);
            Assert.Equal(Policies, current.Policies);
        }
    }

    [Fact]
    public async Task SequenceRule_ExternalSendAfterReadingASecret_Denied()
    {
        var (_, agent) = await TenantWithSamplesAsync();
        await using (agent)
        {
            await using var session = await agent.OpenSessionAsync(
                WardenModel.Intent("answer a customer", purpose: "support", onBehalfOf: "ann@example.com"),
                [WardenModel.Rule("vault.read", "Acme::Vault::*"), WardenModel.Rule("email.send", "Acme::Mailbox::*")]);
            Assert.Equal(2, session.Info.Grants.Count);
            var mail = new { to = "customer@example.com", subject = "your order" };

            var before = await session.EvaluateAsync("email.send", WardenModel.Resource("Acme::Mailbox", "customer"), mail);
            Assert.Equal(Decision.Allow, before.Decision);
            Assert.NotEmpty(before.GrantId);

            var secret = await session.EvaluateAsync("vault.read", WardenModel.Resource("Acme::Vault", "prod-db-password"));
            Assert.Equal(Decision.Allow, secret.Decision);

            var after = await session.EvaluateAsync("email.send", WardenModel.Resource("Acme::Mailbox", "customer"), mail);
            Assert.Equal(Decision.Deny, after.Decision);
            Assert.Contains("no-external-send-after-secret", after.DeterminingPolicies);
        }
    }

    [Fact]
    public async Task IntentRule_QuarterlyReportSession_NoToolOutsideTheTask()
    {
        var (_, agent) = await TenantWithSamplesAsync();
        await using (agent)
        {
            await using var session = await agent.OpenSessionAsync(
                WardenModel.Intent("write the Q1 report", purpose: "quarterly-report"),
                [WardenModel.Rule(["doc.read"], ["Acme::Doc::*"]), WardenModel.Rule("db.query", "Acme::Table::*")]);

            var read = await session.EvaluateAsync("doc.read", WardenModel.Resource("Acme::Doc", "reports/2026-q1"));
            Assert.Equal(Decision.Allow, read.Decision);

            var query = await session.EvaluateAsync("db.query", WardenModel.Resource("Acme::Table", "orders"), new { sql = "select 1" });
            Assert.Equal(Decision.Deny, query.Decision);
            Assert.Contains("intent-report-only", query.DeterminingPolicies);
        }
    }

    [Fact]
    public async Task Cli_QuickstartSteps_AllowThenDeny()
    {
        var tenant = "qs-" + Guid.NewGuid().ToString("N")[..8];
        string[] op = ["--url", host.GrpcUri.ToString(), "--operator-key", host.OperatorKey];
        Assert.Equal(0, (await CliRunner.RunAsync(["tenant", "create", tenant, .. op])).Exit);
        var published = await CliRunner.RunAsync(["policy", "publish", "--tenant", tenant, "--policies", RepoFiles.Sample("policies"),
            "--schema", RepoFiles.Sample("schema/acme.cedarschema"), "--entities", RepoFiles.Sample("entities/acme.entities.json"), .. op]);
        Assert.True(published.Exit == 0, published.Err);
        Assert.Contains("policy set version 1", published.Out, StringComparison.Ordinal);
        var registered = await CliRunner.RunAsync(["agent", "register", "helper", "--tenant", tenant, "--owner", "ann@example.com",
            "--allow", "vault.read on Acme::Vault::*", "--allow", "email.send on Acme::Mailbox::*", "--json", .. op]);
        var credential = JsonDocument.Parse(registered.Out).RootElement.GetProperty("credential").GetString()!;
        string[] agent = ["--url", host.GrpcUri.ToString(), "--agent-key", credential];
        var opened = await CliRunner.RunAsync(["session", "open", "--intent", "answer a customer", "--scope", "vault.read on Acme::Vault::*",
            "--scope", "email.send on Acme::Mailbox::*", "--json", .. agent]);
        var sessionId = JsonDocument.Parse(opened.Out).RootElement.GetProperty("session").GetProperty("sessionId").GetString()!;

        var allowed = await CliRunner.RunAsync(["session", "evaluate", sessionId, "--action", "vault.read", "--resource", "Acme::Vault::\"prod-db-password\"", .. agent]);
        Assert.StartsWith("ALLOW", allowed.Out, StringComparison.Ordinal);
        var denied = await CliRunner.RunAsync(["session", "evaluate", sessionId, "--action", "email.send", "--resource", "Acme::Mailbox::\"customer\"",
            "--args", "{\"to\":\"customer@example.com\",\"subject\":\"your order\"}", .. agent]);
        Assert.StartsWith("DENY", denied.Out, StringComparison.Ordinal);
        Assert.Contains("no-external-send-after-secret", denied.Out, StringComparison.Ordinal);
        Assert.Equal(0, (await CliRunner.RunAsync(["session", "close", sessionId, .. agent])).Exit);
    }
}
