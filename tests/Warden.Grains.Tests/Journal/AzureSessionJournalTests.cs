using Warden.Grains.Tests.Cluster;
using Warden.Policies;
using Warden.Sessions;

namespace Warden.Grains.Tests.Journal;

/// <summary>The session journal replayed from the Azure lineage table (cluster mode), through its session index.</summary>
public sealed class AzureSessionJournalTests(AzureJournalClusterFixture fixture) : IClassFixture<AzureJournalClusterFixture>
{
    [Fact]
    public async Task Reactivation_DecisionsOnlyInTheLineageTable_SequenceRuleAndUseCountHold()
    {
        var client = fixture.Client;
        var (tenant, session) = await JournalScenario.OpenAsync(client);
        var reads = new[]
        {
            await JournalScenario.EvaluateAsync(client, tenant, session, JournalScenario.Read),
            await JournalScenario.EvaluateAsync(client, tenant, session, JournalScenario.Read),
        };
        var secret = await JournalScenario.EvaluateAsync(client, tenant, session, JournalScenario.Secret);

        await fixture.Cluster.DeactivateAsync(JournalScenario.Grain(client, tenant, session));
        var stored = await JournalScenario.StoredAsync(fixture.Cluster, tenant, session);
        var history = Scenario.Ok(await JournalScenario.Grain(client, tenant, session).GetHistoryAsync(JournalScenario.Agent(tenant)));
        var mail = await JournalScenario.EvaluateAsync(client, tenant, session, JournalScenario.Mail);
        var third = await JournalScenario.EvaluateAsync(client, tenant, session, JournalScenario.Read);
        var fourth = await JournalScenario.EvaluateAsync(client, tenant, session, JournalScenario.Read);

        Assert.All(reads, r => Assert.True(r.IsAllowed));
        Assert.True(secret.IsAllowed);
        Assert.Equal(0, stored.History.Decisions);
        Assert.Equal(secret.Sequence, history.LastSequence);
        Assert.Equal(3, history.Facts.Allows);
        Assert.Contains("secret", history.Facts.Labels);
        Assert.Equal(ReasonCodes.PolicyForbidden, mail.Reasons[0].Code);
        Assert.True(third.IsAllowed);
        Assert.Equal(ReasonCodes.GrantExhausted, fourth.Reasons[0].Code);
    }
}
