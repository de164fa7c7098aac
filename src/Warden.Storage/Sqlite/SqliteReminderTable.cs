using Microsoft.Data.Sqlite;
using Orleans;
using Orleans.Runtime;

namespace Warden.Storage.Sqlite;

/// <summary>
/// Orleans reminders in the embedded SQLite store (Orleans ships none for SQLite). Semantics follow Orleans'
/// own tables: upsert is unconditional and returns a fresh ETag; remove succeeds only with the current ETag;
/// ring-range reads return the rows whose grain hash lies in (begin, end], wrapping past zero when begin ≥ end.
/// </summary>
internal sealed class SqliteReminderTable : IReminderTable
{
    private const string Columns = "grain_id, reminder_name, start_at_ticks, period_ticks, etag";

    private const string ByGrainSql = $"SELECT {Columns} FROM reminders WHERE grain_id = $g;";

    private const string ByRowSql = $"SELECT {Columns} FROM reminders WHERE grain_id = $g AND reminder_name = $n;";

    private const string InRangeSql = $"SELECT {Columns} FROM reminders WHERE grain_hash > $b AND grain_hash <= $e;";

    private const string WrappedRangeSql = $"SELECT {Columns} FROM reminders WHERE grain_hash > $b OR grain_hash <= $e;";

    private const string UpsertSql =
        "INSERT INTO reminders (grain_id, reminder_name, grain_hash, start_at_ticks, period_ticks, etag) VALUES ($g, $n, $h, $s, $p, $etag) " +
        "ON CONFLICT (grain_id, reminder_name) DO UPDATE SET grain_hash = excluded.grain_hash, start_at_ticks = excluded.start_at_ticks, " +
        "period_ticks = excluded.period_ticks, etag = excluded.etag;";

    private const string RemoveSql = "DELETE FROM reminders WHERE grain_id = $g AND reminder_name = $n AND etag = $etag;";

    private const string ClearSql = "DELETE FROM reminders;";

    private readonly SqliteStore _store;

    public SqliteReminderTable(SqliteStore store) => _store = store;

    public Task Init() => _store.OpenAsync();

    public Task<ReminderTableData> ReadRows(GrainId grainId) =>
        _store.ReadAsync(connection => new ReminderTableData(Query(connection, ByGrainSql, c => c.Parameters.AddWithValue("$g", grainId.ToString()))));

    public Task<ReminderTableData> ReadRows(uint begin, uint end)
    {
        // (begin, end] on the ring; begin >= end wraps past zero, and begin == end is the whole ring.
        var sql = begin < end ? InRangeSql : WrappedRangeSql;
        return _store.ReadAsync(connection => new ReminderTableData(Query(connection, sql, c =>
        {
            c.Parameters.AddWithValue("$b", (long)begin);
            c.Parameters.AddWithValue("$e", (long)end);
        })));
    }

    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) =>
        _store.ReadAsync(connection => Query(connection, ByRowSql, c =>
        {
            c.Parameters.AddWithValue("$g", grainId.ToString());
            c.Parameters.AddWithValue("$n", reminderName);
        }).SingleOrDefault());

    public async Task<string?> UpsertRow(ReminderEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentException.ThrowIfNullOrEmpty(entry.ReminderName);
        return await _store.WriteAsync(new Upsert(entry)).ConfigureAwait(false);
    }

    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag) =>
        _store.WriteAsync(new Remove(grainId.ToString(), reminderName, eTag));

    public Task TestOnlyClearTable() => _store.WriteAsync(new ClearAll());

    private static List<ReminderEntry> Query(SqliteConnection connection, string sql, Action<SqliteCommand> bind)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command);
        using var reader = command.ExecuteReader();
        var entries = new List<ReminderEntry>();
        while (reader.Read())
        {
            entries.Add(new ReminderEntry
            {
                GrainId = GrainId.Parse(reader.GetString(0)),
                ReminderName = reader.GetString(1),
                StartAt = new DateTime(reader.GetInt64(2), DateTimeKind.Utc),
                Period = TimeSpan.FromTicks(reader.GetInt64(3)),
                ETag = reader.GetString(4),
            });
        }

        return entries;
    }

    // ETags are random, never a counter: a reminder removed and registered again must not match an ETag
    // someone still holds from before.
    private static string NewETag() => Guid.NewGuid().ToString("N");

    private sealed class Upsert(ReminderEntry entry) : WriteOperation<string>
    {
        protected override string Run(SqliteWriter writer)
        {
            var etag = NewETag();
            var command = writer.Command(UpsertSql);
            command.Parameters.AddWithValue("$g", entry.GrainId.ToString());
            command.Parameters.AddWithValue("$n", entry.ReminderName);
            command.Parameters.AddWithValue("$h", (long)entry.GrainId.GetUniformHashCode());
            command.Parameters.AddWithValue("$s", entry.StartAt.ToUniversalTime().Ticks);
            command.Parameters.AddWithValue("$p", entry.Period.Ticks);
            command.Parameters.AddWithValue("$etag", etag);
            command.ExecuteNonQuery();
            return etag;
        }
    }

    private sealed class Remove(string grainId, string reminderName, string? etag) : WriteOperation<bool>
    {
        protected override bool Run(SqliteWriter writer)
        {
            if (etag is null)
            {
                return false;
            }

            var command = writer.Command(RemoveSql);
            command.Parameters.AddWithValue("$g", grainId);
            command.Parameters.AddWithValue("$n", reminderName);
            command.Parameters.AddWithValue("$etag", etag);
            return command.ExecuteNonQuery() == 1;
        }
    }

    private sealed class ClearAll : WriteOperation<bool>
    {
        protected override bool Run(SqliteWriter writer)
        {
            writer.Command(ClearSql).ExecuteNonQuery();
            return true;
        }
    }
}
