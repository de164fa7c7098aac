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
        var decided = await Task.WhenAll(sessions.Select(async session =>
        {
            var decisions = new List<Decision>();
            for (var n = 0; n < DecisionsPerSession; n++)
            {
                decisions.Add(await fixture.EvaluateAsync(tenantId, "bot", session, Act("doc.read", "Acme::Doc", "reports/" + n)));
            }

            return decisions;
        }));

        foreach (var decisions in decided)
        {
            await probe.WaitForAsync<DecisionEvent>(e => e.Decision.DecisionId == decisions[^1].DecisionId);
        }

        for (var s = 0; s < sessions.Count; s++)
        {
            var received = probe.Seen.OfType<DecisionEvent>().Where(e => e.SessionId == sessions[s]).ToList();
            Assert.Equal(DecisionsPerSession, received.Count);
            Assert.Equal(received.Select(e => e.Sequence).Order(), received.Select(e => e.Sequence));

            // Through the stream's encoding (the hand-written DecisionEventCodec) every field arrives as decided.
            for (var n = 0; n < DecisionsPerSession; n++)
            {
                var e = received[n];
                EventSamples.AssertSame(decided[s][n], e.Decision, $"{sessions[s]} decision {n}");
                Assert.Equal(("doc.read", "Acme::Doc", "reports/" + n, tenantId), (e.Action, e.ResourceType, e.ResourceId, e.TenantId));
                Assert.Equal(e.Decision.Sequence, e.Sequence);
            }
        }
    }
}
