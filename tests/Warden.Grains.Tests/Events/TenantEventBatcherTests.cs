using Warden.Events;
using Warden.Grains.Tests.Cluster;
using Warden.Scopes;
using Warden.Sessions;
using static Warden.Grains.Tests.Cluster.Scenario;

namespace Warden.Grains.Tests.Events;

/// <summary>Session events reach the tenant stream through the silo's batcher: all of them, each session's in order.</summary>
[Collection(WardenClusterCollection.Name)]
public sealed class TenantEventBatcherTests(WardenClusterFixture fixture)
{
    private const int DecisionsPerSession = 20;

    [Fact]
    public async Task TenantStream_ManySessionsDecideAtOnce_EveryDecisionArrivesInSessionOrder()
    {
        var tenantId = await fixture.NewTenantAsync(Samples.PoliciesFrom("baseline"), Samples.Schema, Samples.Entities);
        await fixture.NewAgentAsync(tenantId, "bot");
        var sessions = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            sessions.Add((await fixture.OpenAsync(tenantId, "bot", new ScopeRequest("doc.read", "Acme::Doc::*"))).SessionId);
        }

        await using var probe = await EventProbe.ForTenantAsync(fixture, tenantId);
        var lasts = await Task.WhenAll(sessions.Select(async session =>
        {
            Decision? last = null;
            for (var n = 0; n < DecisionsPerSession; n++)
            {
                last = await fixture.EvaluateAsync(tenantId, "bot", session, Act("doc.read", "Acme::Doc", "reports/" + n));
            }

            return last!;
        }));

        foreach (var last in lasts)
        {
            await probe.WaitForAsync<DecisionEvent>(e => e.Decision.DecisionId == last.DecisionId);
        }

        foreach (var session in sessions)
        {
            var sequences = probe.Seen.OfType<DecisionEvent>().Where(e => e.SessionId == session).Select(e => e.Sequence).ToList();
            Assert.Equal(DecisionsPerSession, sequences.Count);
            Assert.Equal(sequences.Order(), sequences);
        }
    }
}
