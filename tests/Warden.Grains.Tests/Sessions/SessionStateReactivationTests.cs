using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Warden.Grains.Hosting;
using Warden.Grains.Sessions;
using Warden.Grains.Tests.Cluster;
using Warden.Scopes;
using Warden.Sessions;
using static Warden.Grains.Tests.Cluster.Scenario;

namespace Warden.Grains.Tests.Sessions;

/// <summary>
/// What a session writes before it answers is what it decides on after its activation is lost (lineage off: the state
/// is the only durable record), with the state in <see cref="SessionStateStorageSerializer"/>'s encoding.
/// </summary>
[Collection(SessionStateEncodingClusterCollection.Name)]
public sealed class SessionStateReactivationTests(SessionStateEncodingClusterFixture fixture)
{
    private static readonly ScopeEntry[] Surface =
    [
        new("doc.read", "Acme::Doc::\"reports/*\""),
        new("payments.transfer", "Acme::Account::*"),
    ];

    [Fact]
    public void Cluster_StoresStateThroughTheSessionStateEncoding()
    {
        // Otherwise the test below would prove nothing about the encoding.
        foreach (var silo in fixture.Cluster.Silos)
        {
            Assert.IsType<SessionStateStorageSerializer>(silo.ServiceProvider.GetRequiredService<IGrainStorageSerializer>());
        }
    }

    [Fact]
    public async Task Reactivation_AfterDecisions_SeesTheHistoryWrittenBeforeTheAnswers()
    {
        var tenantId = await fixture.NewTenantAsync(Samples.Policies, Samples.Schema, Samples.Entities);
        await fixture.NewAgentAsync(tenantId, "bot", Surface);
        var opened = await fixture.OpenAsync(tenantId, "bot", new ScopeRequest("doc.read", "Acme::Doc::\"reports/*\""));
        var first = await fixture.EvaluateAsync(tenantId, "bot", opened.SessionId, Act("doc.read", "Acme::Doc", "reports/a", null, "finance"));
        var second = await fixture.EvaluateAsync(tenantId, "bot", opened.SessionId, Act("doc.read", "Acme::Doc", "reports/b"));
        var denied = await fixture.EvaluateAsync(tenantId, "bot", opened.SessionId, Act("payments.transfer", "Acme::Account", "operating", """{"amount":5,"to":"DE00"}"""));
        Assert.Equal([DecisionEffect.Allow, DecisionEffect.Allow, DecisionEffect.Deny], new[] { first.Effect, second.Effect, denied.Effect });
        var stored = await fixture.ReadStoredStateAsync<SessionState>(GrainTypes.Session, GrainTypes.StateNames.Session, WardenIds.SessionKey(tenantId, opened.SessionId));

        await fixture.Cluster.DeactivateAsync(fixture.Session(tenantId, opened.SessionId));
        var facts = Ok(await fixture.Session(tenantId, opened.SessionId).GetAsync(Admin)).Facts;
        var next = await fixture.EvaluateAsync(tenantId, "bot", opened.SessionId, Act("doc.read", "Acme::Doc", "reports/c"));

        Assert.Equal(3, stored.History.Decisions);
        Assert.Equal((3L, 2L, 1L), (facts.Decisions, facts.Allows, facts.Denials));
        Assert.Equal(["doc.read"], facts.Actions.ToArray());
        Assert.Equal(2, facts.ActionCounts["doc.read"]);
        Assert.Contains("finance", facts.Labels);
        Assert.Equal(opened.Grants[0].GrantId, Assert.Single(stored.History.GrantUses).GrantId);
        Assert.Equal(2, stored.History.UsesOf(opened.Grants[0].GrantId));
        // The reactivated grain continues the session's sequence: it read the history, not a fresh one.
        Assert.Equal(denied.Sequence + 1, next.Sequence);
        Assert.Equal(DecisionEffect.Allow, next.Effect);
    }
}
