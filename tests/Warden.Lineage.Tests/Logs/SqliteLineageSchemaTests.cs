using Microsoft.Data.Sqlite;
using Warden.Lineage.Chain;
using Warden.Lineage.Logs.Memory;
using Warden.Lineage.Logs.Sqlite;
using Warden.Lineage.Query;
using Warden.Lineage.Records;
using Warden.Lineage.Tests.Support;
using Warden.Lineage.Verification;

namespace Warden.Lineage.Tests.Logs;

/// <summary>The lineage.db schema: version 6's commit groups (plain or compressed), their flagged-decision index and key entries (each covering a span of groups), and files written by versions 1 to 5.</summary>
public sealed class SqliteLineageSchemaTests : IDisposable
{
    // The version-1 schema exactly as earlier builds created it (lineage.db files in the field have it).
    private const string Version1Schema = """
        CREATE TABLE IF NOT EXISTS lineage_records (
            tenant   TEXT    NOT NULL,
            seq      INTEGER NOT NULL,
            ts       INTEGER NOT NULL,
            kind     INTEGER NOT NULL,
            decision INTEGER NOT NULL,
            agent    TEXT,
            session  TEXT,
            resource TEXT,
            record   BLOB    NOT NULL,
            PRIMARY KEY (tenant, seq)
        );
        CREATE INDEX IF NOT EXISTS lineage_by_session  ON lineage_records (tenant, session, seq)  WHERE session IS NOT NULL;
        CREATE INDEX IF NOT EXISTS lineage_by_agent    ON lineage_records (tenant, agent, seq)    WHERE agent IS NOT NULL;
        CREATE INDEX IF NOT EXISTS lineage_by_resource ON lineage_records (tenant, resource, seq) WHERE resource IS NOT NULL;
        CREATE INDEX IF NOT EXISTS lineage_by_decision ON lineage_records (tenant, decision, seq);
        CREATE INDEX IF NOT EXISTS lineage_by_time     ON lineage_records (tenant, ts);
        CREATE TABLE IF NOT EXISTS lineage_heads (
            tenant TEXT    NOT NULL PRIMARY KEY,
            seq    INTEGER NOT NULL,
            hash   BLOB    NOT NULL
        );
        CREATE TABLE IF NOT EXISTS lineage_meta (
            key   TEXT NOT NULL PRIMARY KEY,
            value TEXT NOT NULL
        );
        INSERT OR IGNORE INTO lineage_meta (key, value) VALUES ('schema', '1');
        """;

    // The version-3 schema exactly as the third to sixth sittings' builds created it (main before schema 4).
    private const string Version3Schema = """
        CREATE TABLE IF NOT EXISTS lineage_records (
            tenant   TEXT    NOT NULL,
            seq      INTEGER NOT NULL,
            ts       INTEGER NOT NULL,
            kind     INTEGER NOT NULL,
            decision INTEGER NOT NULL,
            agent    TEXT,
            session  TEXT,
            resource TEXT,
            record   BLOB    NOT NULL,
            PRIMARY KEY (tenant, seq)
        );
        CREATE INDEX IF NOT EXISTS lineage_by_time     ON lineage_records (tenant, ts);
        CREATE TABLE IF NOT EXISTS lineage_keys (
            tenant TEXT    NOT NULL,
            field  INTEGER NOT NULL,
            value  TEXT    NOT NULL,
            seq    INTEGER NOT NULL,
            PRIMARY KEY (tenant, field, value, seq)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS lineage_key_marks (
            tenant TEXT    NOT NULL PRIMARY KEY,
            seq    INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS lineage_heads (
            tenant TEXT    NOT NULL PRIMARY KEY,
            seq    INTEGER NOT NULL,
            hash   BLOB    NOT NULL
        );
        CREATE TABLE IF NOT EXISTS lineage_meta (
            key   TEXT NOT NULL PRIMARY KEY,
            value TEXT NOT NULL
        );
        INSERT OR IGNORE INTO lineage_meta (key, value) VALUES ('schema', '3');
        DROP INDEX IF EXISTS lineage_by_decision;
        CREATE INDEX IF NOT EXISTS lineage_by_denial ON lineage_records (tenant, decision, seq) WHERE decision >= 2;
        """;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string DbPath => _dir.File("lineage.db");

