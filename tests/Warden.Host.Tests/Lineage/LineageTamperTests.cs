using Warden.Client;
using Warden.Host.Tests.Cli;
using Warden.Lineage.Records;
using Warden.Protocol.V1;

namespace Warden.Host.Tests.Lineage;

/// <summary>Tampering with the real lineage.db of a running host is caught by VerifyAudit and <c>warden audit verify</c>.</summary>
[Collection(LineageHostCollection.Name)]
public sealed class LineageTamperTests(LineageHostFixture host)
{
    /// <summary>A tenant with a chain of a dozen or so records.</summary>
    private async Task<(string Tenant, long Head)> ChainAsync()
    {
        var (tenant, agent) = await LineageScenario.TenantAsync(host);
        await using (agent)
        {
            await using var session = await LineageScenario.SessionAsync(agent);
            for (var i = 0; i < 4; i++)
            {
                await session.EvaluateAsync("email.send", WardenModel.Resource("Acme::Mailbox", "customer" + i), LineageScenario.Mail);
            }
        }

        using var channel = host.Channel();
        var verified = await host.LineageClient(channel).VerifyAuditAsync(new VerifyAuditRequest { TenantId = tenant });
        Assert.True(verified.Intact, verified.Message);
        return (tenant, verified.RecordsVerified);
    }

    private async Task<VerifyAuditResponse> VerifyAsync(string tenant)
    {
        using var channel = host.Channel();
        return await host.LineageClient(channel).VerifyAuditAsync(new VerifyAuditRequest { TenantId = tenant });
    }

    [Fact]
    public async Task VerifyAudit_RecordAlteredInTheStore_NamesItAsAltered()
    {
        var (tenant, _) = await ChainAsync();
        var record = await ReadAsync(tenant, 5);
        var forged = record with { Event = record.Event with { Reasons = ["nothing to see here"] } };
        await LineageRecordingTests.SqlAsync(host.LineageFile, "UPDATE lineage_records SET record = $r WHERE tenant = $t AND seq = 5;", ("$r", LineageRecordSerializer.Serialize(forged)), ("$t", tenant));

        var result = await VerifyAsync(tenant);
        Assert.False(result.Intact);
        Assert.Equal("altered", result.Fault);
        Assert.Equal(5, result.FirstBadSequence);
    }

    [Fact]
    public async Task VerifyAudit_RecordRemovedFromTheStore_NamesItAsRemoved()
    {
        var (tenant, _) = await ChainAsync();
        await LineageRecordingTests.SqlAsync(host.LineageFile, "DELETE FROM lineage_records WHERE tenant = $t AND seq = 6;", ("$t", tenant));

        var result = await VerifyAsync(tenant);
        Assert.False(result.Intact);
        Assert.Equal("removed", result.Fault);
        Assert.Equal(6, result.FirstBadSequence);
    }

    [Fact]
    public async Task VerifyAudit_RecordsSwappedInTheStore_NamesThemAsReordered()
    {
        var (tenant, _) = await ChainAsync();
        await LineageRecordingTests.SqlAsync(host.LineageFile, "UPDATE lineage_records SET seq = -1 WHERE tenant = $t AND seq = 4;", ("$t", tenant));
        await LineageRecordingTests.SqlAsync(host.LineageFile, "UPDATE lineage_records SET seq = 4 WHERE tenant = $t AND seq = 5;", ("$t", tenant));
        await LineageRecordingTests.SqlAsync(host.LineageFile, "UPDATE lineage_records SET seq = 5 WHERE tenant = $t AND seq = -1;", ("$t", tenant));

        var result = await VerifyAsync(tenant);
        Assert.False(result.Intact);
        Assert.Equal("reordered", result.Fault);
        Assert.Equal(4, result.FirstBadSequence);
    }

    [Fact]
    public async Task VerifyAudit_TailRemovedFromTheStore_NamesTheTruncation()
    {
        var (tenant, head) = await ChainAsync();
        await LineageRecordingTests.SqlAsync(host.LineageFile, "DELETE FROM lineage_records WHERE tenant = $t AND seq = $s;", ("$t", tenant), ("$s", head));

        var result = await VerifyAsync(tenant);
        Assert.False(result.Intact);
        Assert.Equal("truncated", result.Fault);
    }

    [Fact]
    public async Task CliAuditVerify_IntactThenRemoved_PrintsHeadThenNamesTheRecordAndFails()
    {
        var (tenant, _) = await ChainAsync();
        var (okExit, okText, okErr) = await CliRunner.RunAsync("audit", "verify", "--tenant", tenant, "--url", host.GrpcUri.ToString(), "--operator-key", host.OperatorKey);
        Assert.True(okExit == 0, okErr);
        Assert.Contains("INTACT", okText, StringComparison.Ordinal);
        Assert.Contains("head ", okText, StringComparison.Ordinal);

        await LineageRecordingTests.SqlAsync(host.LineageFile, "DELETE FROM lineage_records WHERE tenant = $t AND seq = 3;", ("$t", tenant));
        var (exit, text, err) = await CliRunner.RunAsync("audit", "verify", "--tenant", tenant, "--url", host.GrpcUri.ToString(), "--operator-key", host.OperatorKey);
        Assert.Equal(3, exit);
        Assert.Contains("BROKEN (removed) at record 3", text, StringComparison.Ordinal);
        Assert.Contains("record 3", err, StringComparison.Ordinal);
    }

    private async Task<Warden.Lineage.Records.LineageRecord> ReadAsync(string tenant, long sequence)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={host.LineageFile};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT record FROM lineage_records WHERE tenant = $t AND seq = $s;";
        command.Parameters.AddWithValue("$t", tenant);
        command.Parameters.AddWithValue("$s", sequence);
        var bytes = (byte[])(await command.ExecuteScalarAsync())!;
        return LineageRecordSerializer.Deserialize(bytes);
    }
}
