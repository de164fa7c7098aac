using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Warden.Storage.Sqlite;

/// <summary>
/// Orleans grain storage in the embedded SQLite store. One row per (provider, grain type, grain key, state name);
/// the ETag is the row's version, which only grows, so a stale ETag can never match again.
/// </summary>
/// <remarks>
/// Clear keeps a tombstone (NULL payload, next version) rather than deleting the row: a writer still holding an
/// ETag from before the clear, or none at all, then loses the race as Orleans expects
/// (<see cref="InconsistentStateException"/>) instead of silently resurrecting the state.
/// </remarks>
internal sealed class SqliteGrainStorage : IGrainStorage
{
    private const string ReadSql =
        "SELECT version, payload FROM grain_state WHERE provider = $p AND grain_type = $t AND grain_key = $k AND state_name = $s;";

    private const string InsertSql =
        "INSERT INTO grain_state (provider, grain_type, grain_key, state_name, version, payload) VALUES ($p, $t, $k, $s, 1, $d) " +
        "ON CONFLICT DO NOTHING;";

    private const string UpdateSql =
        "UPDATE grain_state SET version = version + 1, payload = $d " +
        "WHERE provider = $p AND grain_type = $t AND grain_key = $k AND state_name = $s AND version = $v RETURNING version;";

    private const string VersionSql =
        "SELECT version FROM grain_state WHERE provider = $p AND grain_type = $t AND grain_key = $k AND state_name = $s;";

    private readonly string _name;
    private readonly SqliteStore _store;
    private readonly IGrainStorageSerializer _serializer;
    private readonly IActivatorProvider _activators;
    private readonly ILogger<SqliteGrainStorage> _logger;

    public SqliteGrainStorage(
        string name,
        SqliteStore store,
        IGrainStorageSerializer serializer,
        IActivatorProvider activators,
        ILogger<SqliteGrainStorage> logger)
    {
        _name = name;
        _store = store;
        _serializer = serializer;
        _activators = activators;
        _logger = logger;
    }

    /// <summary>The serializer this provider writes state with.</summary>
    internal IGrainStorageSerializer Serializer => _serializer;

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = new StateKey(_name, grainId, stateName);
        var (version, payload) = await _store.ReadAsync(connection => ReadRow(connection, key)).ConfigureAwait(false);
        if (version is null)
        {
            grainState.State = _activators.GetActivator<T>().Create();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        grainState.State = payload is null ? _activators.GetActivator<T>().Create() : Deserialize<T>(payload, key);
        grainState.ETag = ToETag(version.Value);
        grainState.RecordExists = payload is not null;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = new StateKey(_name, grainId, stateName);
        var payload = _serializer.Serialize(grainState.State).ToArray();
        var expected = ParseETag(grainState.ETag, key);
        var outcome = await _store.WriteAsync(new PutState(key, expected, payload)).ConfigureAwait(false);
        ThrowIfConflict(outcome, grainState.ETag, key, nameof(WriteStateAsync));
        grainState.ETag = ToETag(outcome.Version);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = new StateKey(_name, grainId, stateName);
        var expected = ParseETag(grainState.ETag, key);
        var outcome = await _store.WriteAsync(new PutState(key, expected, payload: null)).ConfigureAwait(false);
        ThrowIfConflict(outcome, grainState.ETag, key, nameof(ClearStateAsync));
        grainState.ETag = outcome.Version == 0 ? null : ToETag(outcome.Version);
        grainState.RecordExists = false;
    }

    private static (long? Version, byte[]? Payload) ReadRow(SqliteConnection connection, StateKey key)
    {
        using var command = connection.CreateCommand();
        command.CommandText = ReadSql;
        key.Bind(command);
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return (null, null);
        }

