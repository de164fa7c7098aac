using System.Text;
using Microsoft.Data.Sqlite;
using Warden.Lineage.Chain;
using Warden.Lineage.Logs.Sqlite;
using Warden.Lineage.Records;
using Warden.Lineage.Tests.Logs;
using Warden.Lineage.Tests.Support;
using Warden.Lineage.Verification;

namespace Warden.Lineage.Tests.Verification;

/// <summary>Each kind of tampering, done to the real SQLite file, is named by the verifier at the right sequence.</summary>
public sealed class SqliteTamperTests : IAsyncLifetime
{
    private const int Count = 20;
    private readonly TempDirectory _dir = new();
    private readonly List<LineageRecord> _records = [];
    private string _file = null!;

    public async Task InitializeAsync()
    {
        // Durability is not under test here: skip the per-commit fsync to keep the fixture fast.
        await using var log = SqliteLineageLog.Open(new SqliteLineageLogOptions { DataDirectory = _dir.Path, Synchronous = SqliteSynchronousMode.Normal });
        _file = log.FilePath;
        await using var writer = new LineageWriter(log);
        for (var i = 1; i <= Count; i++)
        {
            var evt = Events.Decision("acme", i, decision: LineageDecision.Deny) with { Reasons = [$"reason-{i:D4}-marker"] };
            _records.Add((await writer.AppendAsync(evt)).Record!);
            await writer.AppendAsync(Events.Decision("globex", i));
        }
    }

    public Task DisposeAsync()
    {
        _dir.Dispose();
        return Task.CompletedTask;
    }

    private async Task<ChainVerificationResult> Verify(ChainHead? anchor = null)
    {
        await using var log = SqliteLineageLog.Open(new SqliteLineageLogOptions { FilePath = _file });
        return await LineageVerifier.VerifyAsync(log, "acme", anchor);
    }

    private Task Sql(string sql, params (string, object)[] parameters) => SqliteLineageLogTests.Sql(_file, sql, parameters);

    private Task ReplaceBlob(long seq, LineageRecord record) =>
        Sql("UPDATE lineage_records SET record = $r WHERE tenant = 'acme' AND seq = $s;", ("$r", LineageRecordSerializer.Serialize(record)), ("$s", seq));

    [Fact]
    public async Task Verify_UntouchedFile_IsIntact()
    {
        var result = await Verify(ChainHead.Of(_records[^1]));

        Assert.True(result.IsIntact, result.ToString());
        Assert.Equal(ChainStatus.Intact, result.Status);
        Assert.Equal(Count, result.RecordsVerified);
        Assert.Equal(Count, result.LastGoodSequence);
        Assert.Null(result.FirstBadSequence);
    }

    [Fact]
    public async Task Verify_FieldAlteredInPlace_NamesAlteredWithBothHashes()
    {
        var forged = _records[6] with { Event = _records[6].Event with { Decision = LineageDecision.Allow } };
        await ReplaceBlob(7, forged);

        var result = await Verify();

        Assert.Equal(ChainStatus.Broken, result.Status);
        Assert.Equal(ChainFault.Altered, result.Fault);
        Assert.Equal(7, result.FirstBadSequence);
        Assert.Equal(_records[6].Hash, result.ActualHash);
        Assert.Equal(LineageRecordSerializer.ComputeHash(7, forged.Event, forged.PreviousHash), result.ExpectedHash);
        Assert.Equal(6, result.LastGoodSequence);
    }

    [Fact]
    public async Task Verify_BytesFlippedInTheDatabaseFile_NamesAlteredRecord()
    {
        // Fold the WAL into the main file and close every handle, then edit the file's bytes directly.
        await Sql("PRAGMA wal_checkpoint(TRUNCATE);");
        SqliteConnection.ClearAllPools();
        var bytes = await File.ReadAllBytesAsync(_file);
        var marker = Encoding.UTF8.GetBytes("reason-0011-marker");
        var at = bytes.AsSpan().IndexOf(marker);
        Assert.True(at >= 0, "the marker must be in the file");
        bytes[at + 7] = (byte)'9';
        await File.WriteAllBytesAsync(_file, bytes);

        var result = await Verify();

        Assert.Equal(ChainFault.Altered, result.Fault);
        Assert.Equal(11, result.FirstBadSequence);
    }

