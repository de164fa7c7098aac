using Warden.Agents;
using Warden.Grains.Agents;
using Warden.Grains.Hosting;
using Warden.Grains.Tests.Cluster;
using static Warden.Grains.Tests.Cluster.Scenario;

namespace Warden.Grains.Tests.Agents;

/// <summary>The agent's live-session registry, persisted in buckets (an open writes one bucket, not the whole list).</summary>
[Collection(WardenClusterCollection.Name)]
public sealed class LiveSessionRegistryTests(WardenClusterFixture fixture)
{
    private static readonly Caller Admin = Caller.Operator("admin");

    [Fact]
    public void BucketOf_SameId_SameBucketInEveryProcess()
    {
        // FNV-1a of "abc123" is 0x...; a per-process string hash would move entries between buckets across restarts.
        Assert.Equal(5, LiveSessionRegistry.BucketOf("abc123"));
        Assert.Equal(1UL << 5, LiveSessionRegistry.BitOf("abc123"));
    }

    [Fact]
    public async Task Open_NewSession_PersistedInItsBucketNotInTheAgentState()
    {
        var tenantId = await fixture.NewTenantAsync();
        await fixture.NewAgentAsync(tenantId, "bot");

        var opened = await fixture.OpenAsync(tenantId, "bot");
        var key = WardenIds.AgentKey(tenantId, "bot");
        var agent = await fixture.ReadStoredStateAsync<AgentState>(GrainTypes.Agent, GrainTypes.StateNames.Agent, key);
        var bucket = LiveSessionRegistry.BucketOf(opened.SessionId);
        var stored = await fixture.ReadStoredStateAsync<LiveSessionBucket>(GrainTypes.Agent, $"{GrainTypes.StateNames.Agent}-live-{bucket:D2}", key);

        Assert.Empty(agent.LiveSessions);
        Assert.NotEqual(0UL, agent.RegistryBuckets & LiveSessionRegistry.BitOf(opened.SessionId));
        Assert.Contains(stored.Sessions, s => s.SessionId == opened.SessionId);
    }

    [Fact]
    public async Task Suspend_AgentReactivatedFromStorage_EverySessionInEveryBucketIsRevoked()
    {
        var tenantId = await fixture.NewTenantAsync();
        await fixture.NewAgentAsync(tenantId, "bot");
        var opened = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            opened.Add((await fixture.OpenAsync(tenantId, "bot")).SessionId);
        }

        await fixture.Cluster.DeactivateAsync(fixture.Agent(tenantId, "bot"));
        var listed = Ok(await fixture.Agent(tenantId, "bot").ListSessionsAsync());
        var receipt = Ok(await fixture.Agent(tenantId, "bot").SuspendAsync(new StatusChange("registry reload", Admin)));
        var info = Ok(await fixture.Agent(tenantId, "bot").GetAsync());

        Assert.True(opened.Select(LiveSessionRegistry.BucketOf).Distinct().Count() > 1);
        Assert.Equal(opened.Order(StringComparer.Ordinal), listed.Select(s => s.SessionId).Order(StringComparer.Ordinal));
        Assert.Equal(40, receipt.SessionsRevoked);
        Assert.Equal(40, info.LiveSessions);
    }

    [Fact]
    public async Task Activate_StateWithFormerSingleList_MovesItIntoBucketsAndSuspensionStillRevokesIt()
    {
        var tenantId = await fixture.NewTenantAsync();
        await fixture.NewAgentAsync(tenantId, "bot");
        var opened = await fixture.OpenAsync(tenantId, "bot");
        var key = WardenIds.AgentKey(tenantId, "bot");
        var bucketName = $"{GrainTypes.StateNames.Agent}-live-{LiveSessionRegistry.BucketOf(opened.SessionId):D2}";
        var entry = (await fixture.ReadStoredStateAsync<LiveSessionBucket>(GrainTypes.Agent, bucketName, key)).Sessions.Single();

        // The session as a state written before the registry had buckets holds it: in the list, no bit, no bucket entry.
        await fixture.Cluster.DeactivateAsync(fixture.Agent(tenantId, "bot"));
        await fixture.RewriteStoredStateAsync<LiveSessionBucket>(GrainTypes.Agent, bucketName, key, b => b with { Sessions = [] });
        await fixture.RewriteStoredStateAsync<AgentState>(GrainTypes.Agent, GrainTypes.StateNames.Agent, key, a => a with { LiveSessions = [entry], RegistryBuckets = 0 });
        var listed = Ok(await fixture.Agent(tenantId, "bot").ListSessionsAsync());
        var stored = await fixture.ReadStoredStateAsync<AgentState>(GrainTypes.Agent, GrainTypes.StateNames.Agent, key);
        await fixture.Cluster.DeactivateAsync(fixture.Agent(tenantId, "bot"));
        var receipt = Ok(await fixture.Agent(tenantId, "bot").SuspendAsync(new StatusChange("former list", Admin)));

        Assert.Equal(opened.SessionId, Assert.Single(listed).SessionId);
        Assert.Empty(stored.LiveSessions);
        Assert.NotEqual(0UL, stored.RegistryBuckets & LiveSessionRegistry.BitOf(opened.SessionId));
        Assert.Equal(1, receipt.SessionsRevoked);
    }
}