    private SqliteLineageLog Open() => SqliteLineageLog.Open(new SqliteLineageLogOptions { DataDirectory = _dir.Path });

    [Fact]
    public async Task Open_Version1File_MigratesToGroupsAndKeepsEveryRecordQueryableAndVerifiable()
    {
        var written = await WriteVersion1FileAsync(40);

        await using (var log = Open())
        {
            AssertMigrated();

            var denies = await log.QueryAsync(new LineageQuery { TenantId = "acme", Decision = LineageDecision.Deny }).ToListAsync();
            Assert.Equal(written.Where(r => r.Event.Decision == LineageDecision.Deny).Select(r => r.Sequence), denies.Select(r => r.Sequence));
            var allows = await log.QueryAsync(new LineageQuery { TenantId = "acme", Decision = LineageDecision.Allow }).ToListAsync();
            Assert.Equal(written.Where(r => r.Event.Decision == LineageDecision.Allow).Select(r => r.Sequence), allows.Select(r => r.Sequence));
            Assert.True((await LineageVerifier.VerifyAsync(log, "acme")).IsIntact);

            // The chain goes on from the version-1 records.
            await using var writer = new LineageWriter(log);
            var next = (await writer.AppendAsync(Events.Decision("acme", 41, decision: LineageDecision.Deny))).Record!;
            Assert.Equal(41, next.Sequence);
            Assert.Equal(written[^1].Hash, next.PreviousHash);
        }

        // Reopening a migrated file changes nothing and the new deny is found through the flagged groups.
        await using (var log = Open())
        {
            var denies = await log.QueryAsync(new LineageQuery { TenantId = "acme", Decision = LineageDecision.Deny }).ToListAsync();
            Assert.Equal(41, denies[^1].Sequence);
            Assert.True((await LineageVerifier.VerifyAsync(log, "acme")).IsIntact);
        }
    }

    [Fact]
    public async Task Open_Version2File_WritesKeyEntriesForEveryGroupDropsTheRowsAndQueriesFindOldAndNewRecords()
    {
        var written = await WriteVersion1FileAsync(40);
        Execute("""
            DROP INDEX lineage_by_decision;
            CREATE INDEX lineage_by_denial ON lineage_records (tenant, decision, seq) WHERE decision >= 2;
            UPDATE lineage_meta SET value = '2' WHERE key = 'schema';
            """);

        await using (var log = Open())
        {
            AssertMigrated();

            // The 40 records are one group; one entry per distinct session, agent and resource of it; the mark at that
            // group, so the migrated records are all found through the entries.
            Assert.Equal("1-40", Scalar("SELECT group_concat(first_seq || '-' || last_seq) FROM lineage_groups WHERE tenant = 'acme';"));
            var distinct = written.Select(r => r.Event.SessionId).Distinct().Count()
                + written.Select(r => r.Event.AgentId).Distinct().Count()
                + written.Select(r => r.Event.Resource).Distinct().Count();
            Assert.Equal(distinct.ToString(System.Globalization.CultureInfo.InvariantCulture), Scalar("SELECT count(*) FROM lineage_group_keys WHERE tenant = 'acme';"));
            Assert.Equal("1", Scalar("SELECT first_seq FROM lineage_group_marks WHERE tenant = 'acme';"));

            await using (var writer = new LineageWriter(log))
            {
                await writer.AppendAsync(Events.Decision("acme", 41, resource: "Table::\"t1\""));
            }

            var byResource = await log.QueryAsync(new LineageQuery { TenantId = "acme", Resource = "Table::\"t1\"" }).ToListAsync();
            Assert.Equal(
                written.Where(r => r.Event.Resource == "Table::\"t1\"").Select(r => r.Sequence).Append(41),
                byResource.Select(r => r.Sequence));
            var bySession = await log.QueryAsync(new LineageQuery { TenantId = "acme", SessionId = "s-1" }).ToListAsync();
            Assert.Equal(41, bySession.Count);
            Assert.True((await LineageVerifier.VerifyAsync(log, "acme")).IsIntact);
        }
    }

