using System.Net;
using System.Net.Http.Headers;
using Grpc.Core;
using Warden.Client;
using Warden.Client.Agents;
using Warden.Protocol.V1;

namespace Warden.Host.Tests.Lineage;

/// <summary>
/// Late subscribers through the real gRPC Watch service and the SSE endpoint: history after their cursor, then live
/// records while decisions keep coming, every record exactly once and in order across the seam.
/// </summary>
[Collection(LineageHostCollection.Name)]
public sealed class LineageFeedTests(LineageHostFixture host)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task WatchTenant_LateSubscriberWithCursor_HistoryThenLiveExactlyOnceInOrder()
    {
        var (tenant, agent) = await LineageScenario.TenantAsync(host);
        await using (agent)
        {
            await using var session = await LineageScenario.SessionAsync(agent);
            await DecideAsync(session, 3);
            var cursor = await HeadAsync(tenant) - 4;

            using var channel = host.Channel();
            using var timeout = new CancellationTokenSource(Patience);
            using var call = host.WatchClient(channel).WatchTenant(new WatchRequest { TenantId = tenant, AfterSequence = cursor }, cancellationToken: timeout.Token);
            // The first history record proves the feed is subscribed; the decisions after it cross the seam live.
            var received = new List<long>();
            Assert.True(await call.ResponseStream.MoveNext(timeout.Token));
            received.Add(call.ResponseStream.Current.Sequence);
            await DecideAsync(session, 8);
            var target = await HeadAsync(tenant);
            while (received[^1] < target && await call.ResponseStream.MoveNext(timeout.Token))
            {
                received.Add(call.ResponseStream.Current.Sequence);
            }

            var head = await HeadAsync(tenant);
            Assert.Equal(Enumerable.Range((int)cursor + 1, (int)(head - cursor)).Select(i => (long)i), received);
        }
    }

    [Fact]
    public async Task WatchSession_FilteredToOneSession_OnlyItsRecordsInOrder()
    {
        var (tenant, agent) = await LineageScenario.TenantAsync(host);
        await using (agent)
        {
            await using var other = await LineageScenario.SessionAsync(agent);
            await using var session = await LineageScenario.SessionAsync(agent);
            using var channel = host.Channel();
            using var timeout = new CancellationTokenSource(Patience);
            using var call = host.WatchClient(channel).WatchSession(new WatchRequest { TenantId = tenant, AfterSequence = 0, SessionId = session.Id, Kind = "decision" }, cancellationToken: timeout.Token);
            await DecideAsync(other, 2);
            var decided = await DecideAsync(session, 3);

            var received = new List<LineageRecord>();
            await foreach (var record in call.ResponseStream.ReadAllAsync(timeout.Token))
            {
                received.Add(record);
                if (received.Count == decided.Count)
                {
                    break;
                }
            }

            Assert.All(received, r => Assert.Equal(session.Id, r.SessionId));
            Assert.Equal(decided, received.Select(r => r.DecisionId));
        }
    }

    [Fact]
    public async Task WatchSession_WithoutSessionOrWithBadDecision_InvalidArgumentNamingTheField()
    {
        using var channel = host.Channel();
        var watch = host.WatchClient(channel);
        var noSession = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            using var call = watch.WatchSession(new WatchRequest { TenantId = "acme" });
            await call.ResponseStream.MoveNext();
        });
        Assert.Equal(StatusCode.InvalidArgument, noSession.StatusCode);
        Assert.Contains("session_id", noSession.Status.Detail, StringComparison.Ordinal);

        var badDecision = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            using var call = watch.WatchTenant(new WatchRequest { TenantId = "acme", Decision = "perhaps" });
            await call.ResponseStream.MoveNext();
        });
        Assert.Equal(StatusCode.InvalidArgument, badDecision.StatusCode);
        Assert.Contains("decision", badDecision.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sse_LateSubscriberWithCursor_HistoryThenLiveExactlyOnceInOrder()
    {
        var (tenant, agent) = await LineageScenario.TenantAsync(host);
        await using (agent)
        {
            await using var session = await LineageScenario.SessionAsync(agent);
            await DecideAsync(session, 3);
            var cursor = await HeadAsync(tenant) - 4;

            using var http = new HttpClient { BaseAddress = host.HttpUri, Timeout = Patience };
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/tenants/{tenant}/lineage/stream?cursor={cursor}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", host.OperatorKey);
            using var timeout = new CancellationTokenSource(Patience);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
            var received = new List<long>();
            var sawData = false;
            async Task<bool> NextAsync()
            {
                while (await reader.ReadLineAsync(timeout.Token) is { } line)
                {
                    sawData |= line.StartsWith("data: {", StringComparison.Ordinal);
                    if (line.StartsWith("id: ", StringComparison.Ordinal))
                    {
                        received.Add(long.Parse(line[4..], System.Globalization.CultureInfo.InvariantCulture));
                        return true;
                    }
                }

                return false;
            }

            // The first history record proves the feed is subscribed; the decisions after it cross the seam live.
            Assert.True(await NextAsync());
            await DecideAsync(session, 8);
            var head = await HeadAsync(tenant);
            while (received[^1] < head && await NextAsync())
            {
            }

            Assert.True(sawData);
            Assert.Equal(Enumerable.Range((int)cursor + 1, (int)(head - cursor)).Select(i => (long)i), received);
        }
    }

    [Fact]
    public async Task Sse_NoCredentialOrBadCursor_401And400WithABody()
    {
        using var http = new HttpClient { BaseAddress = host.HttpUri };
        using var anonymous = await http.GetAsync(new Uri("/v1/tenants/acme/lineage/stream", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Contains("operator credential", await anonymous.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/tenants/acme/lineage/stream?cursor=minus-one");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", host.OperatorKey);
        using var bad = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("cursor", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<long> HeadAsync(string tenant)
    {
        using var channel = host.Channel();
        var verified = await host.LineageClient(channel).VerifyAuditAsync(new VerifyAuditRequest { TenantId = tenant });
        Assert.True(verified.Intact, verified.Message);
        return verified.RecordsVerified;
    }

    private static async Task<List<string>> DecideAsync(WardenSession session, int count)
    {
        var ids = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            ids.Add((await session.EvaluateAsync("email.send", WardenModel.Resource("Acme::Mailbox", "c" + i), LineageScenario.Mail)).DecisionId);
        }

        return ids;
    }
}
