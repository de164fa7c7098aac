using Warden.Client;
using Warden.Host.Tests.Cli;
using Warden.Lineage.Records;
using Warden.Lineage.Tests.Support;
using Warden.Protocol.V1;

namespace Warden.Host.Tests.Lineage;

/// <summary>
/// Tampering with the real lineage.db of a running host (records inside their commit groups) is caught by VerifyAudit and
/// <c>warden audit verify</c>.
/// </summary>
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
        await LineageGroupSurgery.ReplaceAsync(host.LineageFile, tenant, 5, LineageRecordSerializer.Serialize(forged));

        var result = await VerifyAsync(tenant);
        Assert.False(result.Intact);
        Assert.Equal("altered", result.Fault);
        Assert.Equal(5, result.FirstBadSequence);
    }

    [Fact]
    public async Task VerifyAudit_RecordRemovedFromTheStore_NamesItAsRemoved()
    {
        var (tenant, _) = await ChainAsync();
        await LineageGroupSurgery.RemoveAsync(host.LineageFile, tenant, 6);

        var result = await VerifyAsync(tenant);
        Assert.False(result.Intact);
        Assert.Equal("removed", result.Fault);
        Assert.Equal(6, result.FirstBadSequence);
    }

    [Fact]
    public async Task VerifyAudit_RecordsSwappedInTheStore_NamesThemAsReordered()
    {
        var (tenant, _) = await ChainAsync();
        var fourth = await LineageGroupSurgery.ReadRecordAsync(host.LineageFile, tenant, 4);
        var fifth = await LineageGroupSurgery.ReadRecordAsync(host.LineageFile, tenant, 5);
        await LineageGroupSurgery.ReplaceAsync(host.LineageFile, tenant, 4, fifth);
        await LineageGroupSurgery.ReplaceAsync(host.LineageFile, tenant, 5, fourth);

        var result = await VerifyAsync(tenant);
        Assert.False(result.Intact);
        Assert.Equal("reordered", result.Fault);
        Assert.Equal(4, result.FirstBadSequence);
    }

    [Fact]
    public async Task VerifyAudit_TailRemovedFromTheStore_NamesTheTruncation()
    {
        var (tenant, head) = await ChainAsync();
        await LineageGroupSurgery.RemoveFromAsync(host.LineageFile, tenant, head);

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

        await LineageGroupSurgery.RemoveAsync(host.LineageFile, tenant, 3);
        var (exit, text, err) = await CliRunner.RunAsync("audit", "verify", "--tenant", tenant, "--url", host.GrpcUri.ToString(), "--operator-key", host.OperatorKey);
        Assert.Equal(3, exit);
        Assert.Contains("BROKEN (removed) at record 3", text, StringComparison.Ordinal);
        Assert.Contains("record 3", err, StringComparison.Ordinal);
    }

    private async Task<Warden.Lineage.Records.LineageRecord> ReadAsync(string tenant, long sequence) =>
        LineageRecordSerializer.Deserialize(await LineageGroupSurgery.ReadRecordAsync(host.LineageFile, tenant, sequence));
}
