using System.Text;
using Microsoft.Data.Sqlite;
using Warden.Lineage.Chain;
using Warden.Lineage.Logs.Sqlite;
using Warden.Lineage.Records;
using Warden.Lineage.Tests.Logs;
using Warden.Lineage.Tests.Support;
using Warden.Lineage.Verification;

namespace Warden.Lineage.Tests.Verification;

/// <summary>
/// Each kind of tampering, done to the real SQLite file (schema 5: records stored in commit groups), is named by the
/// verifier at the right sequence: inside a group (a record's bytes altered, removed, inserted, moved) and whole groups
/// (removed, moved). Every case runs on plain groups (<see cref="PlainSqliteTamperTests"/>) and on LZ4-compressed ones
/// (<see cref="CompressedSqliteTamperTests"/>, where the attacker decompresses, edits and compresses again).
/// </summary>
public abstract class SqliteTamperTests : IAsyncLifetime
{
    private const int Count = 20;
    private const int GroupSize = 5;
    private readonly TempDirectory _dir = new();
    private readonly List<LineageRecord> _records = [];
    private string _file = null!;

    /// <summary>The fixture's <see cref="SqliteLineageLogOptions.CompressGroupsFromBytes"/>.</summary>
    private protected abstract int CompressGroupsFromBytes { get; }

    private protected string File => _file;

    public async Task InitializeAsync()
    {
        // Durability is not under test here: skip the per-commit fsync to keep the fixture fast.
        await using var log = SqliteLineageLog.Open(new SqliteLineageLogOptions
        {
            DataDirectory = _dir.Path,
            Synchronous = SqliteSynchronousMode.Normal,
            CompressGroupsFromBytes = CompressGroupsFromBytes,
        });
        _file = log.FilePath;
        await using var writer = new LineageWriter(log);
        // acme in commits of five (groups 1–5, 6–10, 11–15, 16–20), globex one record per commit.
        for (var i = 1; i <= Count; i += GroupSize)
        {
            var events = Enumerable.Range(i, GroupSize)
                .Select(n => Events.Decision("acme", n, decision: LineageDecision.Deny) with { Reasons = [$"reason-{n:D4}-marker"] })
                .ToArray();
            _records.AddRange(await writer.AppendManyAsync(events));
            for (var n = i; n < i + GroupSize; n++)
            {
                await writer.AppendAsync(Events.Decision("globex", n));
            }
        }

        Assert.Equal(new long[] { 1, 6, 11, 16 }, (await LineageGroupSurgery.ReadGroupsAsync(_file, "acme")).Select(g => g.First));
    }

    public Task DisposeAsync()
    {
        _dir.Dispose();
        return Task.CompletedTask;
    }

    private protected async Task<ChainVerificationResult> Verify(ChainHead? anchor = null)
    {
        await using var log = SqliteLineageLog.Open(new SqliteLineageLogOptions { FilePath = _file });
        return await LineageVerifier.VerifyAsync(log, "acme", anchor);
    }

    private protected Task Sql(string sql, params (string, object)[] parameters) => SqliteLineageLogTests.Sql(_file, sql, parameters);

    // The main file's bytes with the WAL folded in and every handle closed, for editing the file directly.
    private protected async Task<byte[]> ReadFileBytesAsync()
    {
        await Sql("PRAGMA wal_checkpoint(TRUNCATE);");
        SqliteConnection.ClearAllPools();
        return await System.IO.File.ReadAllBytesAsync(_file);
    }

    private Task ReplaceBlob(long seq, LineageRecord record) =>
        LineageGroupSurgery.ReplaceAsync(_file, "acme", seq, LineageRecordSerializer.Serialize(record));

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
    public async Task Verify_HashBytesFlippedInTheDatabaseFile_NamesAlteredRecord()
    {
        // Record 11's stored hash: 32 random bytes, so they sit in the file as they are in either form (in a compressed
        // group record 12's copy of them, its previous hash, is a back-reference to these).
        var bytes = await ReadFileBytesAsync();
        var hash = new byte[LineageHash.Length];
        _records[10].Hash.CopyTo(hash);
        var at = bytes.AsSpan().IndexOf(hash);
        Assert.True(at >= 0, "the hash must be in the file");
        bytes[at + 5] ^= 0x40;
        await System.IO.File.WriteAllBytesAsync(_file, bytes);

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
        // 7 is inside the group 6–10: only that group's blob changes.
        await LineageGroupSurgery.RemoveAsync(_file, "acme", 7);

        var result = await Verify();

        Assert.Equal(ChainFault.Removed, result.Fault);
        Assert.Equal(7, result.FirstBadSequence);
    }

    [Fact]
    public async Task Verify_WholeGroupDeleted_NamesTheGapAtItsFirstRecord()
    {
        await Sql("DELETE FROM lineage_groups WHERE tenant = 'acme' AND first_seq = 6;");

        var result = await Verify();

        Assert.Equal(ChainFault.Removed, result.Fault);
        Assert.Equal(6, result.FirstBadSequence);
    }

