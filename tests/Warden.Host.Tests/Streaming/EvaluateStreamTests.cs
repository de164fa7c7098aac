using Grpc.Core;
using Warden.Client;
using Warden.Host.Tests.Infrastructure;
using Warden.Protocol.V1;

namespace Warden.Host.Tests.Streaming;

[Collection(HostCollection.Name)]
public sealed class EvaluateStreamTests(WardenHostFixture host)
{
    [Fact]
    public async Task EvaluateStream_ManyInFlightOneSession_AnsweredInRequestOrder()
    {
        var (_, _, agent) = await Scenario.AgentAsync(host);
        await using (agent)
        {
            await using var session = await Scenario.OpenSessionAsync(agent);
            using var call = agent.Runtime.EvaluateStream();
            const int count = 500;
            var writer = Task.Run(async () =>
            {
                for (var i = 0; i < count; i++)
                {
                    await call.RequestStream.WriteAsync(Item((ulong)i, session.Id));
                }

                await call.RequestStream.CompleteAsync();
            });

            var correlations = new List<ulong>();
            var sequences = new List<long>();
            await foreach (var response in call.ResponseStream.ReadAllAsync())
            {
                correlations.Add(response.CorrelationId);
                Assert.Equal(EvaluateStreamResponse.ResultOneofCase.Response, response.ResultCase);
                sequences.Add(response.Response.Sequence);
            }

            await writer;
            Assert.Equal(Enumerable.Range(0, count).Select(i => (ulong)i), correlations);
            Assert.Equal(sequences.Order(), sequences);
            Assert.Equal(count, sequences.Distinct().Count());
        }
    }

    [Fact]
    public async Task EvaluateStream_SeveralSessionsInterleaved_EachSessionInOrder()
    {
        var (_, _, agent) = await Scenario.AgentAsync(host);
        await using (agent)
        {
            var sessions = new List<Client.Agents.WardenSession>();
            for (var s = 0; s < 4; s++)
            {
                sessions.Add(await Scenario.OpenSessionAsync(agent));
            }

            // Room for every call at once, so the calls reach the wire in the order they are made (callers that
            // wait for a slot may be let in in any order; the guarantee is about the order on the stream).
            await using var stream = agent.OpenEvaluateStream(maxInFlight: 512);
            var calls = Enumerable.Range(0, 400)
                .Select(i => (Session: sessions[i % 4].Id, Task: stream.EvaluateAsync(sessions[i % 4].Id, "db.query", WardenModel.Resource("Table", "t" + i))))
                .ToList();
            await Task.WhenAll(calls.Select(c => c.Task));
            foreach (var group in calls.GroupBy(c => c.Session))
            {
                var sequences = group.Select(c => c.Task.Result.Sequence).ToList();
                Assert.Equal(sequences.Order(), sequences);
            }

            foreach (var s in sessions)
            {
                await s.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task EvaluateStream_BadItems_AnsweredWithErrorsAndTheStreamGoesOn()
    {
        var (_, _, agent) = await Scenario.AgentAsync(host);
        await using (agent)
        {
            await using var session = await Scenario.OpenSessionAsync(agent);
            await using var stream = agent.OpenEvaluateStream();
            var good1 = stream.EvaluateAsync(session.Id, "db.query", WardenModel.Resource("Table", "a"));
            var malformed = stream.EvaluateAsync("nope", "db.query", WardenModel.Resource("Table", "a"));
            var badAction = stream.EvaluateAsync(session.Id, "db query!", WardenModel.Resource("Table", "a"));
            var unknown = stream.EvaluateAsync(Guid.NewGuid().ToString("N"), "db.query", WardenModel.Resource("Table", "a"));
            var exploding = stream.EvaluateAsync(session.Id, FaultInjectionFilter.ExplodingAction, WardenModel.Resource("Table", "a"));

            // A fault denies every item of the batch it hit (fail closed); the item after it is sent once the fault
            // was answered, so it shows the stream going on (same batch or not would otherwise depend on timing).
            await exploding;
            var good2 = stream.EvaluateAsync(session.Id, "db.query", WardenModel.Resource("Table", "b"));

            Assert.Equal(Decision.Deny, (await good1).Decision);
            var e1 = await Assert.ThrowsAsync<RpcException>(() => malformed);
            Assert.Equal(StatusCode.InvalidArgument, e1.StatusCode);
            Assert.Contains("request.session_id", e1.Status.Detail, StringComparison.Ordinal);
            var e2 = await Assert.ThrowsAsync<RpcException>(() => badAction);
            Assert.Equal(StatusCode.InvalidArgument, e2.StatusCode);
            Assert.Contains("request.action", e2.Status.Detail, StringComparison.Ordinal);
            var e3 = await Assert.ThrowsAsync<RpcException>(() => unknown);
            Assert.Equal(StatusCode.NotFound, e3.StatusCode);
            var failedClosed = await exploding;
            Assert.Equal(Decision.Deny, failedClosed.Decision);
            Assert.Contains(failedClosed.Reasons, r => r.Code == "internal_error");
            Assert.Equal(Decision.Deny, (await good2).Decision);
            Assert.True((await good2).Sequence > (await good1).Sequence);
        }
    }

    [Fact]
    public async Task EvaluateStream_OtherAgentsSession_PermissionDeniedPerItem()
    {
        var tenant = await Scenario.NewTenantAsync(host);
        await using var alice = host.Agent(await Scenario.RegisterAgentAsync(host, tenant, "alice"));
        await using var mallory = host.Agent(await Scenario.RegisterAgentAsync(host, tenant, "mallory"));
        await using var session = await Scenario.OpenSessionAsync(alice);
        await using var stream = mallory.OpenEvaluateStream();
        var e = await Assert.ThrowsAsync<RpcException>(() => stream.EvaluateAsync(session.Id, "db.query", WardenModel.Resource("Table", "a")));
        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
    }

    private static EvaluateStreamRequest Item(ulong correlation, string sessionId) => new()
    {
        CorrelationId = correlation,
        Request = new EvaluateRequest { SessionId = sessionId, Action = "db.query", Resource = new Resource { Type = "Table", Id = "orders" } },
    };
}
