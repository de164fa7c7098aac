using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Warden.Host.Security;
using Warden.Host.Tests.Infrastructure;
using Warden.Protocol.V1;

namespace Warden.Host.Tests.Security;

[Collection(HostCollection.Name)]
public sealed class AuthenticationTests(WardenHostFixture host)
{
    [Fact]
    public async Task Operator_NoCredentials_Unauthenticated()
    {
        using var channel = host.Channel();
        var client = new Operator.OperatorClient(channel);
        await RpcAssert.FailsWith(StatusCode.Unauthenticated, async () => await client.ListAgentsAsync(new ListAgentsRequest { TenantId = "acme" }));
    }

    [Fact]
    public async Task Operator_WrongKey_Unauthenticated()
    {
        await using var client = host.Operator("wdn_op_" + new string('x', 43));
        await RpcAssert.FailsWith(StatusCode.Unauthenticated, () => client.ListAgentsAsync("acme"));
    }

    [Fact]
    public async Task Operator_NotBearerScheme_Unauthenticated()
    {
        using var channel = host.Channel();
        var client = new Operator.OperatorClient(channel);
        var headers = new Metadata { { "authorization", "Basic " + host.OperatorKey } };
        await RpcAssert.FailsWith(StatusCode.Unauthenticated, async () => await client.ListAgentsAsync(new ListAgentsRequest { TenantId = "acme" }, headers));
    }

    [Fact]
    public async Task AgentRuntime_NoCredentials_Unauthenticated()
    {
        using var channel = host.Channel();
        var client = new AgentRuntime.AgentRuntimeClient(channel);
        await RpcAssert.FailsWith(StatusCode.Unauthenticated, async () => await client.EvaluateAsync(new EvaluateRequest()));
    }

    [Fact]
    public async Task AgentRuntime_MalformedCredential_Unauthenticated()
    {
        await using var agent = host.Agent("wdn1.a.not-a-real-token");
        await RpcAssert.FailsWith(StatusCode.Unauthenticated, () => agent.OpenSessionAsync(Client.WardenModel.Intent("task"), []));
    }

    [Fact]
    public async Task AgentRuntime_OperatorKey_Unauthenticated()
    {
        // The root operator key is not an agent credential: it opens no sessions.
        await using var agent = host.Agent(host.OperatorKey);
        await RpcAssert.FailsWith(StatusCode.Unauthenticated, () => agent.OpenSessionAsync(Client.WardenModel.Intent("task"), []));
    }

    [Fact]
    public async Task AgentRuntime_EvaluateStreamWithoutCredentials_Unauthenticated()
    {
        using var channel = host.Channel();
        var client = new AgentRuntime.AgentRuntimeClient(channel);
        using var call = client.EvaluateStream();
        await RpcAssert.FailsWith(StatusCode.Unauthenticated, async () => await call.ResponseStream.MoveNext());
    }

    [Fact]
    public async Task AgentRuntime_CredentialRotated_OldOneRefusedAtOnceEvenWhileCached()
    {
        var (tenantId, oldCredential, agent) = await Scenario.AgentAsync(host, "rotated");
        await using (agent)
        {
            // Authenticated a moment ago: the host's credential cache holds this credential now.
            var session = await Scenario.OpenSessionAsync(agent);

            await using var op = host.Operator();
            var rotated = await op.RotateAgentCredentialAsync(tenantId, "rotated", "leaked in a log");
            Assert.StartsWith("wdn1.a.", rotated.Credential, StringComparison.Ordinal);
            Assert.NotEqual(oldCredential, rotated.Credential);
            Assert.Equal(AgentStatus.Active, rotated.Agent.Status);
            Assert.NotNull(rotated.IssuedAt);

            // Well inside the cache's lifetime (2 s): the old credential is refused the moment the rotation returned.
            await RpcAssert.FailsWith(StatusCode.Unauthenticated, () => agent.OpenSessionAsync(Client.WardenModel.Intent("task"), []));
            await RpcAssert.FailsWith(StatusCode.Unauthenticated, () => session.EvaluateAsync("db.query", Client.WardenModel.Resource("Table", "orders")));

            // The new credential works, and the session the agent already had is still open and its own (a rotation is
            // not a suspension): the new credential evaluates in it (this tenant has no policy, so the answer is a deny
            // by policy, not a refusal of the caller).
            await using var renewed = host.Agent(rotated.Credential);
            Assert.False(string.IsNullOrEmpty((await Scenario.OpenSessionAsync(renewed)).Id));
            var answer = await renewed.AttachSession(session.Id).EvaluateAsync("db.query", Client.WardenModel.Resource("Table", "orders"));
            Assert.DoesNotContain(answer.Reasons, r => r.Code is "session_revoked" or "agent_suspended");
            Assert.Equal(SessionStatus.Open, (await op.GetSessionAsync(tenantId, session.Id)).Session.Status);
        }
    }