    [Fact]
    public async Task Verify_LastRecordOfAGroupDeleted_NamesTheGap()
    {
        await LineageGroupSurgery.RemoveAsync(_file, "acme", 10);

        var result = await Verify();

        Assert.Equal(ChainFault.Removed, result.Fault);
        Assert.Equal(10, result.FirstBadSequence);
    }

    [Fact]
    public async Task Verify_TwoGroupsSwapped_NamesReordered()
    {
        await Sql("UPDATE lineage_groups SET first_seq = -1 WHERE tenant = 'acme' AND first_seq = 6;");
        await Sql("UPDATE lineage_groups SET first_seq = 6 WHERE tenant = 'acme' AND first_seq = 11;");
        await Sql("UPDATE lineage_groups SET first_seq = 11 WHERE tenant = 'acme' AND first_seq = -1;");

        var result = await Verify();

        Assert.Equal(ChainFault.Reordered, result.Fault);
        Assert.Equal(6, result.FirstBadSequence);
    }

    [Fact]
    public async Task Verify_RecordMovedToTheNextGroup_NamesReordered()
    {
        var moved = await LineageGroupSurgery.ReadRecordAsync(_file, "acme", 9);
        await LineageGroupSurgery.RemoveAsync(_file, "acme", 9);
        await LineageGroupSurgery.InsertAsync(_file, "acme", 12, moved);

        var result = await Verify();

        Assert.Equal(ChainFault.Reordered, result.Fault);
        Assert.Equal(9, result.FirstBadSequence);
    }

    [Fact]
    public async Task Verify_FirstRecordDeleted_NamesTheGapAtOne()
    {
        await LineageGroupSurgery.RemoveAsync(_file, "acme", 1);

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
        // 5 and 12 are in different groups (1–5 and 11–15).
        await ReplaceBlob(5, _records[11]);
        await ReplaceBlob(12, _records[4]);

        var result = await Verify();

        Assert.Equal(ChainFault.Reordered, result.Fault);
        Assert.Equal(5, result.FirstBadSequence);
    }

    [Fact]
    public async Task Verify_ForgedRecordInsertedMidChain_NamesInserted()
    {
        // The attacker slips a well-formed forgery (linked to 6) into the group 6–10 before the real 7.
        var forgedEvent = _records[6].Event with { Decision = LineageDecision.Allow, DecisionId = "forged" };
        var forged = new LineageRecord
        {
            Sequence = 7,
            Event = forgedEvent,
            PreviousHash = _records[5].Hash,
            Hash = LineageRecordSerializer.ComputeHash(7, forgedEvent, _records[5].Hash),
        };
        await LineageGroupSurgery.InsertAsync(_file, "acme", 7, LineageRecordSerializer.Serialize(forged));

        var result = await Verify();

        Assert.Equal(ChainFault.Inserted, result.Fault);
        Assert.Equal(7, result.FirstBadSequence);
    }

    [Fact]
    public async Task Verify_OtherTenantsRecordCopiedIn_NamesInserted()
    {
        await LineageGroupSurgery.ReplaceAsync(_file, "acme", 9, await LineageGroupSurgery.ReadRecordAsync(_file, "globex", 9));

        var result = await Verify();

        Assert.Equal(ChainFault.Inserted, result.Fault);
        Assert.Equal(9, result.FirstBadSequence);
    }

    [Fact]
    public async Task Verify_TailDeleted_NamesTruncatedFromTheHeadMarker()
    {
        await LineageGroupSurgery.RemoveFromAsync(_file, "acme", 18);

        var result = await Verify();

        Assert.Equal(ChainFault.Truncated, result.Fault);
        Assert.Equal(18, result.FirstBadSequence);
        Assert.Equal(_records[^1].Hash, result.ExpectedHash);
        Assert.Equal(_records[16].Hash, result.ActualHash);
    }

    [Fact]
    public async Task Verify_TailAndHeadMarkerRewound_IsOnlyCaughtWithAnAnchor()
    {
        await LineageGroupSurgery.RemoveFromAsync(_file, "acme", 18);
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
        await LineageGroupSurgery.InsertAsync(_file, "acme", Count + 1, LineageRecordSerializer.Serialize(extra));

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
        await LineageGroupSurgery.ReplaceAsync(_file, "acme", 4, [0xDE, 0xAD, 0xBE, 0xEF]);

        var result = await Verify();

        Assert.Equal(ChainFault.Undecodable, result.Fault);
        Assert.Equal(4, result.FirstBadSequence);
    }

    [Fact]
    public async Task Verify_GarbageGroupBlob_NamesUndecodableAtTheGroupsFirstRecord()
    {
        await Sql("UPDATE lineage_groups SET records = X'DEADBEEF' WHERE tenant = 'acme' AND first_seq = 6;");

        var result = await Verify();

        Assert.Equal(ChainFault.Undecodable, result.Fault);
        Assert.Equal(6, result.FirstBadSequence);
    }