    [Fact]
    public async Task Open_NewerSchemaVersion_RefusesToOpenAndLeavesTheFile()
    {
        await Open().DisposeAsync();
        Execute("UPDATE lineage_meta SET value = '7' WHERE key = 'schema';");

        var error = Assert.Throws<LineageFormatException>(Open);

        Assert.Contains("version 7", error.Message, StringComparison.Ordinal);
        Assert.Equal("7", Scalar("SELECT value FROM lineage_meta WHERE key = 'schema';"));
    }

    [Fact]
    public async Task Open_UnknownSchemaVersion_RefusesToOpen()
    {
        await Open().DisposeAsync();
        Execute("UPDATE lineage_meta SET value = 'x' WHERE key = 'schema';");

        var error = Assert.Throws<LineageFormatException>(Open);

        Assert.Contains("unknown lineage schema version 'x'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Append_GroupOfAllowedDecisions_IsNotInTheFlaggedIndexButAGroupWithADenyIs()
    {
        await using (var log = Open())
        await using (var writer = new LineageWriter(log))
        {
            await writer.AppendAsync(Events.Decision("acme", 1, decision: LineageDecision.Allow));
            await writer.AppendAsync(Events.Decision("acme", 2, decision: LineageDecision.Deny));
            await writer.AppendAsync(Events.Decision("acme", 3, decision: LineageDecision.ApprovalRequired));
        }

        // INDEXED BY fails the statement if the planner cannot use the index for it, so this reads the index itself.
        Assert.Equal(
            "2,3",
            Scalar("SELECT group_concat(first_seq) FROM (SELECT first_seq FROM lineage_groups INDEXED BY lineage_groups_flagged WHERE tenant = 'acme' AND flagged = 1 ORDER BY first_seq);"));
    }

    [Theory]
    [InlineData(LineageDecision.Deny)]
    [InlineData(LineageDecision.ApprovalRequired)]
    public async Task QueryAsync_DecisionOtherThanAllow_CanBePlannedOnThePartialIndex(LineageDecision decision)
    {
        await Open().DisposeAsync();
        var sql = SqliteLineageLog.BuildQuerySql(new LineageQuery { TenantId = "acme", Decision = decision });

        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        command.Parameters.AddWithValue("$tenant", "acme");
        command.Parameters.AddWithValue("$start", 0L);
        command.Parameters.AddWithValue("$limit", 100);
        var plan = new List<string>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                plan.Add(reader.GetString(3));
            }
        }

        // The statement holds the index's WHERE verbatim, so SQLite may use the partial index for it (INDEXED BY fails
        // the statement otherwise).
        Assert.Contains(plan, step => step.Contains("lineage_groups", StringComparison.Ordinal));
        using var forced = connection.CreateCommand();
        forced.CommandText = "EXPLAIN QUERY PLAN " + sql.Replace("FROM lineage_groups WHERE", "FROM lineage_groups INDEXED BY lineage_groups_flagged WHERE", StringComparison.Ordinal);
        forced.Parameters.AddWithValue("$tenant", "acme");
        forced.Parameters.AddWithValue("$start", 0L);
        forced.Parameters.AddWithValue("$limit", 100);
        using var forcedReader = forced.ExecuteReader();
        Assert.True(forcedReader.Read());
    }

