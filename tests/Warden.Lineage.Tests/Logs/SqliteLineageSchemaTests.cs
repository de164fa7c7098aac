using Microsoft.Data.Sqlite;
using Warden.Lineage.Chain;
using Warden.Lineage.Logs.Memory;
using Warden.Lineage.Logs.Sqlite;
using Warden.Lineage.Query;
using Warden.Lineage.Records;
using Warden.Lineage.Tests.Support;
using Warden.Lineage.Verification;

namespace Warden.Lineage.Tests.Logs;

/// <summary>The lineage.db schema: version 2's partial decision index, version 3's key entries, and files written by versions 1 and 2.</summary>
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

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string DbPath => _dir.File("lineage.db");

    private SqliteLineageLog Open() => SqliteLineageLog.Open(new SqliteLineageLogOptions { DataDirectory = _dir.Path });

    [Fact]
    public async Task Open_Version1File_MigratesTheDecisionIndexAndKeepsEveryRecordQueryableAndVerifiable()
    {
        var written = await WriteVersion1FileAsync(40);

        await using (var log = Open())
        {
            Assert.Equal("3", Scalar("SELECT value FROM lineage_meta WHERE key = 'schema';"));
            var indexes = Indexes();
            Assert.DoesNotContain("lineage_by_decision", indexes);
            Assert.Contains("lineage_by_denial", indexes);
            Assert.DoesNotContain("lineage_by_session", indexes);
            Assert.Contains("lineage_by_time", indexes);

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

        // Reopening a migrated file changes nothing and the new deny is found through the partial index.
        await using (var log = Open())
        {
            var denies = await log.QueryAsync(new LineageQuery { TenantId = "acme", Decision = LineageDecision.Deny }).ToListAsync();
            Assert.Equal(41, denies[^1].Sequence);
            Assert.True((await LineageVerifier.VerifyAsync(log, "acme")).IsIntact);
        }
    }

    [Fact]
    public async Task Open_Version2File_WritesKeyEntriesForEveryRecordDropsTheColumnIndexesAndQueriesFindOldAndNewRecords()
    {
        var written = await WriteVersion1FileAsync(40);
        Execute("""
            DROP INDEX lineage_by_decision;
            CREATE INDEX lineage_by_denial ON lineage_records (tenant, decision, seq) WHERE decision >= 2;
            UPDATE lineage_meta SET value = '2' WHERE key = 'schema';
            """);

        await using (var log = Open())
        {
            Assert.Equal("3", Scalar("SELECT value FROM lineage_meta WHERE key = 'schema';"));
            var indexes = Indexes();
            Assert.DoesNotContain("lineage_by_session", indexes);
            Assert.DoesNotContain("lineage_by_agent", indexes);
            Assert.DoesNotContain("lineage_by_resource", indexes);
            Assert.Contains("lineage_by_denial", indexes);

            // One entry per record for each of session, agent and resource (every test record has all three); the mark
            // at the last record, so the migrated records are all found through the entries.
            Assert.Equal("120", Scalar("SELECT count(*) FROM lineage_keys WHERE tenant = 'acme';"));
            Assert.Equal("40", Scalar("SELECT seq FROM lineage_key_marks WHERE tenant = 'acme';"));

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
        Execute("UPDATE lineage_meta SET value = '4' WHERE key = 'schema';");

        var error = Assert.Throws<LineageFormatException>(Open);

        Assert.Contains("version 4", error.Message, StringComparison.Ordinal);
        Assert.Equal("4", Scalar("SELECT value FROM lineage_meta WHERE key = 'schema';"));
    }

    [Fact]
    public async Task Append_AllowedDecision_IsNotInTheDecisionIndexButADenyIs()
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
            Scalar("SELECT group_concat(seq) FROM (SELECT seq FROM lineage_records INDEXED BY lineage_by_denial WHERE tenant = 'acme' AND decision >= 2 ORDER BY seq);"));
    }

    [Theory]
    [InlineData(LineageDecision.Deny)]
    [InlineData(LineageDecision.ApprovalRequired)]
    public async Task QueryAsync_DecisionOtherThanAllow_IsPlannedOnThePartialIndex(LineageDecision decision)
    {
        await Open().DisposeAsync();
        var sql = SqliteLineageLog.BuildQuerySql(new LineageQuery { TenantId = "acme", Decision = decision });

        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        command.Parameters.AddWithValue("$tenant", "acme");
        command.Parameters.AddWithValue("$after", 0L);
        command.Parameters.AddWithValue("$decision", (int)decision);
        command.Parameters.AddWithValue("$limit", 100);
        var plan = new List<string>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                plan.Add(reader.GetString(3));
            }
        }

        Assert.Contains(plan, step => step.Contains("lineage_by_denial", StringComparison.Ordinal));
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

    private List<string> Indexes()
    {
        using var connection = Connect();
        return IndexesOf(connection);
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