    [Fact]
    public async Task Verify_GroupBlobCutMidRecord_NamesUndecodableAtTheCutRecord()
    {
        var blob = LineageGroupSurgery.Join((await LineageGroupSurgery.ReadGroupsAsync(_file, "acme"))[1].Records);
        await Sql("UPDATE lineage_groups SET records = $r WHERE tenant = 'acme' AND first_seq = 6;", ("$r", blob[..^10]));

        var result = await Verify();

        Assert.Equal(ChainFault.Undecodable, result.Fault);
        Assert.Equal(10, result.FirstBadSequence);
    }

    [Fact]
    public async Task Writer_AfterTailWasDeleted_RefusesToAppendOverTheEvidence()
    {
        await LineageGroupSurgery.RemoveFromAsync(_file, "acme", 18);
        await using var log = SqliteLineageLog.Open(new SqliteLineageLogOptions { FilePath = _file });
        await using var writer = new LineageWriter(log);

        var error = await Assert.ThrowsAsync<LineageWriteException>(() => writer.AppendAsync(Events.Decision("acme", 1)).AsTask());

        Assert.IsType<LineageIntegrityException>(error.InnerException);
        Assert.True((await writer.AppendAsync(Events.Decision("globex", 100))).IsDurable);
    }
}

/// <summary>The tamper cases on plain groups (as version 4 stored every group, and version 5 small ones).</summary>
public sealed class PlainSqliteTamperTests : SqliteTamperTests
{
    private protected override int CompressGroupsFromBytes => int.MaxValue;

    [Fact]
    public async Task Fixture_StoresEveryGroupPlain()
    {
        Assert.All(await LineageGroupSurgery.ReadStoredGroupsAsync(File, "acme"), g => Assert.False(g.Compressed));
    }

    [Fact]
    public async Task Verify_BytesFlippedInTheDatabaseFile_NamesAlteredRecord()
    {
        var bytes = await ReadFileBytesAsync();
        var marker = Encoding.UTF8.GetBytes("reason-0011-marker");
        var at = bytes.AsSpan().IndexOf(marker);
        Assert.True(at >= 0, "the marker must be in the file");
        bytes[at + 7] = (byte)'9';
        await System.IO.File.WriteAllBytesAsync(File, bytes);

        var result = await Verify();

        Assert.Equal(ChainFault.Altered, result.Fault);
        Assert.Equal(11, result.FirstBadSequence);
    }
}

/// <summary>The tamper cases on LZ4-compressed groups, and damage to the compressed form itself.</summary>
public sealed class CompressedSqliteTamperTests : SqliteTamperTests
{
    private protected override int CompressGroupsFromBytes => 0;

    [Fact]
    public async Task Fixture_StoresEveryGroupCompressed()
    {
        Assert.All(await LineageGroupSurgery.ReadStoredGroupsAsync(File, "acme"), g => Assert.True(g.Compressed));
    }

    [Fact]
    public async Task Verify_CompressedBlockCut_NamesUndecodableAtTheGroupsFirstRecord()
    {
        await Sql("UPDATE lineage_groups SET records = substr(records, 1, length(records) - 3) WHERE tenant = 'acme' AND first_seq = 6;");

        var result = await Verify();

        Assert.Equal(ChainFault.Undecodable, result.Fault);
        Assert.Equal(6, result.FirstBadSequence);
        Assert.Equal(5, result.LastGoodSequence);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(-1)]
    public async Task Verify_CompressedGroupsStatedLengthChanged_NamesUndecodableAtTheGroupsFirstRecord(int change)
    {
        // The header's plain length (bytes 4–7, little-endian) no longer matches what the block decompresses to.
        var blob = (await SqliteLineageLogTests.BlobAsync(File, "acme", 11))!;
        var length = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(blob.AsSpan(4));
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(blob.AsSpan(4), length + change);
        await Sql("UPDATE lineage_groups SET records = $r WHERE tenant = 'acme' AND first_seq = 11;", ("$r", blob));

        var result = await Verify();

        Assert.Equal(ChainFault.Undecodable, result.Fault);
        Assert.Equal(11, result.FirstBadSequence);
    }

    [Fact]
    public async Task Verify_CompressedGroupStatingAHugeLength_NamesUndecodableWithoutAllocatingIt()
    {
        var blob = (await SqliteLineageLogTests.BlobAsync(File, "acme", 16))!;
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(blob.AsSpan(4), int.MaxValue);
        await Sql("UPDATE lineage_groups SET records = $r WHERE tenant = 'acme' AND first_seq = 16;", ("$r", blob));

        var result = await Verify();

        Assert.Equal(ChainFault.Undecodable, result.Fault);
        Assert.Equal(16, result.FirstBadSequence);
        Assert.Contains("impossible length", result.ToString(), StringComparison.Ordinal);
    }
}
