using Microsoft.Data.Sqlite;
using Warden.Lineage.Chain;
using Warden.Lineage.Logs;
using Warden.Lineage.Logs.Memory;
using Warden.Lineage.Logs.Sqlite;
using Warden.Lineage.Query;
using Warden.Lineage.Records;
using Warden.Lineage.Tests.Support;
using Warden.Lineage.Verification;

namespace Warden.Lineage.Tests.Logs;

public sealed class SqliteLineageLogTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private SqliteLineageLog Open(int keyFlushRecords = 1024) =>
        SqliteLineageLog.Open(new SqliteLineageLogOptions { DataDirectory = _dir.Path, KeyFlushRecords = keyFlushRecords });

    [Fact]
    public async Task Open_DataDirectory_UsesItsOwnFileInWalMode()
    {
        await using var log = Open();

        Assert.Equal(_dir.File("lineage.db"), log.FilePath);
        await using var connection = new SqliteConnection($"Data Source={log.FilePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }

    [Theory]
    [InlineData(SqliteSynchronousMode.Full, 2)]
    [InlineData(SqliteSynchronousMode.Normal, 1)]
    public async Task ConfigureWriteConnection_KeepsWalAndTheSynchronousLevel_AndTemporaryDataInMemory(SqliteSynchronousMode mode, long synchronous)
    {
        await using var connection = new SqliteConnection($"Data Source={_dir.File("pragmas.db")}");
        await connection.OpenAsync();
        SqliteLineageLog.ConfigureWriteConnection(connection, mode, 5000);

        Assert.Equal("wal", await Pragma<string>(connection, "journal_mode"));
        Assert.Equal(synchronous, await Pragma<long>(connection, "synchronous"));
        Assert.Equal(5000L, await Pragma<long>(connection, "busy_timeout"));

        // 2 = MEMORY: the key flush's sort never creates a temporary file on the writer thread.
        Assert.Equal(2L, await Pragma<long>(connection, "temp_store"));
    }

    private static async Task<T> Pragma<T>(SqliteConnection connection, string name)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA {name};";
        return (T)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task AppendAsync_ManyConcurrentDurableAppenders_EveryAwaitedRecordIsOnDiskAfterReopen()
    {
        const int appenders = 64;
        const int perAppender = 40;
        var acknowledged = new List<LineageRecord>();
        int batches;
        await using (var log = Open())
        {
            var counting = new ControlledLog(log);
            await using var writer = new LineageWriter(counting);
            var tasks = Enumerable.Range(0, appenders).Select(async a =>
            {
                var mine = new List<LineageRecord>();
                for (var i = 0; i < perAppender; i++)
                {
                    var tenant = a % 3 == 0 ? "globex" : "acme";
                    mine.Add((await writer.AppendAsync(Events.Decision(tenant, (a * 1000) + i, session: $"s-{a}"))).Record!);
                }

                return mine;
            });
            foreach (var mine in await Task.WhenAll(tasks))
            {
                acknowledged.AddRange(mine);
            }

            batches = counting.CommittedBatchSizes.Count;
        }

        // Reopen from the file alone: every acknowledged record must be there, byte for byte.
        await using var reopened = Open();
        foreach (var tenant in new[] { "acme", "globex" })
        {
            var stored = (await reopened.ReadAsync(tenant, 1).ToListAsync()).ToDictionary(r => r.Sequence);
            var mine = acknowledged.Where(r => r.TenantId == tenant).ToList();
            Assert.Equal(mine.Count, stored.Count);
            foreach (var record in mine)
            {
                Assert.Equal(LineageRecordSerializer.Serialize(record), LineageRecordSerializer.Serialize(stored[record.Sequence]));
            }

            Assert.True((await LineageVerifier.VerifyAsync(reopened, tenant)).IsIntact);
        }

        Assert.Equal(appenders * perAppender, acknowledged.Count);
        Assert.True(batches < acknowledged.Count, $"group commit expected fewer transactions than records, got {batches}");
    }

    [Fact]
    public async Task Writer_CrashWithRecordsQueued_ResumesFromTheLastDurableRecord()
    {
        var log = Open();
        var controlled = new ControlledLog(log);
        var crashed = new LineageWriter(controlled);
        LineageRecord lastDurable = null!;
        for (var i = 0; i < 10; i++)
        {
            lastDurable = (await crashed.AppendAsync(Events.Decision("acme", i))).Record!;
        }

        // The "crash": commits hang, more appends are queued, and the writer is abandoned without flush or dispose.
        controlled.Close();
        var lost = Enumerable.Range(10, 5).Select(i => crashed.AppendAsync(Events.Decision("acme", i)).AsTask()).ToList();
        await controlled.Entered;

        await using (var reopened = Open())
        {
            await using var writer = new LineageWriter(reopened);
            var next = (await writer.AppendAsync(Events.Decision("acme", 100))).Record!;

            Assert.Equal(lastDurable.Sequence + 1, next.Sequence);
            Assert.Equal(lastDurable.Hash, next.PreviousHash);
            Assert.True((await LineageVerifier.VerifyAsync(reopened, "acme")).IsIntact);
        }

        // Let the abandoned writer die: its queued appends were never acknowledged, and now fail (however the writer
        // grouped them: the first may be a batch of its own, started by the append that woke the idle writer).
        controlled.FailAll = new IOException("process is gone");
        controlled.Release();
        foreach (var task in lost)
        {
            await Assert.ThrowsAnyAsync<Exception>(() => task);
        }

        await crashed.DisposeAsync();
        await log.DisposeAsync();
    }

    [Fact]
    public async Task AppendAsync_DuplicateSequence_ThrowsConflictAndWritesNothingOfTheBatch()
    {
        await using var log = Open();
        await using (var writer = new LineageWriter(log))
        {
            await writer.AppendAsync(Events.Decision("acme", 1));
        }

        var existing = (await log.ReadLastAsync("acme"))!;
        var fresh = new LineageRecord
        {
            Sequence = 1,
            Event = Events.Decision("globex", 1),
            PreviousHash = LineageHash.Zero,
            Hash = LineageRecordSerializer.ComputeHash(1, Events.Decision("globex", 1), LineageHash.Zero),
        };

        await Assert.ThrowsAsync<LineageConflictException>(() => log.AppendAsync([fresh, existing]));
        Assert.Null(await log.ReadLastAsync("globex"));
        Assert.Equal(existing.Hash, (await log.ReadHeadAsync("acme"))!.Value.Hash);
    }

    [Fact]
    public async Task Writer_GroupAppend_CallerResumesOffTheLogsWriterThread()
    {
        // The commit loop runs on the log's writer thread after a commit; an appender's continuation must never run
        // there inline (a caller that blocked would stall every commit), even with no context to return to.
        await using var log = Open();
        await using var writer = new LineageWriter(log);
        var resumedOn = await AppendGroupsAsync(writer);

        Assert.Equal(20, resumedOn.Count);
        Assert.DoesNotContain("warden-lineage-writer", resumedOn);
    }

    // Awaits without a context (as library code does) and notes the thread each append resumed on.
    private static async Task<List<string?>> AppendGroupsAsync(LineageWriter writer)
    {
        var threads = new List<string?>();
        for (var i = 0; i < 20; i++)
        {
            var records = await writer.AppendManyAsync([Events.Decision("acme", 2 * i), Events.Decision("acme", 2 * i + 1)]).ConfigureAwait(false);
            Assert.Equal(2, records.Count);
            threads.Add(Thread.CurrentThread.Name);
        }

        return threads;
    }

    [Fact]
    public async Task AppendAsync_AfterAMultiRowConflict_NextBatchIsStoredWhole()
    {
        // The insert rolls the whole transaction back on a conflict (no statement journal): the prepared statements and
        // the connection must still serve the next batch, and nothing of the refused one may remain.
        await using var log = Open();
        var acme = Chain("acme", 70);
        await log.AppendAsync(acme[..64]);

        var globex = Chain("globex", 5);
        var refused = globex.Concat(acme[60..64]).ToArray();
        await Assert.ThrowsAsync<LineageConflictException>(() => log.AppendAsync(refused));
        Assert.Null(await log.ReadLastAsync("globex"));

        await log.AppendAsync(acme[64..].Concat(globex).ToArray());
        Assert.Equal(70, (await log.ReadLastAsync("acme"))!.Sequence);
        Assert.Equal(acme[^1].Hash, (await log.ReadHeadAsync("acme"))!.Value.Hash);
        Assert.Equal(5, (await log.ReadHeadAsync("globex"))!.Value.Sequence);
        var stored = new List<long>();
        await foreach (var record in log.ReadAsync("acme", 1))
        {
            stored.Add(record.Sequence);
        }

        Assert.Equal(Enumerable.Range(1, 70).Select(i => (long)i), stored);
    }

    [Fact]
    public async Task AppendAsync_LargeBatch_IsStoredAsGroupsHoldingEachRecordsBytesAndTheirColumns()
    {
        // 600 records: groups of at most 256 (1–256, 257–512, 513–600), each holding the exact stored bytes in order.
        await using var log = Open();
        var records = new LineageRecord[600];
        var previous = LineageHash.Zero;
        for (var i = 0; i < records.Length; i++)
        {
            var n = i + 1;
            var evt = Events.Decision(
                "acme",
                n,
                session: $"s-{n % 5}",
                agent: $"agent-{n % 3}",
                decision: n == 300 ? LineageDecision.Deny : LineageDecision.Allow,
                resource: $"Table::\"r{n % 7}\"");
            if (n % 11 == 0)
            {
                // A record without agent, session or resource adds no key.
                evt = evt with { Kind = LineageEventKind.PolicyPublished, AgentId = null, SessionId = null, Resource = null, Decision = LineageDecision.None };
            }

            var hash = LineageRecordSerializer.ComputeHash(n, evt, previous);
            records[i] = new LineageRecord { Sequence = n, Event = evt, PreviousHash = previous, Hash = hash };
            previous = hash;
        }

        await log.AppendAsync(records);

        await using var connection = new SqliteConnection($"Data Source={log.FilePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT tenant, first_seq, last_seq, min_ts, max_ts, flagged, keys, records FROM lineage_groups ORDER BY first_seq;";
        await using var reader = await command.ExecuteReaderAsync();
        var groups = new List<(long First, long Last)>();
        while (await reader.ReadAsync())
        {
            var first = reader.GetInt64(1);
            var last = reader.GetInt64(2);
            groups.Add((first, last));
            var members = records[(int)(first - 1)..(int)last];
            Assert.Equal("acme", reader.GetString(0));
            Assert.Equal(members.Min(r => r.Event.OccurredAt.UtcTicks), reader.GetInt64(3));
            Assert.Equal(members.Max(r => r.Event.OccurredAt.UtcTicks), reader.GetInt64(4));
            Assert.Equal(members.Any(r => r.Event.Decision >= LineageDecision.Deny) ? 1L : 0L, reader.GetInt64(5));
            using var keys = System.Text.Json.JsonDocument.Parse(reader.GetString(6));
            var stored = keys.RootElement.EnumerateArray().Select(k => (k[0].GetInt32(), k[1].GetString())).ToHashSet();
            var expected = members.SelectMany(r => new[] { (1, r.Event.SessionId), (2, r.Event.AgentId), (3, r.Event.Resource) })
                .Where(k => k.Item2 is not null).ToHashSet();
            Assert.Equal(expected, stored);
            Assert.Equal(expected.Count, keys.RootElement.GetArrayLength());
            // Groups this large are stored LZ4-compressed; decompressed they are exactly the records' bytes in order.
            var blob = (byte[])reader.GetValue(7);
            Assert.True(LineageGroupCodec.IsCompressed(blob));
            Assert.True(blob.Length < LineageGroupSurgery.Join(members.Select(LineageRecordSerializer.Serialize)).Length / 2);
            Assert.Equal(LineageGroupSurgery.Join(members.Select(LineageRecordSerializer.Serialize)), LineageGroupCodec.ToPlain(blob, out _));
        }

        Assert.Equal([(1L, 256L), (257L, 512L), (513L, 600L)], groups);
        Assert.Equal(new ChainHead(600, records[^1].Hash), await log.ReadHeadAsync("acme"));
        Assert.Equal(records[^1].Hash, (await log.ReadLastAsync("acme"))!.Hash);
        Assert.Equal(records.Select(r => r.Hash), await log.ReadAsync("acme", 1).Select(r => r.Hash).ToListAsync());
        Assert.Equal(records[255..].Select(r => r.Hash), await log.ReadAsync("acme", 256).Select(r => r.Hash).ToListAsync());
        Assert.Equal(records[299..].Select(r => r.Hash), await log.ReadAsync("acme", 300).Select(r => r.Hash).ToListAsync());
    }

    [Theory]
    [InlineData(1, 4096, false)]
    [InlineData(40, 4096, true)]
    [InlineData(40, int.MaxValue, false)]
    public async Task AppendAsync_GroupCompression_OnlyForGroupsFromTheThresholdAndReadBackTheSame(int count, int threshold, bool compressed)
    {
        await using var log = SqliteLineageLog.Open(new SqliteLineageLogOptions { DataDirectory = _dir.Path, CompressGroupsFromBytes = threshold });
        var records = Chain("acme", count);

        await log.AppendAsync(records);

        var blob = (await BlobAsync(log.FilePath, "acme", 1))!;
        Assert.Equal(compressed, LineageGroupCodec.IsCompressed(blob));
        Assert.Equal(LineageGroupSurgery.Join(records.Select(LineageRecordSerializer.Serialize)), LineageGroupCodec.ToPlain(blob, out _));
        Assert.Equal(records.Select(r => r.Hash), await log.ReadAsync("acme", 1).Select(r => r.Hash).ToListAsync());
        Assert.Equal(records[^1].Hash, (await log.ReadLastAsync("acme"))!.Hash);
        Assert.Equal(
            records.Where(r => r.Event.SessionId == records[0].Event.SessionId).Select(r => r.Sequence),
            await log.QueryAsync(new LineageQuery { TenantId = "acme", SessionId = records[0].Event.SessionId }).Select(r => r.Sequence).ToListAsync());
    }

    [Fact]
    public async Task AppendAsync_GroupLargerThanTheKeptCompressionBuffer_ThenOrdinaryGroups_AreAllStoredAndReadBack()
    {
        // 60 records with 40 KB contexts (2.4 MB plain, a compression buffer past the 1 MiB kept), then ordinary ones.
        await using var log = Open();
        var events = Enumerable.Range(1, 60)
            .Select(n => Events.Decision("acme", n, redactedContext: "{\"input\":{\"blob\":\"" + new string((char)('a' + (n % 26)), 40_000) + "\"}}"))
            .Concat(Enumerable.Range(61, 40).Select(n => Events.Decision("acme", n)));
        var records = new List<LineageRecord>();
        var previous = LineageHash.Zero;
        foreach (var evt in events)
        {
            var sequence = records.Count + 1;
            var hash = LineageRecordSerializer.ComputeHash(sequence, evt, previous);
            records.Add(new LineageRecord { Sequence = sequence, Event = evt, PreviousHash = previous, Hash = hash });
            previous = hash;
        }

        await log.AppendAsync(records[..60]);
        await log.AppendAsync(records[60..95]);
        await log.AppendAsync(records[95..]);

        Assert.True(LineageGroupCodec.IsCompressed((await BlobAsync(log.FilePath, "acme", 1))!));
        Assert.True(LineageGroupCodec.IsCompressed((await BlobAsync(log.FilePath, "acme", 61))!));
        Assert.Equal(records.Select(r => r.Hash), await log.ReadAsync("acme", 1).Select(r => r.Hash).ToListAsync());
        Assert.True((await LineageVerifier.VerifyAsync(log, "acme", ChainHead.Of(records[^1]))).IsIntact);
    }

    [Fact]
    public async Task AppendAsync_BatchWithAGapInSequence_StartsANewGroupSoEachRecordKeepsItsKey()
    {
        await using var log = Open();
        var records = Chain("acme", 10).Where(r => r.Sequence != 4).ToArray();

        await log.AppendAsync(records);

        Assert.Equal("1-3,5-10", await ScalarAsync(log.FilePath, "SELECT group_concat(first_seq || '-' || last_seq) FROM (SELECT * FROM lineage_groups ORDER BY first_seq);"));
        Assert.Equal(records[3..].Select(r => r.Sequence), await log.ReadAsync("acme", 4).Select(r => r.Sequence).ToListAsync());
        Assert.Equal(records[4..].Select(r => r.Sequence), await log.ReadAsync("acme", 6).Select(r => r.Sequence).ToListAsync());
    }

    [Fact]
    public async Task AppendAsync_KeyWithALoneSurrogate_IsStoredAndKeyed()
    {
        // The group's keys are JSON; a value that is not valid UTF-16 must not fail the commit of a record that stores it.
        await using var log = Open(keyFlushRecords: 1);
        await using (var writer = new LineageWriter(log))
        {
            Assert.True((await writer.AppendAsync(Events.Decision("acme", 1, session: "s-\ud800-x", resource: "Table::\"\udc00\""))).IsDurable);
            Assert.True((await writer.AppendAsync(Events.Decision("acme", 2, session: "s-2"))).IsDurable);
        }

        Assert.True((await LineageVerifier.VerifyAsync(log, "acme")).IsIntact);
        Assert.Equal("2", await ScalarAsync(log.FilePath, "SELECT count(DISTINCT first_seq) FROM lineage_group_keys WHERE field = 1;"));
        Assert.Equal([2L], await log.QueryAsync(new LineageQuery { TenantId = "acme", SessionId = "s-2" }).Select(r => r.Sequence).ToListAsync());
    }

    [Fact]
    public async Task AppendAsync_RecordNotAboveTheStoredOnes_ThrowsConflictAndWritesNothing()
    {
        // Overlapping the stored range without repeating its first sequence is still a conflict (not only equal keys).
        await using var log = Open();
        var acme = Chain("acme", 10);
        await log.AppendAsync(acme[..6]);

        await Assert.ThrowsAsync<LineageConflictException>(() => log.AppendAsync(acme[4..]));
        await Assert.ThrowsAsync<LineageConflictException>(() => log.AppendAsync([acme[7], acme[6]]));

        Assert.Equal(6, (await log.ReadLastAsync("acme"))!.Sequence);
        await log.AppendAsync(acme[6..]);
        Assert.Equal(acme.Select(r => r.Hash), await log.ReadAsync("acme", 1).Select(r => r.Hash).ToListAsync());
    }

    private static LineageRecord[] Chain(string tenant, int count)
    {
        var records = new LineageRecord[count];
        var previous = LineageHash.Zero;
        for (var i = 0; i < count; i++)
        {
            var evt = Events.Decision(tenant, i + 1);
            var hash = LineageRecordSerializer.ComputeHash(i + 1, evt, previous);
            records[i] = new LineageRecord { Sequence = i + 1, Event = evt, PreviousHash = previous, Hash = hash };
            previous = hash;
        }

        return records;
    }

    [Theory]
    [InlineData(1)] // every record keyed at its own commit
    [InlineData(7)] // keyed up to a mark, the rest above it
    [InlineData(1024)] // nothing keyed yet: every record above the mark
    public async Task QueryAsync_EachFilter_ReturnsExactlyTheMatchingRecordsInOrder(int keyFlushRecords)
    {
        await using var log = Open(keyFlushRecords);
        var all = new List<LineageRecord>();
        await using (var writer = new LineageWriter(log))
        {
            all.Add((await writer.AppendAsync(Events.SessionOpened("acme", "s-a", "agent-1", 0))).Record!);
            for (var i = 1; i <= 30; i++)
            {
                var evt = Events.Decision(
                    "acme",
                    i,
                    session: i % 2 == 0 ? "s-a" : "s-b",
                    agent: i % 3 == 0 ? "agent-3" : "agent-1",
                    decision: i % 4 == 0 ? LineageDecision.Deny : LineageDecision.Allow);
                all.Add((await writer.AppendAsync(evt)).Record!);
            }

            await writer.AppendAsync(Events.Decision("globex", 1, session: "s-a"));
        }

        async Task Check(LineageQuery query, Func<LineageRecord, bool> expected)
        {
            var got = await log.QueryAsync(query).ToListAsync();
            Assert.Equal(all.Where(expected).Select(r => r.Sequence), got.Select(r => r.Sequence));
        }

        await Check(new LineageQuery { TenantId = "acme", SessionId = "s-a" }, r => r.Event.SessionId == "s-a");
        await Check(new LineageQuery { TenantId = "acme", AgentId = "agent-3" }, r => r.Event.AgentId == "agent-3");
        await Check(new LineageQuery { TenantId = "acme", Resource = "Table::\"t2\"" }, r => r.Event.Resource == "Table::\"t2\"");
        await Check(new LineageQuery { TenantId = "acme", Decision = LineageDecision.Deny }, r => r.Event.Decision == LineageDecision.Deny);
        await Check(new LineageQuery { TenantId = "acme", Kind = LineageEventKind.SessionOpened }, r => r.Event.Kind == LineageEventKind.SessionOpened);
        await Check(
            new LineageQuery { TenantId = "acme", From = Events.Start.AddMilliseconds(10), To = Events.Start.AddMilliseconds(20) },
            r => r.Event.OccurredAt >= Events.Start.AddMilliseconds(10) && r.Event.OccurredAt < Events.Start.AddMilliseconds(20));
        await Check(
            new LineageQuery { TenantId = "acme", SessionId = "s-a", Decision = LineageDecision.Deny, AgentId = "agent-3" },
            r => r.Event.SessionId == "s-a" && r.Event.Decision == LineageDecision.Deny && r.Event.AgentId == "agent-3");
        await Check(new LineageQuery { TenantId = "acme", AfterSequence = 25 }, r => r.Sequence > 25);
        await Check(new LineageQuery { TenantId = "acme", AfterSequence = 5, UpToSequence = 9 }, r => r.Sequence is > 5 and <= 9);

        var page = await log.QueryAsync(new LineageQuery { TenantId = "acme", SessionId = "s-b", Limit = 4 }).ToListAsync();
        var nextPage = await log.QueryAsync(new LineageQuery { TenantId = "acme", SessionId = "s-b", Limit = 4, AfterSequence = page[^1].Sequence }).ToListAsync();
        Assert.Equal([2L, 4, 6, 8], page.Select(r => r.Sequence));
        Assert.Equal([10L, 12, 14, 16], nextPage.Select(r => r.Sequence));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(50)]
    [InlineData(1024)]
    public async Task QueryAsync_CommitsOfEverySize_AnswerEveryQueryAsTheInMemoryLog(int keyFlushRecords)
    {
        // Differential: the same chains committed in batches of 1 to 300 records (one group or several per commit),
        // two tenants interleaved, then every query, page and read compared with the in-memory log.
        await using var log = Open(keyFlushRecords);
        await using var oracle = new InMemoryLineageLog();
        var acme = new List<LineageRecord>();
        await using (var writer = new LineageWriter(log))
        {
            var n = 1;
            foreach (var size in new[] { 1, 3, 300, 1, 64, 17, 2, 257, 40, 1, 90 })
            {
                var batch = Enumerable.Range(n, size).Select(i => LineageQueryOracle.Event("acme", i)).ToArray();
                acme.AddRange(await writer.AppendManyAsync(batch));
                await writer.AppendManyAsync([LineageQueryOracle.Event("globex", n)]);
                n += size;
            }
        }

        await oracle.AppendAsync(acme);
        await LineageQueryOracle.AssertSameAnswersAsync(oracle, log, "acme", acme);
    }

    [Fact]
    public async Task AppendAsync_KeyFlush_WritesTheKeyEntriesOfEveryRecordUpToTheMarkAndQueriesSeeBothSides()
    {
        await using var log = Open(keyFlushRecords: 10);
        var all = new List<LineageRecord>();
        await using (var writer = new LineageWriter(log))
        {
            for (var i = 1; i <= 25; i++)
            {
                var evt = Events.Decision("acme", i, session: $"s-{i % 3}", agent: $"agent-{i % 2}", resource: $"Table::\"t{i % 4}\"");
                all.Add((await writer.AppendAsync(evt)).Record!);
            }
        }

        // One group per commit here. Marks move only when 10 records wait: after groups 10 and 20; 21–25 are above
        // the mark. One entry per flush and distinct value (3 sessions, 2 agents, 4 resources in each flush), covering
        // the groups from the first to the last of the flush that hold the value.
        Assert.Equal("20", await ScalarAsync(log.FilePath, "SELECT first_seq FROM lineage_group_marks WHERE tenant = 'acme';"));
        Assert.Equal("18", await ScalarAsync(log.FilePath, "SELECT count(*) FROM lineage_group_keys WHERE tenant = 'acme';"));
        Assert.Equal("0", await ScalarAsync(log.FilePath, "SELECT count(*) FROM lineage_group_keys WHERE first_seq > 20 OR upto > 20;"));
        Assert.Equal("3-9,12-18", await ScalarAsync(log.FilePath, "SELECT group_concat(first_seq || '-' || upto) FROM (SELECT * FROM lineage_group_keys WHERE field = 1 AND value = 's-0' ORDER BY first_seq);"));
        Assert.Equal("1-10,13-19", await ScalarAsync(log.FilePath, "SELECT group_concat(first_seq || '-' || upto) FROM (SELECT * FROM lineage_group_keys WHERE field = 1 AND value = 's-1' ORDER BY first_seq);"));

        var bySession = await log.QueryAsync(new LineageQuery { TenantId = "acme", SessionId = "s-1" }).ToListAsync();
        Assert.Equal(all.Where(r => r.Event.SessionId == "s-1").Select(r => r.Sequence), bySession.Select(r => r.Sequence));
        var byAgentAndResource = await log.QueryAsync(new LineageQuery { TenantId = "acme", AgentId = "agent-1", Resource = "Table::\"t3\"" }).ToListAsync();
        Assert.Equal(
            all.Where(r => r.Event.AgentId == "agent-1" && r.Event.Resource == "Table::\"t3\"").Select(r => r.Sequence),
            byAgentAndResource.Select(r => r.Sequence));

        // Paging across the mark: each page continues after the last one, nothing repeated or skipped.
        var paged = new List<long>();
        var after = 0L;
        while (true)
        {
            var page = await log.QueryAsync(new LineageQuery { TenantId = "acme", Resource = "Table::\"t1\"", AfterSequence = after, Limit = 2 }).ToListAsync();
            paged.AddRange(page.Select(r => r.Sequence));
            if (page.Count < 2)
            {
                break;
            }

            after = page[^1].Sequence;
        }

        Assert.Equal(all.Where(r => r.Event.Resource == "Table::\"t1\"").Select(r => r.Sequence), paged);
    }

    [Fact]
    public async Task QueryAsync_KeyEntriesWithOverlappingSpans_ReturnEachRecordOnceInOrder()
    {
        await using var log = Open(keyFlushRecords: 10);
        var all = new List<LineageRecord>();
        await using (var writer = new LineageWriter(log))
        {
            for (var i = 1; i <= 25; i++)
            {
                all.Add((await writer.AppendAsync(Events.Decision("acme", i, session: $"s-{i % 3}"))).Record!);
            }
        }

        // Only an altered file has them: s-1's first span (1–10) stretched over its second (13–19), and a third entry
        // inside both.
        await Sql(log.FilePath, """
            UPDATE lineage_group_keys SET upto = 20 WHERE field = 1 AND value = 's-1' AND first_seq = 1;
            INSERT INTO lineage_group_keys (tenant, field, value, first_seq, upto) VALUES ('acme', 1, 's-1', 4, 16);
            """);

        var expected = all.Where(r => r.Event.SessionId == "s-1").Select(r => r.Sequence).ToList();
        Assert.Equal(expected, await log.QueryAsync(new LineageQuery { TenantId = "acme", SessionId = "s-1" }).Select(r => r.Sequence).ToListAsync());
        foreach (var pageSize in new[] { 1, 2, 3 })
        {
            var paged = new List<long>();
            var after = 0L;
            while (true)
            {
                var page = await log.QueryAsync(new LineageQuery { TenantId = "acme", SessionId = "s-1", AfterSequence = after, Limit = pageSize }).Select(r => r.Sequence).ToListAsync();
                paged.AddRange(page);
                if (page.Count < pageSize || paged.Count > all.Count)
                {
                    break;
                }

                after = page[^1];
            }

            Assert.Equal(expected, paged);
        }
    }

    [Fact]
    public async Task QueryAsync_KeyMarkRemoved_FindsEveryRecordOnceByScanning()
    {
        await using var log = Open(keyFlushRecords: 4);
        var all = new List<LineageRecord>();
        await using (var writer = new LineageWriter(log))
        {
            for (var i = 1; i <= 10; i++)
            {
                all.Add((await writer.AppendAsync(Events.Decision("acme", i, session: $"s-{i % 2}"))).Record!);
            }
        }

        // Key entries are derived data: without the mark the entries are not trusted and the records are scanned.
        await Sql(log.FilePath, "DELETE FROM lineage_group_marks;");

        var got = await log.QueryAsync(new LineageQuery { TenantId = "acme", SessionId = "s-0" }).ToListAsync();
        Assert.Equal(all.Where(r => r.Event.SessionId == "s-0").Select(r => r.Sequence), got.Select(r => r.Sequence));
    }

    [Theory]
    [InlineData("session")]
    [InlineData("agent")]
    [InlineData("resource")]
    public async Task QueryAsync_ByKey_IsPlannedOnTheKeyTableNotAScanOfTheRecords(string filter)
    {
        await using var log = Open();
        var query = filter switch
        {
            "session" => new LineageQuery { TenantId = "acme", SessionId = "s-1" },
            "agent" => new LineageQuery { TenantId = "acme", AgentId = "agent-1" },
            _ => new LineageQuery { TenantId = "acme", Resource = "Table::\"t1\"" },
        };
        var sql = SqliteLineageLog.BuildQuerySql(query);

        await using var connection = new SqliteConnection($"Data Source={log.FilePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        command.Parameters.AddWithValue("$tenant", "acme");
        command.Parameters.AddWithValue("$start", 0L);
        command.Parameters.AddWithValue("$" + filter, "x");
        command.Parameters.AddWithValue("$limit", 100);
        var plan = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(3));
            }
        }

        // The keyed part searches lineage_group_keys by its key; every access to lineage_groups is a search by primary
        // key (the group of a key entry, and the tail above the mark), never a scan.
        Assert.Contains(plan, step => step.StartsWith("SEARCH k USING PRIMARY KEY (tenant=? AND field=? AND value=? AND first_seq>? AND first_seq<?)", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN g", StringComparison.Ordinal) || step.StartsWith("SCAN k", StringComparison.Ordinal) || step.StartsWith("SCAN lineage_", StringComparison.Ordinal));
        Assert.Contains(plan, step => step.Contains("lineage_groups USING INDEX sqlite_autoindex_lineage_groups_1 (tenant=? AND first_seq>?)", StringComparison.Ordinal));

        // An entry's span of groups is read in sequence order entry by entry (sorted within the span only), so a page
        // stops after $limit groups instead of sorting every group the value's entries cover.
        // (SQLite names that partial sort "LAST TERM OF ORDER BY"; older versions "RIGHT PART OF ORDER BY".)
        Assert.Contains(plan, step => step.StartsWith("SEARCH g USING INDEX sqlite_autoindex_lineage_groups_1 (tenant=? AND first_seq>? AND first_seq<?)", StringComparison.Ordinal));
        Assert.Contains(plan, step => step is "USE TEMP B-TREE FOR LAST TERM OF ORDER BY" or "USE TEMP B-TREE FOR RIGHT PART OF ORDER BY");
    }

    private static async Task<string?> ScalarAsync(string file, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task QueryAsync_TamperedIndexColumn_CannotMakeARecordMatch()
    {
        await using var log = Open();
        await using (var writer = new LineageWriter(log))
        {
            await writer.AppendAsync(Events.Decision("acme", 1, session: "s-a"));
            await writer.AppendAsync(Events.Decision("acme", 2, session: "s-b"));
        }

        await Sql(log.FilePath, """UPDATE lineage_groups SET keys = '[[1,"s-a"]]' WHERE first_seq = 2;""");

        var got = await log.QueryAsync(new LineageQuery { TenantId = "acme", SessionId = "s-a" }).ToListAsync();
        Assert.Equal([1L], got.Select(r => r.Sequence));
    }

    [Fact]
    public async Task QueryAsync_InvalidQuery_ThrowsArgumentExceptionNamingTheField()
    {
        await using var log = Open();

        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await log.QueryAsync(new LineageQuery { TenantId = "acme", Limit = 0 }).ToListAsync());
        Assert.Equal("Limit", error.ParamName);
    }

    /// <summary>The stored <c>records</c> blob of a tenant's group, as it is in the file (null when there is none).</summary>
    internal static async Task<byte[]?> BlobAsync(string file, string tenant, long firstSequence)
    {
        await using var connection = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT records FROM lineage_groups WHERE tenant = $t AND first_seq = $f;";
        command.Parameters.AddWithValue("$t", tenant);
        command.Parameters.AddWithValue("$f", firstSequence);
        return await command.ExecuteScalarAsync() as byte[];
    }

    internal static async Task Sql(string file, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
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
