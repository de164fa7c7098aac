using Microsoft.Data.Sqlite;

namespace Warden.Storage.Sqlite;

/// <summary>
/// The store's single write connection with its current transaction and prepared statements.
/// Used only by the writer thread.
/// </summary>
internal sealed class SqliteWriter : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private SqliteTransaction? _transaction;

    public SqliteWriter(SqliteConnection connection) => Connection = connection;

    public SqliteConnection Connection { get; }

    /// <summary>A prepared command for <paramref name="sql"/>, enlisted in the current transaction, parameters cleared.</summary>
    public SqliteCommand Command(string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = Connection.CreateCommand();
            command.CommandText = sql;
            _commands.Add(sql, command);
        }

        command.Transaction = _transaction;
        command.Parameters.Clear();
        return command;
    }

    public void Begin() => _transaction = Connection.BeginTransaction(deferred: false);

    public void Commit()
    {
        _transaction!.Commit();
        EndTransaction();
    }

    public void Rollback()
    {
        try
        {
            _transaction?.Rollback();
        }
        catch (SqliteException)
        {
            // SQLite may already have rolled back on its own (I/O error, disk full): nothing left to undo.
        }
        finally
        {
            EndTransaction();
        }
    }

    public void Dispose()
    {
        EndTransaction();
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
        Connection.Dispose();
    }

    private void EndTransaction()
    {
        _transaction?.Dispose();
        _transaction = null;
    }
}