        return (reader.GetInt64(0), reader.IsDBNull(1) ? null : (byte[])reader.GetValue(1));
    }

    private T Deserialize<T>(byte[] payload, StateKey key)
    {
        try
        {
            return _serializer.Deserialize<T>(new BinaryData(payload)) ?? _activators.GetActivator<T>().Create();
        }
        catch (Exception e)
        {
            // Fail closed: an activation must not run on a default state when the stored one cannot be read.
            throw new EmbeddedStorageException(
                $"Stored state {key} cannot be deserialized as {typeof(T).Name} with {_serializer.GetType().Name}; " +
                "the grain was not activated and the row was left as it is.", e);
        }
    }

    private void ThrowIfConflict(PutOutcome outcome, string? etag, StateKey key, string operation)
    {
        if (outcome.Succeeded)
        {
            return;
        }

        var stored = outcome.StoredVersion is { } v ? ToETag(v) : null;
        SqliteStoreLog.Conflict(_logger, _name, key.StateName, key.GrainId, etag, stored);
        throw new InconsistentStateException(
            $"Version conflict ({operation}): provider {_name}, state {key.StateName}, grain {key.GrainId}: " +
            $"ETag {etag ?? "(none)"} does not match the stored {stored ?? "(none)"}.",
            stored,
            etag);
    }

    private static string ToETag(long version) => version.ToString(CultureInfo.InvariantCulture);

    private static long? ParseETag(string? etag, StateKey key)
    {
        if (etag is null)
        {
            return null;
        }

        if (long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version > 0)
        {
            return version;
        }

        // Not an ETag this provider issued: it cannot match any stored version.
        throw new InconsistentStateException(
            $"ETag '{etag}' for {key} was not issued by the embedded store.", null, etag);
    }

    /// <summary>What a write or clear achieved: the new version, or the stored one it lost to.</summary>
    private readonly record struct PutOutcome(bool Succeeded, long Version, long? StoredVersion);

    /// <summary>Identifies one grain state row.</summary>
    private sealed record StateKey(string Provider, string GrainType, string GrainKey, string StateName)
    {
        public StateKey(string provider, GrainId grainId, string stateName)
            : this(provider, grainId.Type.ToString()!, grainId.Key.ToString()!, stateName)
        {
        }

        public string GrainId => GrainType + "/" + GrainKey;

        public void Bind(SqliteCommand command)
        {
            command.Parameters.AddWithValue("$p", Provider);
            command.Parameters.AddWithValue("$t", GrainType);
            command.Parameters.AddWithValue("$k", GrainKey);
            command.Parameters.AddWithValue("$s", StateName);
        }

        public override string ToString() => $"{Provider}/{StateName} of {GrainId}";
    }

    /// <summary>
    /// Writes (payload) or clears (no payload) one state if <see cref="Expected"/> is still the stored version;
    /// no expected version means the caller believes there is no row.
    /// </summary>
    private sealed class PutState(StateKey key, long? expected, byte[]? payload) : WriteOperation<PutOutcome>
    {
        public StateKey Key { get; } = key;

        public long? Expected { get; } = expected;

        protected override PutOutcome Run(SqliteWriter writer)
        {
            if (Expected is null)
            {
                if (payload is null)
                {
                    // Clearing what the caller never saw: fine while there is indeed nothing.
                    var current = StoredVersion(writer);
                    return current is null ? new PutOutcome(true, 0, null) : new PutOutcome(false, 0, current);
                }

                var insert = writer.Command(InsertSql);
                Key.Bind(insert);
                insert.Parameters.AddWithValue("$d", payload);
                return insert.ExecuteNonQuery() == 1 ? new PutOutcome(true, 1, null) : new PutOutcome(false, 0, StoredVersion(writer));
            }

            var update = writer.Command(UpdateSql);
            Key.Bind(update);
            update.Parameters.AddWithValue("$d", (object?)payload ?? DBNull.Value);
            update.Parameters.AddWithValue("$v", Expected.Value);
            var result = update.ExecuteScalar();
            return result is long version ? new PutOutcome(true, version, null) : new PutOutcome(false, 0, StoredVersion(writer));
        }

        private long? StoredVersion(SqliteWriter writer)
        {
            var select = writer.Command(VersionSql);
            Key.Bind(select);
            return select.ExecuteScalar() is long version ? version : null;
        }
    }
}
