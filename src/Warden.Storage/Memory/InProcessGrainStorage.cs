using System.Collections.Concurrent;
using System.Globalization;
using Orleans.Runtime;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Warden.Storage.Memory;

/// <summary>
/// Grain storage of the memory-only mode: each state serialized into a dictionary of this process, with the same
/// ETag contract as the embedded store (a version that only grows; a stale or missing ETag loses with
/// <see cref="InconsistentStateException"/>; a clear leaves a tombstone).
/// </summary>
/// <remarks>
/// Orleans' <c>MemoryGrainStorage</c> keeps state in storage grains spread over the cluster, so every write is a grain
/// call with a deep copy of the payload (17 % of the host's CPU under the load generator's unary run, memory mode,
/// against 5 % for serializing the state itself). The memory mode always runs a single silo (localhost clustering,
/// <see cref="Hosting.WardenStorageSiloBuilderExtensions"/>), so the state can live in the silo's own process: it is
/// lost on restart either way. The state is stored serialized, never by reference, so a grain that mutates its state
/// object after a write cannot change what was written.
/// </remarks>
internal sealed class InProcessGrainStorage(IGrainStorageSerializer serializer, IActivatorProvider activators) : IGrainStorage
{
    private readonly ConcurrentDictionary<StateKey, Entry> _states = new();

    /// <summary>The serializer this provider writes state with.</summary>
    internal IGrainStorageSerializer Serializer => serializer;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        if (!_states.TryGetValue(new StateKey(stateName, grainId), out var entry))
        {
            grainState.State = activators.GetActivator<T>().Create();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return Task.CompletedTask;
        }

        grainState.State = entry.Payload is null
            ? activators.GetActivator<T>().Create()
            : serializer.Deserialize<T>(entry.Payload) ?? activators.GetActivator<T>().Create();
        grainState.ETag = entry.ETag;
        grainState.RecordExists = entry.Payload is not null;
        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var written = Put(new StateKey(stateName, grainId), grainState.ETag, serializer.Serialize(grainState.State), nameof(WriteStateAsync));
        grainState.ETag = written.ETag;
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var key = new StateKey(stateName, grainId);
        if (grainState.ETag is null && !_states.ContainsKey(key))
        {
            // Clearing what was never written: nothing to keep a tombstone of.
            grainState.RecordExists = false;
            return Task.CompletedTask;
        }

        var cleared = Put(key, grainState.ETag, payload: null, nameof(ClearStateAsync));
        grainState.ETag = cleared.ETag;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    private Entry Put(StateKey key, string? etag, BinaryData? payload, string operation)
    {
        // INVARIANT: a compare-and-swap on the entry the caller's ETag names, so two writers holding the same ETag
        // cannot both win (a grain writes one at a time, but a stale activation may still be finishing a write).
        while (true)
        {
            if (_states.TryGetValue(key, out var stored))
            {
                if (!string.Equals(stored.ETag, etag, StringComparison.Ordinal))
                {
                    throw Conflict(key, operation, etag, stored.ETag);
                }

                var next = new Entry(stored.Version + 1, payload);
                if (_states.TryUpdate(key, next, stored))
                {
                    return next;
                }
            }
            else
            {
                if (etag is not null)
                {
                    throw Conflict(key, operation, etag, stored: null);
                }

                var first = new Entry(1, payload);
                if (_states.TryAdd(key, first))
                {
                    return first;
                }
            }
        }
    }

    private static InconsistentStateException Conflict(StateKey key, string operation, string? etag, string? stored) =>
        new($"Version conflict ({operation}): state {key.StateName} of grain {key.GrainId}: ETag {etag ?? "(none)"} does not match the stored {stored ?? "(none)"}.", stored, etag);

    private readonly record struct StateKey(string StateName, GrainId GrainId);

    /// <summary>One stored version; a reference type, so the compare-and-swap compares identities, not contents.</summary>
    private sealed class Entry(long version, BinaryData? payload)
    {
        public long Version { get; } = version;

        public BinaryData? Payload { get; } = payload;

        public string ETag { get; } = version.ToString(CultureInfo.InvariantCulture);
    }
}