    [Fact]
    public async Task Verify_FieldAlteredAndRehashed_NamesTheBrokenLinkAfterIt()
    {
        var e = _records[6].Event with { Decision = LineageDecision.Allow };
        var rehashed = _records[6] with { Event = e, Hash = LineageRecordSerializer.ComputeHash(7, e, _records[6].PreviousHash) };
        await ReplaceBlob(7, rehashed);

        var result = await Verify();

        Assert.Equal(ChainFault.BrokenLink, result.Fault);
        Assert.Equal(8, result.FirstBadSequence);
        Assert.Equal(rehashed.Hash, result.ExpectedHash);
        Assert.Equal(_records[6].Hash, result.ActualHash);
    }

    [Fact]
    public async Task Verify_RecordDeleted_NamesTheGap()
    {
        await Sql("DELETE FROM lineage_records WHERE tenant = 'acme' AND seq = 7;");

        var result = await Verify();

        Assert.Equal(ChainFault.Removed, result.Fault);
        Assert.Equal(7, result.FirstBadSequence);
    }

    [Fact]
    public async Task Verify_FirstRecordDeleted_NamesTheGapAtOne()
    {
        await Sql("DELETE FROM lineage_records WHERE tenant = 'acme' AND seq = 1;");

        var result = await Verify();

        Assert.Equal(ChainFault.Removed, result.Fault);
        Assert.Equal(1, result.FirstBadSequence);
    }

    [Fact]
    public async Task Verify_TwoRecordsSwapped_NamesReordered()
    {
        await ReplaceBlob(7, _records[7]);
        await ReplaceBlob(8, _records[6]);

        var result = await Verify();

        Assert.Equal(ChainFault.Reordered, result.Fault);
        Assert.Equal(7, result.FirstBadSequence);
    }

    [Fact]
    public async Task Verify_SequenceKeysSwappedFarApart_NamesReordered()
    {
        await Sql("UPDATE lineage_records SET seq = -1 WHERE tenant = 'acme' AND seq = 5;");
        await Sql("UPDATE lineage_records SET seq = 5 WHERE tenant = 'acme' AND seq = 12;");
        await Sql("UPDATE lineage_records SET seq = 12 WHERE tenant = 'acme' AND seq = -1;");

        var result = await Verify();

        Assert.Equal(ChainFault.Reordered, result.Fault);
        Assert.Equal(5, result.FirstBadSequence);
    }

    [Fact]
    public async Task Verify_ForgedRecordInsertedMidChain_NamesInserted()
    {
        // The attacker shifts records 7.. up by one and slips a well-formed forgery (linked to 6) in at 7.
        await Sql("UPDATE lineage_records SET seq = seq + 1000 WHERE tenant = 'acme' AND seq >= 7;");
        await Sql("UPDATE lineage_records SET seq = seq - 999 WHERE tenant = 'acme' AND seq >= 1007;");
        var forgedEvent = _records[6].Event with { Decision = LineageDecision.Allow, DecisionId = "forged" };
        var forged = new LineageRecord
        {
            Sequence = 7,
            Event = forgedEvent,
            PreviousHash = _records[5].Hash,
            Hash = LineageRecordSerializer.ComputeHash(7, forgedEvent, _records[5].Hash),
        };
        await Sql(
            "INSERT INTO lineage_records (tenant, seq, ts, kind, decision, record) VALUES ('acme', 7, 0, 1, 1, $r);",
            ("$r", LineageRecordSerializer.Serialize(forged)));

        var result = await Verify();

        Assert.Equal(ChainFault.Inserted, result.Fault);
        Assert.Equal(7, result.FirstBadSequence);
    }

    [Fact]
    public async Task Verify_OtherTenantsRecordCopiedIn_NamesInserted()
    {
        await Sql(
            "UPDATE lineage_records SET record = (SELECT record FROM lineage_records WHERE tenant = 'globex' AND seq = 9) WHERE tenant = 'acme' AND seq = 9;");

        var result = await Verify();

        Assert.Equal(ChainFault.Inserted, result.Fault);
        Assert.Equal(9, result.FirstBadSequence);
    }

    [Fact]
    public async Task Verify_TailDeleted_NamesTruncatedFromTheHeadMarker()
    {
        await Sql("DELETE FROM lineage_records WHERE tenant = 'acme' AND seq >= 18;");

        var result = await Verify();

        Assert.Equal(ChainFault.Truncated, result.Fault);
        Assert.Equal(18, result.FirstBadSequence);
        Assert.Equal(_records[^1].Hash, result.ExpectedHash);
        Assert.Equal(_records[16].Hash, result.ActualHash);
    }