    [Fact]
    public async Task Open_Version3File_MigratesToGroupsInOneStepAndEveryQueryAnswersAsTheOracle()
    {
        // A version-3 file as main's build leaves it: rows, key entries up to a mark, head markers; two tenants, and
        // more records than one group holds.
        var acme = await ChainAsync("acme", 600);
        var globex = await ChainAsync("globex", 10);
        WriteRowsFile(Version3Schema, [.. acme, .. globex]);
        Execute("""
            INSERT INTO lineage_keys (tenant, field, value, seq)
                SELECT tenant, 1, session, seq FROM lineage_records WHERE seq <= 512 AND session IS NOT NULL
                UNION ALL SELECT tenant, 2, agent, seq FROM lineage_records WHERE seq <= 512 AND agent IS NOT NULL
                UNION ALL SELECT tenant, 3, resource, seq FROM lineage_records WHERE seq <= 512 AND resource IS NOT NULL;
            INSERT INTO lineage_key_marks (tenant, seq) VALUES ('acme', 512);
            """);

        await using var oracle = new InMemoryLineageLog();
        await oracle.AppendAsync([.. acme, .. globex]);
        await using (var log = Open())
        {
            AssertMigrated();
            Assert.Equal("1-256,257-512,513-600", Scalar("SELECT group_concat(first_seq || '-' || last_seq) FROM (SELECT * FROM lineage_groups WHERE tenant = 'acme' ORDER BY first_seq);"));
            Assert.Equal("513", Scalar("SELECT first_seq FROM lineage_group_marks WHERE tenant = 'acme';"));
            Assert.True((await LineageVerifier.VerifyAsync(log, "acme", ChainHead.Of(acme[^1]))).IsIntact);
            Assert.True((await LineageVerifier.VerifyAsync(log, "globex", ChainHead.Of(globex[^1]))).IsIntact);
            await LineageQueryOracle.AssertSameAnswersAsync(oracle, log, "acme", acme);
            Assert.Equal(acme[^1].Hash, (await log.ReadLastAsync("acme"))!.Hash);

            // The chain goes on from the migrated records.
            await using var writer = new LineageWriter(log);
            var next = (await writer.AppendAsync(Events.Decision("acme", 601))).Record!;
            Assert.Equal(acme[^1].Hash, next.PreviousHash);
        }

        await using (var log = Open())
        {
            Assert.True((await LineageVerifier.VerifyAsync(log, "acme")).IsIntact);
            Assert.Equal(601, (await log.ReadHeadAsync("acme"))!.Value.Sequence);
        }
    }

    [Fact]
    public async Task Open_Version4File_RaisesTheVersionAndReadsItsPlainGroupsBesideNewCompressedOnes()
    {
        // A version-4 file: the same tables, every group stored plain (version 4 knew no other form).
        var acme = await ChainAsync("acme", 900);
        await using (var version4 = SqliteLineageLog.Open(new SqliteLineageLogOptions { DataDirectory = _dir.Path, CompressGroupsFromBytes = int.MaxValue }))
        {
            await version4.AppendAsync(acme[..600]);
        }

        Execute("ALTER TABLE lineage_group_keys DROP COLUMN upto; UPDATE lineage_meta SET value = '4' WHERE key = 'schema';");

        await using var oracle = new InMemoryLineageLog();
        await oracle.AppendAsync(acme);
        await using (var log = Open())
        {
            AssertMigrated();
            await log.AppendAsync(acme[600..]);

            // The version-4 groups stay as they were; the new ones (601–856, 857–900) are compressed.
            Assert.Equal(
                "1-256:0,257-512:0,513-600:0,601-856:1,857-900:1",
                Scalar("SELECT group_concat(first_seq || '-' || last_seq || ':' || (substr(hex(records), 1, 8) = 'FFFFFFFF')) FROM (SELECT * FROM lineage_groups ORDER BY first_seq);"));
            Assert.True((await LineageVerifier.VerifyAsync(log, "acme", ChainHead.Of(acme[^1]))).IsIntact);
            await LineageQueryOracle.AssertSameAnswersAsync(oracle, log, "acme", acme);
        }

        // Opening it again changes nothing.
        await using (var log = Open())
        {
            AssertMigrated();
            Assert.Equal(acme.Select(r => r.Hash), await log.ReadAsync("acme", 1).Select(r => r.Hash).ToListAsync());
        }
    }

