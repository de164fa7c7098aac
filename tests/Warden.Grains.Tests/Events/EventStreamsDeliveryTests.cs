using Microsoft.Extensions.DependencyInjection;
using Warden.Events;
using Warden.Grains.Events;
using Warden.Grains.Tests.Cluster;
using Warden.Scopes;
using Warden.Sessions;
using static Warden.Grains.Tests.Cluster.Scenario;

namespace Warden.Grains.Tests.Events;

/// <summary>
/// The cluster's silos encode stream messages with <see cref="EventMessageBodySerializer"/> (each session event once
/// for both of its streams): a subscriber of the session stream and one of the tenant stream each still receive every
/// decision, whole and in order.
/// </summary>
[Collection(WardenClusterCollection.Name)]
public sealed class EventStreamsDeliveryTests(WardenClusterFixture fixture)
{
    private const int Decisions = 12;

    [Fact]
    public void Silos_UseTheSharedEventEncoding()
    {
        foreach (var silo in fixture.Cluster.Silos)
        {
            Assert.NotNull(silo.ServiceProvider.GetService<EventMessageBodySerializer>());
        }
    }

    [Fact]
    public async Task SessionAndTenantStreams_BothSubscribed_EachReceivesEveryDecisionInOrder()
    {
        var tenantId = await fixture.NewTenantAsync(Samples.PoliciesFrom("baseline"), Samples.Schema, Samples.Entities);
        await fixture.NewAgentAsync(tenantId, "bot");
        var opened = await fixture.OpenAsync(tenantId, "bot", new ScopeRequest("doc.read", "Acme::Doc::*"));
        await using var sessionProbe = await EventProbe.ForSessionAsync(fixture, tenantId, opened.SessionId);
        await using var tenantProbe = await EventProbe.ForTenantAsync(fixture, tenantId);

        var decisions = new List<Decision>();
        for (var n = 0; n < Decisions; n++)
        {
            decisions.Add(await fixture.EvaluateAsync(tenantId, "bot", opened.SessionId, Act("doc.read", "Acme::Doc", "reports/" + n)));
        }

        var last = decisions[^1].DecisionId;
        await sessionProbe.WaitForAsync<DecisionEvent>(e => e.Decision.DecisionId == last);
        await tenantProbe.WaitForAsync<DecisionEvent>(e => e.Decision.DecisionId == last);

        foreach (var probe in new[] { sessionProbe, tenantProbe })
        {
            var seen = probe.Seen.OfType<DecisionEvent>().Where(e => e.SessionId == opened.SessionId).ToList();
            Assert.Equal(decisions.Select(d => d.DecisionId), seen.Select(e => e.Decision.DecisionId));
            Assert.Equal(decisions.Select(d => d.Effect), seen.Select(e => e.Decision.Effect));
            Assert.Equal(Enumerable.Range(0, Decisions).Select(n => "reports/" + n), seen.Select(e => e.ResourceId));
            Assert.All(seen, e => Assert.Equal(("bot", tenantId), (e.AgentId, e.TenantId)));
        }
    }
}