    [Fact]
    public async Task Verify_TailAndHeadMarkerRewound_IsOnlyCaughtWithAnAnchor()
    {
        await Sql("DELETE FROM lineage_records WHERE tenant = 'acme' AND seq >= 18;");
        await Sql(
            "UPDATE lineage_heads SET seq = 17, hash = $h WHERE tenant = 'acme';",
            ("$h", _records[16].Hash.ToArray()));

        var withoutAnchor = await Verify();
        var withAnchor = await Verify(ChainHead.Of(_records[^1]));

        Assert.True(withoutAnchor.IsIntact);
        Assert.Equal(ChainFault.Truncated, withAnchor.Fault);
        Assert.Equal(18, withAnchor.FirstBadSequence);
    }

    [Fact]
    public async Task Verify_RecordAppendedPastTheHeadMarker_NamesInserted()
    {
        var last = _records[^1];
        var e = Events.Decision("acme", 99);
        var extra = new LineageRecord { Sequence = Count + 1, Event = e, PreviousHash = last.Hash, Hash = LineageRecordSerializer.ComputeHash(Count + 1, e, last.Hash) };
        await Sql(
            "INSERT INTO lineage_records (tenant, seq, ts, kind, decision, record) VALUES ('acme', $s, 0, 1, 1, $r);",
            ("$s", Count + 1),
            ("$r", LineageRecordSerializer.Serialize(extra)));

        var result = await Verify();

        Assert.Equal(ChainFault.Inserted, result.Fault);
        Assert.Equal(Count + 1, result.FirstBadSequence);
    }

    [Fact]
    public async Task Verify_LastRecordReplacedConsistently_NamesHeadMismatch()
    {
        var previous = _records[^2];
        var e = _records[^1].Event with { Decision = LineageDecision.Allow };
        var replaced = new LineageRecord { Sequence = Count, Event = e, PreviousHash = previous.Hash, Hash = LineageRecordSerializer.ComputeHash(Count, e, previous.Hash) };
        await ReplaceBlob(Count, replaced);

        var result = await Verify();

        Assert.Equal(ChainFault.HeadMismatch, result.Fault);
        Assert.Equal(Count, result.FirstBadSequence);
    }

    [Fact]
    public async Task Verify_ChainRewrittenUpToTheAnchor_NamesAnchorMismatch()
    {
        // A consistent rewrite from record 15 on (records, hashes and head marker) passes every internal check.
        var previous = _records[13].Hash;
        for (var i = 15; i <= Count; i++)
        {
            var e = _records[i - 1].Event with { Decision = LineageDecision.Allow };
            var rewritten = new LineageRecord { Sequence = i, Event = e, PreviousHash = previous, Hash = LineageRecordSerializer.ComputeHash(i, e, previous) };
            await ReplaceBlob(i, rewritten);
            previous = rewritten.Hash;
        }

        await Sql("UPDATE lineage_heads SET hash = $h WHERE tenant = 'acme';", ("$h", previous.ToArray()));

        Assert.True((await Verify()).IsIntact);
        var anchored = await Verify(ChainHead.Of(_records[16]));
        Assert.Equal(ChainFault.AnchorMismatch, anchored.Fault);
        Assert.Equal(17, anchored.FirstBadSequence);
    }

    [Fact]
    public async Task Verify_GarbageBlob_NamesUndecodable()
    {
        await Sql("UPDATE lineage_records SET record = X'DEADBEEF' WHERE tenant = 'acme' AND seq = 4;");

        var result = await Verify();

        Assert.Equal(ChainFault.Undecodable, result.Fault);
        Assert.Equal(4, result.FirstBadSequence);
    }

    [Fact]
    public async Task Writer_AfterTailWasDeleted_RefusesToAppendOverTheEvidence()
    {
        await Sql("DELETE FROM lineage_records WHERE tenant = 'acme' AND seq >= 18;");
        await using var log = SqliteLineageLog.Open(new SqliteLineageLogOptions { FilePath = _file });
        await using var writer = new LineageWriter(log);

        var error = await Assert.ThrowsAsync<LineageWriteException>(() => writer.AppendAsync(Events.Decision("acme", 1)).AsTask());

        Assert.IsType<LineageIntegrityException>(error.InnerException);
        Assert.True((await writer.AppendAsync(Events.Decision("globex", 100))).IsDurable);
    }
}
