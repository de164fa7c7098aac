using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Warden.Storage.Sqlite;

/// <summary>
/// The embedded database's schema: grain state and reminders in one file, stamped with Warden's application id
/// and a schema version so Warden never writes into a database it does not understand.
/// </summary>
internal static class SqliteSchema
{
    /// <summary>"WARD": marks the file as Warden's (<c>PRAGMA application_id</c>).</summary>
    public const int ApplicationId = 0x57415244;

    /// <summary>The schema version this build writes and reads (<c>PRAGMA user_version</c>).</summary>
    public const int Version = 1;

    // Grain state: one row per (provider, grain type, grain key, state name). A NULL payload is a cleared state
    // (tombstone) that keeps its version, so a version, and with it an ETag, is never issued twice for one key.
    // Reminders: one row per (grain, reminder name); grain_hash is GrainId.GetUniformHashCode() for ring-range reads.
    private const string CreateStatements = """
        CREATE TABLE IF NOT EXISTS grain_state (
            provider   TEXT    NOT NULL,
            grain_type TEXT    NOT NULL,
            grain_key  TEXT    NOT NULL,
            state_name TEXT    NOT NULL,
            version    INTEGER NOT NULL,
            payload    BLOB    NULL,
            PRIMARY KEY (provider, grain_type, grain_key, state_name)
        );
        CREATE TABLE IF NOT EXISTS reminders (
            grain_id       TEXT    NOT NULL,
            reminder_name  TEXT    NOT NULL,
            grain_hash     INTEGER NOT NULL,
            start_at_ticks INTEGER NOT NULL,
            period_ticks   INTEGER NOT NULL,
            etag           TEXT    NOT NULL,
            PRIMARY KEY (grain_id, reminder_name)
        );
        CREATE INDEX IF NOT EXISTS reminders_by_hash ON reminders (grain_hash);
        """;

    private static readonly string[] OwnObjects =
        ["grain_state", "reminders", "reminders_by_hash", "sqlite_autoindex_grain_state_1", "sqlite_autoindex_reminders_1"];

    /// <summary>
    /// Refuses a database that belongs to another program or to a newer Warden. Reads only.
    /// </summary>
    /// <returns>Whether the schema still has to be created.</returns>
    public static bool Inspect(SqliteConnection connection, string databasePath)
    {
        var applicationId = Scalar(connection, "PRAGMA application_id;");
        var version = Scalar(connection, "PRAGMA user_version;");
        if (applicationId != 0 && applicationId != ApplicationId)
        {
            throw new EmbeddedStorageException(
                $"'{databasePath}' is a SQLite database of another application (application_id {applicationId}), not Warden's. " +
                "Point the data directory elsewhere; the file was not changed.");
        }

        if (version > Version)
        {
            throw new EmbeddedStorageException(
                $"'{databasePath}' has schema version {version}, newer than this Warden understands ({Version}). " +
                "Run the Warden version that wrote it; the file was not changed.");
        }

        if (applicationId == 0 && HasForeignObjects(connection))
        {
            throw new EmbeddedStorageException(
                $"'{databasePath}' already holds tables that are not Warden's. Point the data directory elsewhere; the file was not changed.");
        }

        return version < Version;
    }

    /// <summary>Creates the schema and stamps the file as Warden's.</summary>
    public static void Create(SqliteConnection connection)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        Execute(connection, transaction, CreateStatements);
        Execute(connection, transaction, string.Create(CultureInfo.InvariantCulture, $"PRAGMA application_id = {ApplicationId};"));
        Execute(connection, transaction, string.Create(CultureInfo.InvariantCulture, $"PRAGMA user_version = {Version};"));
        transaction.Commit();
    }

    private static bool HasForeignObjects(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_schema;";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            if (Array.IndexOf(OwnObjects, reader.GetString(0)) < 0)
            {
                return true;
            }
        }

        return false;
    }

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
