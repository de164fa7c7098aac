using System.Collections.Immutable;
using Orleans.Core;
using Orleans.Storage;

namespace Warden.Grains.Agents;

/// <summary>
/// An agent's registry of live sessions, persisted in <see cref="BucketCount"/> buckets by a stable hash of the session
/// id, so opening or ending a session writes one small bucket instead of the agent's whole list. With one list, every
/// open serialized and wrote every live session of the agent (2.6 ms of host CPU per open at 500 sessions an agent,
/// growing with the count: see docs/benchmarks.md, branch <c>engine3</c>).
/// </summary>
/// <remarks>
/// Which buckets may hold entries is a bit set kept in the agent's own state (<see cref="AgentState.RegistryBuckets"/>),
/// so an activation reads only those. INVARIANT: a bucket's bit is persisted before the bucket's first entry is, so no
/// persisted entry is ever in a bucket that the next activation does not read.
/// </remarks>
internal sealed class LiveSessionRegistry
{
    /// <summary>Buckets per agent (one bit each in <see cref="AgentState.RegistryBuckets"/>).</summary>
    public const int BucketCount = 64;

    private readonly IGrainContext _grain;
    private readonly IGrainStorage _storage;
    private readonly StateStorageBridge<LiveSessionBucket>?[] _buckets = new StateStorageBridge<LiveSessionBucket>?[BucketCount];
    private int _count;

    private LiveSessionRegistry(IGrainContext grain, IGrainStorage storage)
    {
        _grain = grain;
        _storage = storage;
    }

    /// <summary>Sessions in the registry (expired ones included until pruned).</summary>
    public int Count => _count;

    /// <summary>True when no session is registered.</summary>
    public bool IsEmpty => _count == 0;

    /// <summary>Every registered session.</summary>
    public IEnumerable<LiveSession> All
    {
        get
        {
            foreach (var bucket in _buckets)
            {
                if (bucket is null)
                {
                    continue;
                }

                foreach (var session in bucket.State.Sessions)
                {
                    yield return session;
                }
            }
        }
    }

    /// <summary>Reads the buckets named by <paramref name="occupied"/>.</summary>
    public static async Task<LiveSessionRegistry> LoadAsync(IGrainContext grain, IGrainStorage storage, ulong occupied)
    {
        var registry = new LiveSessionRegistry(grain, storage);
        var reads = new List<Task>();
        for (var i = 0; i < BucketCount; i++)
        {
            if ((occupied & (1UL << i)) != 0)
            {
                reads.Add(registry.OpenAsync(i));
            }
        }

        await Task.WhenAll(reads);
        return registry;
    }

    /// <summary>The bucket of a session id: FNV-1a over its characters (stable across processes, unlike string hashes).</summary>
    public static int BucketOf(string sessionId)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        var hash = 2166136261u;
        foreach (var c in sessionId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % BucketCount);
    }

    /// <summary>The bit of <paramref name="sessionId"/>'s bucket in <see cref="AgentState.RegistryBuckets"/>.</summary>
    public static ulong BitOf(string sessionId) => 1UL << BucketOf(sessionId);

    /// <summary>True when <paramref name="sessionId"/> is registered.</summary>
    public bool Contains(string sessionId) =>
        _buckets[BucketOf(sessionId)] is { } bucket && bucket.State.Sessions.Any(s => s.SessionId == sessionId);

    /// <summary>
    /// Adds <paramref name="session"/> and persists its bucket, dropping that bucket's entries that expired before
    /// <paramref name="pruneBefore"/>. The caller has persisted the bucket's bit first.
    /// </summary>
    public async Task AddAsync(LiveSession session, DateTimeOffset pruneBefore)
    {
        ArgumentNullException.ThrowIfNull(session);
        var bucket = await OpenAsync(BucketOf(session.SessionId));
        var sessions = bucket.State.Sessions;
        await ReplaceAsync(bucket, sessions.RemoveAll(s => s.ExpiresAt < pruneBefore).Add(session));
    }

    /// <summary>Removes the given sessions and persists every bucket that changed.</summary>
    public async Task RemoveAsync(IReadOnlyCollection<string> sessionIds)
    {
        ArgumentNullException.ThrowIfNull(sessionIds);
        var byBucket = sessionIds.GroupBy(BucketOf);
        var writes = new List<Task>();
        foreach (var group in byBucket)
        {
            if (_buckets[group.Key] is not { } bucket)
            {
                continue;
            }

            var remove = group.ToHashSet(StringComparer.Ordinal);
            var kept = bucket.State.Sessions.RemoveAll(s => remove.Contains(s.SessionId));
            if (kept.Length != bucket.State.Sessions.Length)
            {
                writes.Add(ReplaceAsync(bucket, kept));
            }
        }

        await Task.WhenAll(writes);
    }

    /// <summary>Moves entries of the former single list into their buckets (their bits are persisted afterwards by the caller).</summary>
    public async Task ImportAsync(ImmutableArray<LiveSession> sessions)
    {
        var writes = new List<Task>();
        foreach (var group in sessions.GroupBy(s => BucketOf(s.SessionId)))
        {
            var bucket = await OpenAsync(group.Key);
            var known = bucket.State.Sessions.Select(s => s.SessionId).ToHashSet(StringComparer.Ordinal);
            writes.Add(ReplaceAsync(bucket, bucket.State.Sessions.AddRange(group.Where(s => !known.Contains(s.SessionId)))));
        }

        await Task.WhenAll(writes);
    }

    /// <summary>The loaded bucket <paramref name="index"/>; read from storage on first use so its ETag is known.</summary>
    private async Task<StateStorageBridge<LiveSessionBucket>> OpenAsync(int index)
    {
        if (_buckets[index] is { } open)
        {
            return open;
        }

        var bucket = new StateStorageBridge<LiveSessionBucket>(StateName(index), _grain, _storage);
        await bucket.ReadStateAsync();
        if (bucket.State is null || bucket.State.Sessions.IsDefault)
        {
            bucket.State = new LiveSessionBucket();
        }

        if (_buckets[index] is { } raced)
        {
            // Two first uses of one bucket in one turn-interleaving: keep the first (its ETag is as good).
            return raced;
        }

        _buckets[index] = bucket;
        _count += bucket.State.Sessions.Length;
        return bucket;
    }

    private async Task ReplaceAsync(StateStorageBridge<LiveSessionBucket> bucket, ImmutableArray<LiveSession> sessions)
    {
        var before = bucket.State;
        bucket.State = new LiveSessionBucket { Sessions = sessions };
        try
        {
            await bucket.WriteStateAsync();
        }
        catch
        {
            // Not persisted: the in-memory view stays what storage holds (the grain deactivates on the failure anyway).
            bucket.State = before;
            throw;
        }

        _count += sessions.Length - before.Sessions.Length;
    }

    private static string StateName(int index) => $"{Hosting.GrainTypes.StateNames.Agent}-live-{index:D2}";
}