    [Fact]
    public async Task RotateAgentCredential_BadRequests_ClearErrorsAndTheOldCredentialStays()
    {
        var (tenantId, _, agent) = await Scenario.AgentAsync(host, "kept");
        await using (agent)
        {
            await using var op = host.Operator();
            var noReason = await RpcAssert.FailsWith(StatusCode.InvalidArgument, () => op.RotateAgentCredentialAsync(tenantId, "kept", ""));
            Assert.Contains("reason", noReason.Status.Detail, StringComparison.Ordinal);
            var badId = await RpcAssert.FailsWith(StatusCode.InvalidArgument, () => op.RotateAgentCredentialAsync(tenantId, "bad/id", "x"));
            Assert.Contains("agent_id", badId.Status.Detail, StringComparison.Ordinal);
            await RpcAssert.FailsWith(StatusCode.NotFound, () => op.RotateAgentCredentialAsync(tenantId, "nobody", "x"));

            // Another tenant's operator cannot see the agent at all.
            var other = await Scenario.NewTenantAsync(host);
            var otherKey = (await op.CreateOperatorCredentialAsync(other, "other tenant's operator")).Credential;
            await using var stranger = host.Operator(otherKey);
            await RpcAssert.FailsWith(StatusCode.NotFound, () => stranger.RotateAgentCredentialAsync(tenantId, "kept", "not mine"));

            // None of these rotated anything: the original credential still opens sessions.
            Assert.False(string.IsNullOrEmpty((await Scenario.OpenSessionAsync(agent)).Id));

            // A retired agent keeps no credential to rotate.
            await op.RetireAgentAsync(tenantId, "kept", "done");
            await RpcAssert.FailsWith(StatusCode.FailedPrecondition, () => op.RotateAgentCredentialAsync(tenantId, "kept", "too late"));
        }
    }

    [Fact]
    public async Task AgentRuntime_BearerWithPaddedCredential_AuthenticatedAndCachedAlike()
    {
        var (_, credential, agent) = await Scenario.AgentAsync(host, "padded");
        await using (agent)
        {
            // The first call verifies through the agent grain, the second is answered from the cache: both see
            // the credential inside the padding.
            using var channel = host.Channel();
            var client = new AgentRuntime.AgentRuntimeClient(channel);
            var padded = new Metadata { { "authorization", "Bearer   " + credential } };
            var request = new OpenSessionRequest { Intent = new Intent { Task = "task" } };
            var first = await client.OpenSessionAsync(request, padded);
            var second = await client.OpenSessionAsync(request, padded);

            Assert.NotEqual(first.Session.SessionId, second.Session.SessionId);
        }
    }

    [Fact]
    public async Task AgentRuntime_TwoAuthorizationHeaders_Unauthenticated()
    {
        var (_, credential, agent) = await Scenario.AgentAsync(host, "doubled");
        await using (agent)
        {
            // Authenticated once, so a cached credential is at hand: a second header still makes the call anonymous.
            await Scenario.OpenSessionAsync(agent);
            using var channel = host.Channel();
            var client = new AgentRuntime.AgentRuntimeClient(channel);
            var doubled = new Metadata { { "authorization", "Bearer " + credential }, { "authorization", "Bearer " + credential } };
            await RpcAssert.FailsWith(StatusCode.Unauthenticated, async () => await client.OpenSessionAsync(new OpenSessionRequest { Intent = new Intent { Task = "task" } }, doubled));
        }
    }

    [Fact]
    public async Task AgentRuntime_CallsOnOneConnection_CredentialHashedOncePerHeaderString()
    {
        var (_, _, agent) = await Scenario.AgentAsync(host, "memo");
        await using (agent)
        {
            var authenticator = host.Services.GetRequiredService<CallerAuthenticator>();
            var session = await Scenario.OpenSessionAsync(agent);
            var before = authenticator.CredentialHashes;
            for (var i = 0; i < 20; i++)
            {
                await session.EvaluateAsync("db.query", Client.WardenModel.Resource("Table", "orders"));
            }

            // Kestrel reuses the header's string on the connection, so the credential is not hashed per call.
            var hashed = authenticator.CredentialHashes - before;
            Assert.True(hashed <= 5, $"the credential was hashed {hashed} times for 20 calls on one connection");
        }
    }

    [Fact]
    public void HeaderCacheKey_SameStringHashedOnce_SameTextSameKey_OtherCredentialOtherKey()
    {
        var authenticator = host.Services.GetRequiredService<CallerAuthenticator>();
        var header = "Bearer " + "wdn1.a.memo-tenant.memo-agent." + new string('k', 40);
        var token = 7..header.Length;
        var before = authenticator.CredentialHashes;

        var first = authenticator.HeaderCacheKey(header, token);
        Assert.Equal(first, authenticator.HeaderCacheKey(header, token));
        Assert.Equal(1, authenticator.CredentialHashes - before);

        // Another string with the same characters: hashed again, to the same key.
        var copy = new string(header.AsSpan());
        Assert.NotSame(header, copy);
        Assert.Equal(first, authenticator.HeaderCacheKey(copy, token));
        Assert.Equal(2, authenticator.CredentialHashes - before);

        // Another credential: another key; and the same string's credential range read differently is not served
        // from the memo either.
        var other = "Bearer " + "wdn1.a.memo-tenant.memo-agent." + new string('q', 40);
        Assert.NotEqual(first, authenticator.HeaderCacheKey(other, 7..other.Length));
        Assert.NotEqual(first, authenticator.HeaderCacheKey(header, 8..header.Length));
        Assert.Equal(4, authenticator.CredentialHashes - before);
    }
}
