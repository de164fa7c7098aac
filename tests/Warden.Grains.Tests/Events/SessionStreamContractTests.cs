using Warden.Events;
using Warden.Grains.Tests.Cluster;
using Warden.Scopes;
using Warden.Sessions;
using static Warden.Grains.Tests.Cluster.Scenario;

namespace Warden.Grains.Tests.Events;

/// <summary>
/// By default a session stream carries its session's lifecycle events and no decisions; the tenant stream carries
/// every event of the session, decisions included, in the session's order.
/// </summary>
[Collection(WardenClusterCollection.Name)]
public sealed class SessionStreamContractTests(WardenClusterFixture fixture)
{
    [Fact]
    public async Task SessionStream_Default_LifecycleEventsOnlyWhileTheTenantStreamHasEveryDecisionInOrder()
    {
        var run = await SessionStreamScenario.RunAsync(fixture);

        SessionStreamScenario.AssertTenantStreamComplete(run);
        Assert.DoesNotContain(run.SessionStream, e => e is DecisionEvent);

        // Since the first decision: the grant the session asked for and its end, nothing else, in sequence order.
        var lifecycle = run.SessionEventsSinceFirstDecision(run.TenantStream).Where(e => e is not DecisionEvent).Select(SessionStreamScenario.Describe).ToList();
        Assert.Equal([nameof(GrantIssuedEvent), nameof(SessionEndedEvent)], lifecycle.Select(d => d.Type));
        Assert.Equal(lifecycle, run.SessionEventsSinceFirstDecision(run.SessionStream).Select(SessionStreamScenario.Describe));
    }
}

/// <summary>With <c>WardenEventOptions.SessionStreamDecisions</c> on, the session stream carries the decisions too, in order.</summary>
[Collection(SessionStreamDecisionsClusterCollection.Name)]
public sealed class SessionStreamDecisionsOptionTests(SessionStreamDecisionsClusterFixture fixture)
{
    [Fact]
    public async Task SessionStream_SessionStreamDecisionsOn_EveryDecisionAndLifecycleEventInOrder()
    {
        var run = await SessionStreamScenario.RunAsync(fixture);

        SessionStreamScenario.AssertTenantStreamComplete(run);
        Assert.Equal(run.Decisions, run.SessionStream.OfType<DecisionEvent>().Select(e => e.Decision.DecisionId));
        Assert.Equal(
            run.SessionEventsSinceFirstDecision(run.TenantStream).Select(SessionStreamScenario.Describe),
            run.SessionEventsSinceFirstDecision(run.SessionStream).Select(SessionStreamScenario.Describe));
    }
}

/// <summary>
/// One session on its own tenant: decisions, a grant requested and issued, more decisions, the agent closes it; a
/// probe on the tenant stream (subscribed before the session opened) and one on the session stream (after).
/// </summary>
internal static class SessionStreamScenario
{
    private const int DecisionsEachSide = 8;

    public static async Task<Run> RunAsync(WardenClusterFixture fixture)
    {
        var tenantId = await fixture.NewTenantAsync(Samples.PoliciesFrom("baseline"), Samples.Schema, Samples.Entities);
        await fixture.NewAgentAsync(tenantId, "bot");
        await using var tenantProbe = await EventProbe.ForTenantAsync(fixture, tenantId);
        var opened = await fixture.OpenAsync(tenantId, "bot", new ScopeRequest("doc.read", "Acme::Doc::*"));
        await using var sessionProbe = await EventProbe.ForSessionAsync(fixture, tenantId, opened.SessionId);
        var session = fixture.Session(tenantId, opened.SessionId);
        var agent = Caller.Agent(tenantId, "bot");

        var decisions = new List<string>();
        for (var n = 0; n < 2 * DecisionsEachSide; n++)
        {
            if (n == DecisionsEachSide)
            {
                var requested = Ok(await session.RequestGrantAsync(agent, new GrantRequest([new ScopeRequest("doc.read", "Acme::Doc::\"reports/*\"")], "need the reports", null)));
                Assert.Single(requested.Issued);
            }

            decisions.Add((await fixture.EvaluateAsync(tenantId, "bot", opened.SessionId, Act("doc.read", "Acme::Doc", "reports/" + n))).DecisionId);
        }

        Ok(await session.CloseAsync(agent));

        // Each stream keeps the session's order, so its end arriving means everything before it has arrived.
        await tenantProbe.WaitForAsync<SessionEndedEvent>(e => e.SessionId == opened.SessionId);
        await sessionProbe.WaitForAsync<SessionEndedEvent>();
        return new Run(
            opened.SessionId,
            decisions,
            [.. tenantProbe.Seen.OfType<SessionEvent>().Where(e => e.SessionId == opened.SessionId)],
            [.. sessionProbe.Seen.Cast<SessionEvent>()]);
    }

    /// <summary>The tenant stream has the whole session: sequences 1, 2, … without a gap, every decision in the order made.</summary>
    public static void AssertTenantStreamComplete(Run run)
    {
        Assert.Equal(Enumerable.Range(1, run.TenantStream.Count).Select(n => (long)n), run.TenantStream.Select(e => e.Sequence));
        Assert.Equal(run.Decisions, run.TenantStream.OfType<DecisionEvent>().Select(e => e.Decision.DecisionId));
        Assert.IsType<SessionEndedEvent>(run.TenantStream[^1]);
    }

    public static (long Sequence, string Type) Describe(SessionEvent e) => (e.Sequence, e.GetType().Name);

    /// <param name="SessionId">The session.</param>
    /// <param name="Decisions">Its decisions' ids in the order they were answered.</param>
    /// <param name="TenantStream">Its events as the tenant stream delivered them.</param>
    /// <param name="SessionStream">What its session stream delivered.</param>
    public sealed record Run(string SessionId, IReadOnlyList<string> Decisions, IReadOnlyList<SessionEvent> TenantStream, IReadOnlyList<SessionEvent> SessionStream)
    {
        /// <summary>
        /// The events of <paramref name="stream"/> from the first decision on: the session probe subscribed after the
        /// open, so whether it saw the open's own events is a race this contract says nothing about.
        /// </summary>
        public IEnumerable<SessionEvent> SessionEventsSinceFirstDecision(IReadOnlyList<SessionEvent> stream)
        {
            var first = TenantStream.OfType<DecisionEvent>().First().Sequence;
            return stream.Where(e => e.Sequence >= first);
        }
    }
}
