using Warden.Events;
using Warden.Grains.Tests.Cluster;
using static Warden.Grains.Tests.Cluster.Scenario;

namespace Warden.Grains.Tests.KillSwitch;

/// <summary>Revocations on the tenant stream (the lineage feed): who, which scope, why, and when it took effect.</summary>
[Collection(WardenClusterCollection.Name)]
public sealed class RevocationEventTests(WardenClusterFixture fixture)
{
    [Fact]
    public async Task Revoke_EachScope_SubscriberSeesRevocationCompletedWithWhoScopeWhyAndWhen()
    {
        var tenantId = await fixture.NewTenantAsync();
        await fixture.NewAgentAsync(tenantId, "bot");
        var first = await fixture.OpenAsync(tenantId, "bot");
        await fixture.OpenAsync(tenantId, "bot");
        await using var probe = await EventProbe.ForTenantAsync(fixture, tenantId);
        var ann = Caller.Operator("ann");

        var session = Ok(await fixture.Session(tenantId, first.SessionId).RevokeAsync(ann, "leaked key"));
        var agent = Ok(await fixture.Agent(tenantId, "bot").SuspendAsync(new StatusChange("runaway loop", ann)));
        var tenant = Ok(await fixture.Tenant(tenantId).FreezeAsync(new StatusChange("incident 9", ann)));

        foreach (var receipt in new[] { session, agent, tenant })
        {
            var seen = await probe.WaitForAsync<RevocationCompletedEvent>(e => e.Receipt.Scope == receipt.Scope);
            Assert.Equal(receipt, seen.Receipt);
            Assert.Equal(tenantId, seen.TenantId);
            Assert.Equal(ann.ToString(), seen.Actor);
            Assert.Equal(ann.ToString(), seen.Receipt.RevokedBy);
            Assert.Equal(receipt.CompletedAt, seen.At);
            Assert.True(seen.Receipt.EffectiveAt <= seen.Receipt.CompletedAt);
        }

        Assert.Equal((RevocationScope.Session, first.SessionId, "leaked key", 1), (session.Scope, session.Target, session.Reason, session.SessionsRevoked));
        Assert.Equal((RevocationScope.Agent, "bot", "runaway loop", 1), (agent.Scope, agent.Target, agent.Reason, agent.SessionsRevoked));
        Assert.Equal((RevocationScope.Tenant, tenantId, "incident 9", 0), (tenant.Scope, tenant.Target, tenant.Reason, tenant.SessionsRevoked));
        var ended = await probe.WaitForAsync<SessionEndedEvent>(e => e.SessionId == first.SessionId);
        Assert.Equal((RevocationScope.Session, "leaked key", ann.ToString()), (ended.RevocationScope, ended.Reason, ended.Actor));
    }
}
