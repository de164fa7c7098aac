using Microsoft.Extensions.DependencyInjection;
using Warden.Client;
using Warden.Lineage.Feeds;
using Warden.Lineage.Records;

namespace Warden.Host.Tests.Lineage;

/// <summary>
/// An embedded node is the only appender of its <c>lineage.db</c>, so its live feeds read the writer's in-process
/// broadcaster (no Orleans stream): every committed record reaches a subscriber live, with its sequence and decision.
/// </summary>
[Collection(LineageHostCollection.Name)]
public sealed class LineageLiveSourceTests(LineageHostFixture host)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task EmbeddedNode_LiveSourceIsTheWritersBroadcaster_DeliversEachDecisionLive()
    {
        var live = host.Services.GetRequiredService<ILiveLineageSource>();
        Assert.IsType<LineageBroadcaster>(live);
        Assert.Same(live, host.Services.GetRequiredService<LineageBroadcaster>());

        var (tenant, agent) = await LineageScenario.TenantAsync(host);
        await using (agent)
        {
            await using var session = await LineageScenario.SessionAsync(agent);
            using var timeout = new CancellationTokenSource(Patience);
            await using var subscription = await live.SubscribeAsync(tenant, timeout.Token);
            var decided = new List<string>();
            for (var i = 0; i < 3; i++)
            {
                decided.Add((await session.EvaluateAsync("email.send", WardenModel.Resource("Acme::Mailbox", "live" + i), LineageScenario.Mail)).DecisionId);
            }

            // No idle catch-up here: only what the writer published after each commit reaches the subscription.
            var received = new List<LineageRecord>();
            while (received.Count(r => r.Event.Kind == LineageEventKind.Decision) < decided.Count)
            {
                received.Add(await subscription.Records.ReadAsync(timeout.Token));
            }

            Assert.All(received, r => Assert.Equal(tenant, r.TenantId));
            Assert.Equal(decided, received.Where(r => r.Event.Kind == LineageEventKind.Decision).Select(r => r.Event.DecisionId));
            Assert.Equal(Enumerable.Range((int)received[0].Sequence, received.Count).Select(i => (long)i), received.Select(r => r.Sequence));
        }
    }
}
