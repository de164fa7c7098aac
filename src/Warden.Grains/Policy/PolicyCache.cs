using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Warden.Grains.Diagnostics;
using Warden.Grains.Tenants;

namespace Warden.Grains.Policy;

/// <summary>
/// The compiled policy sets of this silo, by (tenant, version). A session asks once when it starts or adopts a
/// version and then holds the compiled set itself, so no evaluation compiles or fetches anything; sessions of one
/// tenant on one silo share one compilation. Versions are immutable, so a cached entry never goes stale; older
/// versions of a tenant are dropped when a newer one arrives.
/// </summary>
internal sealed class PolicyCache(IGrainFactory grains, ILogger<PolicyCache> logger)
{
    private readonly ConcurrentDictionary<(string Tenant, long Version), Lazy<Task<TenantPolicy>>> _entries = new();

    /// <summary>The compiled set of <paramref name="version"/> or a newer one (never an older one).</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="version">The version wanted (≥ 1).</param>
    /// <exception cref="InvalidOperationException">The tenant has no such version, or it does not compile here.</exception>
    public async Task<TenantPolicy> GetAsync(string tenantId, long version)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        var key = (tenantId, version);
        var entry = _entries.GetOrAdd(key, k => new Lazy<Task<TenantPolicy>>(() => LoadAsync(k.Tenant, k.Version)));
        try
        {
            return await entry.Value;
        }
        catch
        {
            // A failed load is not cached: the next session asks again.
            _entries.TryRemove(new KeyValuePair<(string, long), Lazy<Task<TenantPolicy>>>(key, entry));
            throw;
        }
    }

    /// <summary>Adds a set compiled elsewhere on this silo (the tenant grain compiles on publish).</summary>
    /// <param name="policy">The compiled set.</param>
    public void Put(TenantPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        _entries[(policy.TenantId, policy.Version)] = new Lazy<Task<TenantPolicy>>(Task.FromResult(policy));
        Evict(policy.TenantId, policy.Version);
    }

    private async Task<TenantPolicy> LoadAsync(string tenantId, long version)
    {
        var record = await grains.GetGrain<ITenantControl>(tenantId).GetPolicyRecordAsync()
            ?? throw new InvalidOperationException($"Tenant {tenantId} has no published policy set.");
        if (record.Version < version)
        {
            throw new InvalidOperationException($"Tenant {tenantId} has policy version {record.Version}, older than the {version} asked for.");
        }

        // The tenant may have moved on since the caller learned the version: a newer set is always acceptable.
        var compiled = TenantPolicy.Compile(tenantId, record.Version, record.Policies, record.Schema, record.Entities);
        var policy = compiled.Policy
            ?? throw new InvalidOperationException($"Policy version {record.Version} of tenant {tenantId} does not compile: {string.Join("; ", compiled.Problems.Select(p => p.Description))}");
        WardenLog.PolicyCompiled(logger, tenantId, policy.Version);
        if (policy.Version != version)
        {
            _entries.TryAdd((tenantId, policy.Version), new Lazy<Task<TenantPolicy>>(Task.FromResult(policy)));
        }

        Evict(tenantId, policy.Version);
        return policy;
    }

    private void Evict(string tenantId, long newest)
    {
        // Keep the newest two versions: sessions adopting during a publish may still hold the previous one.
        foreach (var key in _entries.Keys)
        {
            if (key.Tenant == tenantId && key.Version < newest - 1)
            {
                _entries.TryRemove(key, out _);
            }
        }
    }
}