    [Fact]
    public async Task Open_Version5File_AddsTheSpanColumnAndQueriesReadItsOneGroupEntriesBesideNewSpans()
    {
        // A version-5 file: one key entry per keyed group and distinct value (no upto column; made here from a file this
        // build wrote, with the entries rewritten as version 5 wrote them); then version 6 appends more, whose entries
        // each cover a flush's span of groups.
        var acme = await ChainAsync("acme", 300);
        await using (var version5 = SqliteLineageLog.Open(new SqliteLineageLogOptions { DataDirectory = _dir.Path, KeyFlushRecords = 40 }))
        {
            for (var i = 0; i < 150; i += 10)
            {
                await version5.AppendAsync(acme[i..(i + 10)]);
            }
        }

        Execute("""
            CREATE TABLE v5_keys AS SELECT g.tenant, json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]'), g.first_seq
                FROM lineage_groups g, json_each(g.keys) j
                WHERE g.first_seq <= (SELECT m.first_seq FROM lineage_group_marks m WHERE m.tenant = g.tenant);
            DELETE FROM lineage_group_keys;
            ALTER TABLE lineage_group_keys DROP COLUMN upto;
            INSERT INTO lineage_group_keys (tenant, field, value, first_seq) SELECT * FROM v5_keys;
            DROP TABLE v5_keys;
            UPDATE lineage_meta SET value = '5' WHERE key = 'schema';
            """);
        var version5Entries = Scalar("SELECT count(*) FROM lineage_group_keys;");

        await using var oracle = new InMemoryLineageLog();
        await oracle.AppendAsync(acme);
        await using (var log = SqliteLineageLog.Open(new SqliteLineageLogOptions { DataDirectory = _dir.Path, KeyFlushRecords = 40 }))
        {
            AssertMigrated();
            Assert.Equal(version5Entries, Scalar("SELECT count(*) FROM lineage_group_keys WHERE upto IS NULL;"));
            for (var i = 150; i < 300; i += 10)
            {
                await log.AppendAsync(acme[i..(i + 10)]);
            }

            // The new flushes wrote spans (one entry per value and flush), the old entries stayed as they were.
            Assert.Equal(version5Entries, Scalar("SELECT count(*) FROM lineage_group_keys WHERE upto IS NULL;"));
            Assert.NotEqual("0", Scalar("SELECT count(*) FROM lineage_group_keys WHERE upto > first_seq;"));
            Assert.True((await LineageVerifier.VerifyAsync(log, "acme", ChainHead.Of(acme[^1]))).IsIntact);
            await LineageQueryOracle.AssertSameAnswersAsync(oracle, log, "acme", acme);
        }
    }

    [Theory]
    [InlineData("DELETE FROM lineage_records WHERE tenant = 'acme' AND seq = 7;", ChainFault.Removed, 7)]
    [InlineData("DELETE FROM lineage_records WHERE tenant = 'acme' AND seq >= 28;", ChainFault.Truncated, 28)]
    [InlineData("UPDATE lineage_records SET seq = -1 WHERE tenant = 'acme' AND seq = 5; UPDATE lineage_records SET seq = 5 WHERE tenant = 'acme' AND seq = 12; UPDATE lineage_records SET seq = 12 WHERE tenant = 'acme' AND seq = -1;", ChainFault.Reordered, 5)]
    [InlineData("UPDATE lineage_records SET record = X'DEADBEEF' WHERE tenant = 'acme' AND seq = 4;", ChainFault.Undecodable, 4)]
    public async Task Open_TamperedVersion3File_VerificationNamesTheSameFaultAfterTheMigration(string tamper, ChainFault fault, long at)
    {
        var acme = await ChainAsync("acme", 30);
        WriteRowsFile(Version3Schema, acme);
        Execute(tamper);

        await using var log = Open();

        AssertMigrated();
        var result = await LineageVerifier.VerifyAsync(log, "acme");
        Assert.Equal(fault, result.Fault);
        Assert.Equal(at, result.FirstBadSequence);
    }

    private void AssertMigrated()
    {
        Assert.Equal("6", Scalar("SELECT value FROM lineage_meta WHERE key = 'schema';"));
        Assert.Equal("1", Scalar("SELECT count(*) FROM pragma_table_info('lineage_group_keys') WHERE name = 'upto';"));
        Assert.Equal(
            "lineage_group_keys,lineage_group_marks,lineage_groups,lineage_heads,lineage_meta",
            Scalar("SELECT group_concat(name) FROM (SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name);"));
    }

    // A chain of decisions with varied sessions, agents, resources, decisions and kinds.
    private static async Task<List<LineageRecord>> ChainAsync(string tenant, int count)
    {
        var records = new List<LineageRecord>();
        await using var memory = new InMemoryLineageLog();
        await using var writer = new LineageWriter(memory);
        for (var i = 1; i <= count; i++)
        {
            records.Add((await writer.AppendAsync(LineageQueryOracle.Event(tenant, i))).Record!);
        }

        return records;
    }

