using Warden.Agents;
using Warden.Lineage.Query;
using Warden.Lineage.Records;
using Warden.Tenants;
using static Warden.Grains.Tests.Cluster.Scenario;

namespace Warden.Grains.Tests.Journal;

/// <summary>
/// Issue 4: revocations appear on the lineage stream (who, which scope, why, when it took effect). In durable lineage
/// mode an agent suspension or a tenant freeze answers its receipt only once its scope's records are in the log, so
/// a crash right after the receipt cannot lose them.
/// </summary>
[Collection(JournalClusterCollection.Name)]
public sealed class RevocationLineageTests(JournalClusterFixture fixture)
{
    [Fact]
    public async Task SuspendAgent_DurableLineage_ReceiptWaitsForTheScopeRecords()
    {
        var (tenant, _) = await JournalScenario.OpenAsync(fixture.Client);
        var agent = fixture.Client.GetGrain<IAgentGrain>(WardenIds.AgentKey(tenant, "bot"));

        var receipt = await RevokeWhileHeldAsync(tenant, LineageEventKind.AgentSuspended, () => agent.SuspendAsync(new StatusChange("leaked token", Admin)));

        var suspended = Assert.Single(await RecordsAsync(tenant, LineageEventKind.AgentSuspended));
        Assert.Equal("bot", suspended.AgentId);
        Assert.Equal(Admin.ToString(), suspended.Actor);
        Assert.Equal(["leaked token"], suspended.Reasons.ToArray());
        Assert.Equal(receipt.EffectiveAt, suspended.OccurredAt);
        var revocation = Assert.Single(await RecordsAsync(tenant, LineageEventKind.Revocation), e => e.Revocation!.Scope == Warden.Lineage.Records.RevocationScope.Agent && e.Revocation.TargetId == "bot");
        Assert.Equal(Admin.ToString(), revocation.Revocation!.RevokedBy);
        Assert.Equal("bot", revocation.Revocation.TargetId);
        Assert.Equal("leaked token", revocation.Revocation.Reason);
        Assert.Equal(receipt.EffectiveAt, revocation.Revocation.EffectiveAt);
        Assert.Equal(receipt.RevokedBy, revocation.Revocation.RevokedBy);
    }

    [Fact]
    public async Task FreezeTenant_DurableLineage_ReceiptWaitsForTheScopeRecords()
    {
        var (tenant, _) = await JournalScenario.OpenAsync(fixture.Client);
        var tenantGrain = fixture.Client.GetGrain<ITenantGrain>(tenant);

        var receipt = await RevokeWhileHeldAsync(tenant, LineageEventKind.TenantFrozen, () => tenantGrain.FreezeAsync(new StatusChange("breach", Admin)));

        var frozen = Assert.Single(await RecordsAsync(tenant, LineageEventKind.TenantFrozen));
        Assert.Equal(["breach"], frozen.Reasons.ToArray());
        Assert.Equal(Admin.ToString(), frozen.Actor);
        Assert.Equal(receipt.EffectiveAt, frozen.OccurredAt);
        var revocation = Assert.Single(await RecordsAsync(tenant, LineageEventKind.Revocation), e => e.Revocation!.Scope == Warden.Lineage.Records.RevocationScope.Tenant && e.Revocation.TargetId == tenant);
        Assert.Equal(Admin.ToString(), revocation.Revocation!.RevokedBy);
        Assert.Equal(tenant, revocation.Revocation.TargetId);
        Assert.Equal("breach", revocation.Revocation.Reason);
        Assert.Equal(receipt.EffectiveAt, revocation.Revocation.EffectiveAt);
    }

    /// <summary>
    /// Holds the log's append of the scope's status record, starts the revoke, and checks that no receipt comes while the
    /// record is held back (it must not exist without its record); then lets the append through and returns the receipt.
    /// </summary>
    private async Task<RevocationReceipt> RevokeWhileHeldAsync(string tenant, LineageEventKind kind, Func<Task<Outcome<RevocationReceipt>>> revoke)
    {
        var held = fixture.Log.Hold(tenant, r => r.Event.Kind == kind);
        try
        {
            var call = revoke();
            await held.Arrived.WaitAsync(TimeSpan.FromMinutes(1));

            // A receipt answered before its records (the broken order) arrives within moments of the append starting;
            // the right order never answers while the append is held, however slow the machine.
            var answered = await Task.WhenAny(call, Task.Delay(TimeSpan.FromSeconds(2))) == call;
            Assert.False(answered, "the receipt was answered before the revocation's lineage records were in the log");
            held.Release();
            return Ok(await call);
        }
        finally
        {
            held.Release();
        }
    }

    private async Task<List<LineageEvent>> RecordsAsync(string tenant, LineageEventKind kind)
    {
        var records = new List<LineageEvent>();
        await foreach (var record in fixture.Log.QueryAsync(new LineageQuery { TenantId = tenant, Kind = kind }))
        {
            records.Add(record.Event);
        }

        return records;
    }
}
