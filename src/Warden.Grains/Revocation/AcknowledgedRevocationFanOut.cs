using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Warden.Grains.Options;

namespace Warden.Grains.Revocation;

/// <summary>
/// One awaited call per silo to its <see cref="IRevocationTableService"/>, in parallel, each retried
/// <see cref="SessionOptions.FanOutAttempts"/> times, over the silos the membership table lists as active.
/// </summary>
internal sealed partial class AcknowledgedRevocationFanOut(
    IClusterMembershipService membership,
    IServiceProvider services,
    RevocationTableClient silos,
    IOptions<SessionOptions> options,
    ILogger<AcknowledgedRevocationFanOut> logger) : IRevocationFanOut
{
    private readonly int _attempts = options.Value.FanOutAttempts;

    // The membership table itself (the storage Orleans' membership reads), when the silo has one: reading it directly
    // is the same fresh read as IClusterMembershipService.Refresh without the snapshot processing that comes with it.
    private readonly IMembershipTable? _table = services.GetService<IMembershipTable>();

    /// <inheritdoc/>
    public Task<SiloFanOut> RecordAsync(RevokedScope scope) => RunAsync(scope, "record", silo => silos.On(silo).RecordAsync(scope));

    /// <inheritdoc/>
    public Task<SiloFanOut> ClearAsync(RevokedScope scope) => RunAsync(scope, "clear", silo => silos.On(silo).ClearAsync(scope));

    /// <inheritdoc/>
    public Task<SiloFanOut> ForgetCredentialsAsync(string tenantId, string agentId) =>
        RunAsync(RevokedScope.Agent(tenantId, agentId, "credential rotated"), "credential rotation", silo => silos.On(silo).ForgetCredentialsAsync(tenantId, agentId));

    private async Task<SiloFanOut> RunAsync(RevokedScope scope, string operation, Func<SiloAddress, Task> call)
    {
        // The silos this silo already knows are called at once, while the membership table is read: the read is no longer
        // in series with the calls. Only a silo the read adds (joined meanwhile) is called after it.
        var calls = new Dictionary<SiloAddress, Task<Reach>>();
        foreach (var silo in Targets())
        {
            calls[silo] = ReachAsync(scope, operation, silo, call);
        }

        // INVARIANT: the silo list that must acknowledge is read from the membership table after the tenant's/agent's
        // status was persisted (the caller persisted it before calling). A silo missing from it becomes active (and hosts
        // its first session) only later, so every session activating there reads the new status on activation; every
        // silo in it acknowledges below (by the early call or a new one), or is declared dead.
        var targets = await ReadTargetsAsync();
        foreach (var silo in targets.Where(s => !calls.ContainsKey(s)))
        {
            calls[silo] = ReachAsync(scope, operation, silo, call);
        }

        // An early call to a silo the table no longer lists as active (declared dead meanwhile) does not count either way,
        // as before: such a silo was not consulted.
        var outcomes = await Task.WhenAll(targets.Select(silo => calls[silo]));
        var failed = targets.Where((_, i) => outcomes[i] == Reach.Failed).ToList();
        if (failed.Count > 0)
        {
            throw new RevocationFanOutException(
                $"{failed.Count} of {targets.Count} silos did not acknowledge the {operation} of {scope.Scope} {scope.SubjectId} in tenant {scope.TenantId}: {string.Join(", ", failed)}");
        }

        return new SiloFanOut(
            [.. targets.Where((_, i) => outcomes[i] == Reach.Acknowledged)],
            [.. targets.Where((_, i) => outcomes[i] == Reach.Lost)]);
    }

    /// <summary>The silos the membership table lists as active, shutting down or stopping, read now (not cached).</summary>
    private async Task<List<SiloAddress>> ReadTargetsAsync()
    {
        if (_table is null)
        {
            await membership.Refresh();
            return Targets();
        }

        var data = await _table.ReadAllAsync(CancellationToken.None);
        return [.. data.Members
            .Select(m => m.Item1)
            .Where(m => m.Status is SiloStatus.Active or SiloStatus.ShuttingDown or SiloStatus.Stopping)
            .Select(m => m.SiloAddress)];
    }

    /// <summary>The silos this silo's current membership view lists as active, shutting down or stopping.</summary>
    private List<SiloAddress> Targets() =>
        [.. membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status is SiloStatus.Active or SiloStatus.ShuttingDown or SiloStatus.Stopping)
            .Select(m => m.SiloAddress)];

    private async Task<Reach> ReachAsync(RevokedScope scope, string operation, SiloAddress silo, Func<SiloAddress, Task> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await call(silo);
                return Reach.Acknowledged;
            }
            catch (Exception ex)
            {
                SiloFailed(logger, ex, operation, scope.Scope, scope.TenantId, scope.SubjectId, silo.ToString(), attempt);
                if (await IsDeadAsync(silo))
                {
                    // Its activations are gone: its sessions come back elsewhere from storage and re-check the status on
                    // activation. The caller still ends the scope's sessions durably (a declared-dead silo may not know yet).
                    return Reach.Lost;
                }

                if (attempt >= _attempts)
                {
                    return Reach.Failed;
                }
            }
        }
    }

    private async Task<bool> IsDeadAsync(SiloAddress silo)
    {
        try
        {
            await membership.Refresh();
        }
        catch (Exception ex)
        {
            SiloFailed(logger, ex, "membership refresh", RevocationScope.Session, string.Empty, string.Empty, silo.ToString(), 0);
            return false;
        }

        return membership.CurrentSnapshot.GetSiloStatus(silo) == SiloStatus.Dead;
    }

    [LoggerMessage(EventId = 7101, EventName = "RevocationSiloFailed", Level = LogLevel.Warning, Message = "Revocation {Operation} of {Scope} {SubjectId} in tenant {TenantId}: silo {Silo} did not acknowledge (attempt {Attempt})")]
    private static partial void SiloFailed(ILogger logger, Exception exception, string operation, RevocationScope scope, string tenantId, string subjectId, string silo, int attempt);

    private enum Reach
    {
        Acknowledged,
        Lost,
        Failed,
    }
}
