using System.Text.Json;
using Warden.Host.Tests.Infrastructure;

namespace Warden.Host.Tests.Cli;

[Collection(HostCollection.Name)]
public sealed class CliCommandTests(WardenHostFixture host)
{
    private string Url => host.GrpcUri.ToString();

    private Task<(int Exit, string Out, string Err)> AsOperator(params string[] args) =>
        CliRunner.RunAsync([.. args, "--url", Url, "--operator-key", host.OperatorKey]);

    private Task<(int Exit, string Out, string Err)> AsAgent(string credential, params string[] args) =>
        CliRunner.RunAsync([.. args, "--url", Url, "--agent-key", credential]);

    [Fact]
    public async Task Cli_OperatorAndAgentCommands_WorkAgainstTheRunningHost()
    {
        var tenant = "cli-" + Guid.NewGuid().ToString("N")[..8];
        var created = await AsOperator("tenant", "create", tenant, "--name", "CLI tenant");
        Assert.True(created.Exit == 0, created.Err);
        Assert.Contains($"tenant {tenant} created", created.Out, StringComparison.Ordinal);

        var registered = await AsOperator("agent", "register", "reporter", "--tenant", tenant, "--owner", "ann@example.com",
            "--allow", "db.query,db.read on Table::*", "--allow", "mail.send on Mailbox::*", "--json");
        Assert.True(registered.Exit == 0, registered.Err);
        var credential = JsonDocument.Parse(registered.Out).RootElement.GetProperty("credential").GetString()!;
        Assert.StartsWith("wdn1.a.", credential, StringComparison.Ordinal);

        var listed = await AsOperator("agent", "list", "--tenant", tenant);
        Assert.Contains("reporter\tACTIVE", listed.Out, StringComparison.Ordinal);

        var opened = await AsAgent(credential, "session", "open", "--intent", "summarize orders", "--scope", "db.query on Table::*", "--ttl", "5m", "--json");
        Assert.True(opened.Exit == 0, opened.Err);
        var sessionId = JsonDocument.Parse(opened.Out).RootElement.GetProperty("session").GetProperty("sessionId").GetString()!;

        var evaluated = await AsAgent(credential, "session", "evaluate", sessionId, "--action", "db.query", "--resource", "Table::\"orders\"", "--args", "{\"sql\":\"select 1\"}");
        Assert.True(evaluated.Exit == 0, evaluated.Err);
        Assert.Matches("^(ALLOW|DENY|APPROVAL_REQUIRED)\t", evaluated.Out);

        var sessions = await AsOperator("session", "list", "--tenant", tenant);
        Assert.Contains(sessionId, sessions.Out, StringComparison.Ordinal);

        var shown = await AsOperator("session", "show", sessionId, "--tenant", tenant);
        Assert.Contains("history", shown.Out, StringComparison.Ordinal);
        Assert.Contains("db.query Table::\"orders\"", shown.Out, StringComparison.Ordinal);

        var closed = await AsAgent(credential, "session", "close", sessionId);
        Assert.Contains("is CLOSED", closed.Out, StringComparison.Ordinal);

        var approvals = await AsOperator("approvals", "list", "--tenant", tenant);
        Assert.Contains("no pending approvals", approvals.Out, StringComparison.Ordinal);

        var rotated = await AsOperator("agent", "rotate-credential", "reporter", "--tenant", tenant, "--reason", "cli test", "--json");
        Assert.True(rotated.Exit == 0, rotated.Err);
        var renewed = JsonDocument.Parse(rotated.Out).RootElement.GetProperty("credential").GetString()!;
        Assert.StartsWith("wdn1.a.", renewed, StringComparison.Ordinal);
        Assert.NotEqual(credential, renewed);
        var refused = await AsAgent(credential, "session", "open", "--intent", "after rotation", "--scope", "db.query on Table::*");
        Assert.Equal(1, refused.Exit);
        Assert.Contains("Unauthenticated", refused.Err, StringComparison.Ordinal);
        var reopened = await AsAgent(renewed, "session", "open", "--intent", "after rotation", "--scope", "db.query on Table::*", "--json");
        Assert.True(reopened.Exit == 0, reopened.Err);

        var suspended = await AsOperator("agent", "suspend", "reporter", "--tenant", tenant, "--reason", "cli test");
        Assert.Contains("is SUSPENDED", suspended.Out, StringComparison.Ordinal);
        var reactivated = await AsOperator("agent", "reactivate", "reporter", "--tenant", tenant, "--reason", "cli test");
        Assert.Contains("is ACTIVE", reactivated.Out, StringComparison.Ordinal);
        var retired = await AsOperator("agent", "retire", "reporter", "--tenant", tenant, "--reason", "cli test");
        Assert.Contains("is RETIRED", retired.Out, StringComparison.Ordinal);

        var policies = await AsOperator("policy", "get", "--tenant", tenant);
        Assert.True(policies.Exit == 0, policies.Err);
        Assert.Contains("policy set version 0", policies.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cli_NoOperatorKey_UsageErrorExit2()
    {
        var result = await CliRunner.RunAsync("agent", "list", "--tenant", "acme", "--url", Url, "--operator-key", "");
        Assert.Equal(2, result.Exit);
        Assert.Contains("operator key is required", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cli_InvalidTenantId_Exit1NamingTheField()
    {
        var result = await AsOperator("tenant", "create", "bad/id");
        Assert.Equal(1, result.Exit);
        Assert.Contains("InvalidArgument", result.Err, StringComparison.Ordinal);
        Assert.Contains("tenant_id", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cli_WrongOperatorKey_Exit1Unauthenticated()
    {
        var result = await CliRunner.RunAsync("agent", "list", "--tenant", "acme", "--url", Url, "--operator-key", "wdn_op_wrongwrongwrongwrongwrong");
        Assert.Equal(1, result.Exit);
        Assert.Contains("Unauthenticated", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cli_MalformedScope_UsageErrorExit2()
    {
        var result = await AsAgent("wdn1.a.x", "session", "open", "--intent", "x", "--scope", "db.query Table::*");
        Assert.Equal(2, result.Exit);
        Assert.Contains("ACTIONS on RESOURCES", result.Err, StringComparison.Ordinal);
    }
}
