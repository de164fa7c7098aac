using System.Text;
using Grpc.Core;
using Microsoft.Data.Sqlite;
using Warden.Client;
using Warden.Host.Tests.Cli;
using Warden.Host.Tests.Infrastructure;
using Warden.Protocol.V1;

namespace Warden.Host.Tests.Lineage;

/// <summary>Decisions and lifecycle events become lineage records in the real store, queryable and verifiable.</summary>
[Collection(LineageHostCollection.Name)]
public sealed class LineageRecordingTests(LineageHostFixture host)
{
    [Fact]
    public async Task Session_DecisionsAndLifecycle_RecordedInOrderWithTheirFieldsAndChainVerifies()
    {
        var (tenant, agent) = await LineageScenario.TenantAsync(host);
        string sessionId;
        EvaluateResponse allowed;
        EvaluateResponse denied;
        await using (agent)
        {
            var session = await LineageScenario.SessionAsync(agent);
            sessionId = session.Id;
            allowed = await session.EvaluateAsync("email.send", WardenModel.Resource("Acme::Mailbox", "customer"), LineageScenario.Mail);
            await session.EvaluateAsync("vault.read", WardenModel.Resource("Acme::Vault", "prod-db-password"));
            denied = await session.EvaluateAsync("email.send", WardenModel.Resource("Acme::Mailbox", "customer"), LineageScenario.Mail);
            await session.CloseAsync();
        }

        Assert.Equal(Decision.Allow, allowed.Decision);
        Assert.Equal(Decision.Deny, denied.Decision);
        using var channel = host.Channel();
        var lineage = host.LineageClient(channel);
        var records = (await lineage.QueryLineageAsync(new QueryLineageRequest { TenantId = tenant, SessionId = sessionId })).Records;
        Assert.Equal(
            ["session_opened", "grant_issued", "grant_issued", "decision", "decision", "decision", "grant_revoked", "grant_revoked", "session_closed"],
            records.Select(r => r.Kind).ToArray());
        Assert.True(records.Zip(records.Skip(1)).All(p => p.Second.Sequence > p.First.Sequence));

        var allow = Assert.Single(records, r => r.DecisionId == allowed.DecisionId);
        Assert.Equal("allow", allow.Decision);
        Assert.Equal("helper", allow.AgentId);
        Assert.Equal("answer a customer", allow.IntentTask);
        Assert.Equal("prompt-7", allow.PromptId);
        Assert.Equal("sha256:abc", allow.PromptHash);
        Assert.Equal("email.send", allow.Action);
        Assert.Equal("Acme::Mailbox::\"customer\"", allow.Resource);
        Assert.Equal(1, allow.PolicySetVersion);
        Assert.NotEmpty(allow.PolicyIds);
        Assert.Equal(allowed.GrantId, allow.GrantId);
        Assert.Matches("^[0-9a-f]{64}$", allow.ContextDigest);
        Assert.Matches("^[0-9a-f]{64}$", allow.PreviousHash);

        var deny = Assert.Single(records, r => r.DecisionId == denied.DecisionId);
        Assert.Equal("deny", deny.Decision);
        Assert.Contains(deny.PolicyIds, id => id == "no-external-send-after-secret");
        Assert.NotEmpty(deny.Reasons);

        // The tenant's own chain also holds the policy publication and the agent registration, before the session.
        var all = (await lineage.QueryLineageAsync(new QueryLineageRequest { TenantId = tenant })).Records;
        Assert.Equal("policy_published", all[0].Kind);
        Assert.Equal("agent_registered", all[1].Kind);
        Assert.Equal(Enumerable.Range(1, all.Count).Select(i => (long)i), all.Select(r => r.Sequence));

        var verified = await lineage.VerifyAuditAsync(new VerifyAuditRequest { TenantId = tenant });
        Assert.True(verified.Intact, verified.Message);
        Assert.Equal(all.Count, verified.RecordsVerified);
        Assert.StartsWith($"{all.Count}:", verified.Head, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RotateAgentCredential_RecordedWithOperatorAndReason_ChainVerifies()
    {
        var (tenant, agent) = await LineageScenario.TenantAsync(host);
        await agent.DisposeAsync();
        await using (var op = host.Operator())
        {
            await op.RotateAgentCredentialAsync(tenant, "helper", "key leaked in a build log");
        }

        using var channel = host.Channel();
        var lineage = host.LineageClient(channel);
        var rotated = Assert.Single((await lineage.QueryLineageAsync(new QueryLineageRequest { TenantId = tenant, Kind = "agent_credential_rotated" })).Records);
        Assert.Equal("helper", rotated.AgentId);
        Assert.StartsWith("operator:", rotated.Actor, StringComparison.Ordinal);
        Assert.Contains(rotated.Reasons, r => r.Contains("key leaked in a build log", StringComparison.Ordinal));

        // A rotation is not a reactivation: the status records are untouched.
        var all = (await lineage.QueryLineageAsync(new QueryLineageRequest { TenantId = tenant })).Records;
        Assert.DoesNotContain(all, r => r.Kind == "agent_reactivated");
        var verified = await lineage.VerifyAuditAsync(new VerifyAuditRequest { TenantId = tenant });
        Assert.True(verified.Intact, verified.Message);
    }

    [Fact]
    public async Task QueryLineage_ByDecisionAgentResourceAndTime_ReturnsOnlyMatches()
    {
        var (tenant, agent) = await LineageScenario.TenantAsync(host);
        await using (agent)
        {
            await using var session = await LineageScenario.SessionAsync(agent);
            await session.EvaluateAsync("email.send", WardenModel.Resource("Acme::Mailbox", "customer"), LineageScenario.Mail);
            await session.EvaluateAsync("vault.read", WardenModel.Resource("Acme::Vault", "prod-db-password"));
            await session.EvaluateAsync("email.send", WardenModel.Resource("Acme::Mailbox", "customer"), LineageScenario.Mail);
        }

        using var channel = host.Channel();
        var lineage = host.LineageClient(channel);
        var denies = (await lineage.QueryLineageAsync(new QueryLineageRequest { TenantId = tenant, Decision = "deny" })).Records;
        Assert.Equal("email.send", Assert.Single(denies).Action);
        var vault = (await lineage.QueryLineageAsync(new QueryLineageRequest { TenantId = tenant, Resource = "Acme::Vault::\"prod-db-password\"" })).Records;
        Assert.Equal("vault.read", Assert.Single(vault).Action);
        var byAgent = (await lineage.QueryLineageAsync(new QueryLineageRequest { TenantId = tenant, AgentId = "helper", Kind = "decision" })).Records;
        Assert.Equal(3, byAgent.Count);
        var future = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(1));
        Assert.Empty((await lineage.QueryLineageAsync(new QueryLineageRequest { TenantId = tenant, From = future })).Records);
        var page = await lineage.QueryLineageAsync(new QueryLineageRequest { TenantId = tenant, Limit = 2 });
        Assert.Equal(2, page.Records.Count);
        var next = await lineage.QueryLineageAsync(new QueryLineageRequest { TenantId = tenant, AfterSequence = page.NextCursor, Limit = 1 });
        Assert.Equal(page.NextCursor + 1, Assert.Single(next.Records).Sequence);
    }

    [Fact]
    public async Task QueryLineage_BadFilters_InvalidArgumentNamingEachField()
    {
        using var channel = host.Channel();
        var lineage = host.LineageClient(channel);
        var error = await Assert.ThrowsAsync<RpcException>(async () => await lineage.QueryLineageAsync(new QueryLineageRequest { TenantId = "acme", Decision = "maybe", Kind = "nonsense", Limit = -1 }));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("decision", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("kind", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("limit", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SensitiveArgument_NeverReachesTheLineageFileInClear()
    {
        var (tenant, agent) = await LineageScenario.TenantAsync(host);
        var secret = "pw-" + Guid.NewGuid().ToString("N");
        string decisionId;
        await using (agent)
        {
            await using var session = await LineageScenario.SessionAsync(agent);
            decisionId = (await session.EvaluateAsync("email.send", WardenModel.Resource("Acme::Mailbox", "customer"), new { to = "visible@example.com", password = secret })).DecisionId;
        }

        using var channel = host.Channel();
        var record = Assert.Single((await host.LineageClient(channel).QueryLineageAsync(new QueryLineageRequest { TenantId = tenant, Kind = "decision" })).Records, r => r.DecisionId == decisionId);
        Assert.Contains("visible@example.com", record.RedactedContext, StringComparison.Ordinal);
        Assert.Contains("hmac-sha256:", record.RedactedContext, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, record.RedactedContext, StringComparison.Ordinal);

        // Every byte the store wrote: the database, its WAL and anything else in the data folder.
        var needle = Encoding.UTF8.GetBytes(secret);
        // (Except the embedded store's lock file: it holds no data and the running host keeps it open exclusively.)
        var files = Directory.GetFiles(host.DataPath, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != Warden.Storage.Options.EmbeddedStorageOptions.LockFileName)
            .ToArray();
        Assert.Contains(files, f => f.EndsWith("lineage.db", StringComparison.Ordinal));
        Assert.Contains(files, f => ReadShared(f).AsSpan().IndexOf(Encoding.UTF8.GetBytes("visible@example.com")) >= 0);
        foreach (var file in files)
        {
            Assert.True(ReadShared(file).AsSpan().IndexOf(needle) < 0, $"{Path.GetFileName(file)} holds the secret in clear");
        }
    }

    [Fact]
    public async Task Cli_LineageSession_PrintsTheTreeAndJson()
    {
        var (tenant, agent) = await LineageScenario.TenantAsync(host);
        string sessionId;
        await using (agent)
        {
            await using var session = await LineageScenario.SessionAsync(agent);
            sessionId = session.Id;
            await session.EvaluateAsync("email.send", WardenModel.Resource("Acme::Mailbox", "customer"), LineageScenario.Mail);
        }

        var (exit, text, err) = await CliRunner.RunAsync("lineage", sessionId, "--tenant", tenant, "--url", host.GrpcUri.ToString(), "--operator-key", host.OperatorKey);
        Assert.True(exit == 0, err);
        Assert.Contains("answer a customer", text, StringComparison.Ordinal);
        Assert.Contains("email.send", text, StringComparison.Ordinal);
        Assert.Contains("Acme::Mailbox::\"customer\"", text, StringComparison.Ordinal);

        var (jsonExit, json, jsonErr) = await CliRunner.RunAsync("lineage", sessionId, "--tenant", tenant, "--json", "--url", host.GrpcUri.ToString(), "--operator-key", host.OperatorKey);
        Assert.True(jsonExit == 0, jsonErr);
        using var parsed = System.Text.Json.JsonDocument.Parse(json);
        Assert.Contains("email.send", json, StringComparison.Ordinal);
    }

    internal static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    internal static async Task SqlAsync(string file, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false, DefaultTimeout = 10 }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync();
    }
}
