using System.Collections.Concurrent;

namespace Warden.Grains.Revocation;

/// <summary>
/// This silo's table of revoked tenants and agents: every decision on the silo looks here at its grant gate and again
/// right before its answer leaves the session grain. Filled by <see cref="RevocationTableService"/> (one call per silo
/// from the revoking tenant or agent grain), emptied by reactivation.
/// </summary>
/// <remarks>
/// Bounded by the number of suspended/retired agents and frozen tenants: sessions never get an entry of their own
/// (a session-scope revoke persists the session's end in the one call it takes), and an entry lives until its
/// agent or tenant is reactivated.
/// </remarks>
internal sealed class RevocationTable
{
    private readonly ConcurrentDictionary<(RevocationScope Scope, string TenantId, string SubjectId), RevokedScope> _entries = new();

    // ConcurrentDictionary.IsEmpty takes every lock; the decision path reads this volatile count instead.
    private int _count;

    /// <summary>How many scopes are revoked on this silo.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Records a revoked scope; idempotent (a repeated revoke keeps the first reason).</summary>
    public void Record(RevokedScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (_entries.TryAdd(scope.Key, scope))
        {
            Interlocked.Increment(ref _count);
        }
    }

    /// <summary>Removes a scope on reactivation; idempotent.</summary>
    public void Clear(RevokedScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (_entries.TryRemove(scope.Key, out _))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    /// <summary>The revoked scope covering a session of <paramref name="agentId"/> in <paramref name="tenantId"/>, or null.</summary>
    public RevokedScope? Find(string tenantId, string agentId)
    {
        // INVARIANT: every read is a volatile read of the dictionary, so an entry recorded (and acknowledged) before a
        // revoke returned is seen by every check that starts after the acknowledgement.
        if (Volatile.Read(ref _count) == 0)
        {
            return null;
        }

        return _entries.TryGetValue((RevocationScope.Tenant, tenantId, tenantId), out var tenant) ? tenant
            : _entries.TryGetValue((RevocationScope.Agent, tenantId, agentId), out var agent) ? agent
            : null;
    }
}