    // A lineage.db of rows (versions 1–3): the schema, every record as a row, and each tenant's head marker.
    private void WriteRowsFile(string schema, IReadOnlyList<LineageRecord> records)
    {
        using var connection = Connect();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "PRAGMA journal_mode = WAL;" + schema;
            command.ExecuteNonQuery();
        }

        using var transaction = connection.BeginTransaction();
        foreach (var record in records)
        {
            InsertRow(connection, transaction, record);
        }

        foreach (var last in records.GroupBy(r => r.TenantId).Select(g => g.Last()))
        {
            using var head = connection.CreateCommand();
            head.Transaction = transaction;
            head.CommandText = "INSERT INTO lineage_heads (tenant, seq, hash) VALUES ($tenant, $seq, $hash);";
            head.Parameters.AddWithValue("$tenant", last.TenantId);
            head.Parameters.AddWithValue("$seq", last.Sequence);
            head.Parameters.AddWithValue("$hash", last.Hash.ToArray());
            head.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    private static void InsertRow(SqliteConnection connection, SqliteTransaction transaction, LineageRecord record)
    {
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO lineage_records (tenant, seq, ts, kind, decision, agent, session, resource, record)
            VALUES ($tenant, $seq, $ts, $kind, $decision, $agent, $session, $resource, $record);
            """;
        var e = record.Event;
        insert.Parameters.AddWithValue("$tenant", e.TenantId);
        insert.Parameters.AddWithValue("$seq", record.Sequence);
        insert.Parameters.AddWithValue("$ts", e.OccurredAt.UtcTicks);
        insert.Parameters.AddWithValue("$kind", (int)e.Kind);
        insert.Parameters.AddWithValue("$decision", (int)e.Decision);
        insert.Parameters.AddWithValue("$agent", (object?)e.AgentId ?? DBNull.Value);
        insert.Parameters.AddWithValue("$session", (object?)e.SessionId ?? DBNull.Value);
        insert.Parameters.AddWithValue("$resource", (object?)e.Resource ?? DBNull.Value);
        insert.Parameters.AddWithValue("$record", LineageRecordSerializer.Serialize(record));
        insert.ExecuteNonQuery();
    }

    // Builds a lineage.db the way a version-1 build left it: its schema, then chained records and head markers.
    private async Task<List<LineageRecord>> WriteVersion1FileAsync(int count)
    {
        var records = new List<LineageRecord>();
        await using (var memory = new InMemoryLineageLog())
        await using (var writer = new LineageWriter(memory))
        {
            for (var i = 1; i <= count; i++)
            {
                var decision = (i % 5) switch { 0 => LineageDecision.Deny, 3 => LineageDecision.ApprovalRequired, _ => LineageDecision.Allow };
                records.Add((await writer.AppendAsync(Events.Decision("acme", i, decision: decision))).Record!);
            }
        }

        using var connection = Connect();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "PRAGMA journal_mode = WAL;" + Version1Schema;
            command.ExecuteNonQuery();
        }

        using var transaction = connection.BeginTransaction();
        foreach (var record in records)
        {
            InsertRow(connection, transaction, record);
        }

        using (var head = connection.CreateCommand())
        {
            head.Transaction = transaction;
            head.CommandText = "INSERT INTO lineage_heads (tenant, seq, hash) VALUES ('acme', $seq, $hash);";
            head.Parameters.AddWithValue("$seq", records[^1].Sequence);
            head.Parameters.AddWithValue("$hash", records[^1].Hash.ToArray());
            head.ExecuteNonQuery();
        }

        transaction.Commit();
        Assert.Contains("lineage_by_decision", IndexesOf(connection));
        return records;
    }

    private SqliteConnection Connect()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DbPath, Pooling = false }.ConnectionString);
        connection.Open();
        return connection;
    }

    private static List<string> IndexesOf(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'lineage_records' ORDER BY name;";
        var names = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    private string? Scalar(string sql)
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private void Execute(string sql)
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
