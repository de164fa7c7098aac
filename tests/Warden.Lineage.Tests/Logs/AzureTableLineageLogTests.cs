using Azure.Data.Tables;
using Warden.Lineage.Chain;
using Warden.Lineage.Logs;
using Warden.Lineage.Logs.Azure;
using Warden.Lineage.Query;
using Warden.Lineage.Records;
using Warden.Lineage.Tests.Support;
using Warden.Lineage.Verification;
using Warden.Testing;

namespace Warden.Lineage.Tests.Logs;

/// <summary>The Azure Table log against a private Azurite: contract, buckets, transactions, conflicts, tampering.</summary>
public sealed class AzureTableLineageLogTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const long SmallBuckets = 7;

    private async Task<(AzureTableLineageLog Log, TableClient Table)> OpenAsync(long bucketSize = SmallBuckets, string? table = null)
    {
        var service = new TableServiceClient(azurite.ConnectionString);
        var name = table ?? "Lineage" + Guid.NewGuid().ToString("N")[..12];
        var log = await AzureTableLineageLog.OpenAsync(service, new AzureTableLineageLogOptions { TableName = name, BucketSize = bucketSize });
        return (log, service.GetTableClient(name));
    }

    private static async Task<List<LineageRecord>> AppendAsync(ILineageLog log, string tenant, int count, int from = 1, LineageWriterOptions? options = null)
    {
        await using var writer = new LineageWriter(log, options);
        var tasks = Enumerable.Range(from, count)
            .Select(i => writer.AppendAsync(Events.Decision(tenant, i, session: i % 2 == 0 ? "s/a#1" : "s-b", decision: i % 5 == 0 ? LineageDecision.Deny : LineageDecision.Allow)).AsTask())
            .ToList();
        var results = await Task.WhenAll(tasks);
        return [.. results.Select(r => r.Record!).OrderBy(r => r.Sequence)];
    }

    [Fact]
    public async Task AppendAndRead_AcrossBucketsAndLargeBatches_KeepsEveryRecordInOrderAndVerifies()
    {
        var (log, _) = await OpenAsync();
        var written = await AppendAsync(log, "acme", 130);
        await AppendAsync(log, "tenant/with#odd?chars", 9);

        var read = await log.ReadAsync("acme", 1).ToListAsync();

        Assert.Equal(written.Select(r => r.Hash), read.Select(r => r.Hash));
        Assert.Equal(130, (await log.ReadLastAsync("acme"))!.Sequence);
        Assert.Equal(ChainHead.Of(written[^1]), await log.ReadHeadAsync("acme"));
        Assert.True((await LineageVerifier.VerifyAsync(log, "acme")).IsIntact);
        Assert.True((await LineageVerifier.VerifyAsync(log, "tenant/with#odd?chars")).IsIntact);
        Assert.Equal([6L, 7, 8, 9], (await log.ReadAsync("acme", 6).Take(4).ToListAsync()).Select(r => r.Sequence));
    }

    [Fact]
    public async Task QueryAsync_EachFilter_MatchesTheRecordsItNames()
    {
        var (log, _) = await OpenAsync();
        var all = await AppendAsync(log, "acme", 40);

        async Task Check(LineageQuery query, Func<LineageRecord, bool> expected)
        {
            var got = await log.QueryAsync(query).ToListAsync();
            Assert.Equal(all.Where(expected).Select(r => r.Sequence), got.Select(r => r.Sequence));
        }

        await Check(new LineageQuery { TenantId = "acme", SessionId = "s/a#1" }, r => r.Event.SessionId == "s/a#1");
        await Check(new LineageQuery { TenantId = "acme", SessionId = "s-b", AfterSequence = 10, UpToSequence = 30 }, r => r.Event.SessionId == "s-b" && r.Sequence is > 10 and <= 30);
        await Check(new LineageQuery { TenantId = "acme", Decision = LineageDecision.Deny }, r => r.Event.Decision == LineageDecision.Deny);
        await Check(new LineageQuery { TenantId = "acme", Resource = "Table::\"t3\"" }, r => r.Event.Resource == "Table::\"t3\"");
        await Check(new LineageQuery { TenantId = "acme", AgentId = "agent-7", Limit = 5 }, r => r.Sequence <= 5);
        await Check(
            new LineageQuery { TenantId = "acme", From = Events.Start.AddMilliseconds(12), To = Events.Start.AddMilliseconds(20) },
            r => r.Event.OccurredAt >= Events.Start.AddMilliseconds(12) && r.Event.OccurredAt < Events.Start.AddMilliseconds(20));
    }

    [Fact]
    public async Task Writer_ReopenedOnTheTable_ResumesTheChain()
    {
        var (log, table) = await OpenAsync();
        var first = await AppendAsync(log, "acme", 10);

        var (reopened, _) = await OpenAsync(table: table.Name);
        await using var writer = new LineageWriter(reopened);
        var next = (await writer.AppendAsync(Events.Decision("acme", 11))).Record!;

        Assert.Equal(11, next.Sequence);
        Assert.Equal(first[^1].Hash, next.PreviousHash);
    }

    [Fact]
    public async Task OpenAsync_OtherBucketSizeThanTheTable_IsRefused()
    {
        var (_, table) = await OpenAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => OpenAsync(bucketSize: 100, table: table.Name));
    }

    [Fact]
    public async Task AppendAsync_SequenceAlreadyStored_ThrowsConflict()
    {
        var (log, _) = await OpenAsync();
        var written = await AppendAsync(log, "acme", 3);

        await Assert.ThrowsAsync<LineageConflictException>(() => log.AppendAsync([written[2]]));
        Assert.Equal(3, (await log.ReadLastAsync("acme"))!.Sequence);
    }

    [Fact]
    public async Task Verify_RecordRowDeleted_NamesTheGap()
    {
        var (log, table) = await OpenAsync();
        await AppendAsync(log, "acme", 20);

        await table.DeleteEntityAsync("acme|0000000001", "0000000000000000010");

        var result = await LineageVerifier.VerifyAsync(log, "acme");
        Assert.Equal(ChainFault.Removed, result.Fault);
        Assert.Equal(10, result.FirstBadSequence);
    }

    [Fact]
    public async Task Verify_RecordBytesAltered_NamesAltered()
    {
        var (log, table) = await OpenAsync();
        var written = await AppendAsync(log, "acme", 20);
        var forged = written[11] with { Event = written[11].Event with { DecisionId = "forged" } };
        var entity = (await table.GetEntityAsync<TableEntity>("acme|0000000001", "0000000000000000012")).Value;
        entity["Record"] = LineageRecordSerializer.Serialize(forged);

        await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace);

        var result = await LineageVerifier.VerifyAsync(log, "acme");
        Assert.Equal(ChainFault.Altered, result.Fault);
        Assert.Equal(12, result.FirstBadSequence);
    }

    [Fact]
    public async Task Verify_TailRowsDeleted_NamesTruncated()
    {
        var (log, table) = await OpenAsync();
        await AppendAsync(log, "acme", 20);

        await table.DeleteEntityAsync("acme|0000000002", "0000000000000000020");
        await table.DeleteEntityAsync("acme|0000000002", "0000000000000000019");

        var result = await LineageVerifier.VerifyAsync(log, "acme");
        Assert.Equal(ChainFault.Truncated, result.Fault);
        Assert.Equal(19, result.FirstBadSequence);
        Assert.Equal(18, (await log.ReadLastAsync("acme"))!.Sequence);
    }
}
