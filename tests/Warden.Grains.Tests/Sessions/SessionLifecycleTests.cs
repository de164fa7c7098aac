using Warden.Events;
using Warden.Grains.Tests.Cluster;
using Warden.Scopes;
using Warden.Sessions;
using static Warden.Grains.Tests.Cluster.Scenario;

namespace Warden.Grains.Tests.Sessions;

/// <summary>Session rules that hold whatever the policy: identity, tenancy, expiry, closing. No policy is published here.</summary>
[Collection(WardenClusterCollection.Name)]
public sealed class SessionLifecycleTests(WardenClusterFixture fixture)
{
    [Fact]
    public async Task Evaluate_NoGrant_Denies()
    {
        var tenantId = await fixture.NewTenantAsync();
        await fixture.NewAgentAsync(tenantId, "bot");
        var opened = await fixture.OpenAsync(tenantId, "bot");

        var decision = await fixture.EvaluateAsync(tenantId, "bot", opened.SessionId, Act("doc.read", "Doc", "x"));

        Assert.Equal(DecisionEffect.Deny, decision.Effect);
        Assert.Equal(ReasonCodes.NoGrant, decision.Code());
        Assert.Equal($"{opened.SessionId}.{decision.Sequence}", decision.DecisionId);
    }

    [Fact]
    public async Task Open_NoPolicyPublished_IssuesNothingAndSaysWhy()
    {
        var tenantId = await fixture.NewTenantAsync();
        await fixture.NewAgentAsync(tenantId, "bot", new ScopeEntry("doc.read", "Doc::*"));

        var opened = await fixture.OpenAsync(tenantId, "bot", new ScopeRequest("doc.read", "Doc::\"a\""), new ScopeRequest("email.send", "Mail::*"));

        Assert.Empty(opened.Grants);
        Assert.Equal([ReasonCodes.NoPolicy, ReasonCodes.OutsideSurface], opened.Refused.Select(r => r.Code));
    }

    [Fact]
    public async Task Evaluate_AnotherAgentOfTheTenant_PermissionDenied()
    {
        var tenantId = await fixture.NewTenantAsync();
        await fixture.NewAgentAsync(tenantId, "owner");
        await fixture.NewAgentAsync(tenantId, "intruder");
        var opened = await fixture.OpenAsync(tenantId, "owner");
        var session = fixture.Session(tenantId, opened.SessionId);
        var intruder = Caller.Agent(tenantId, "intruder");

        Assert.Equal(CallStatus.PermissionDenied, (await session.EvaluateAsync(intruder, Act("doc.read", "Doc", "x"))).Status);
        Assert.Equal(CallStatus.PermissionDenied, (await session.CloseAsync(intruder)).Status);
        Assert.Equal(CallStatus.PermissionDenied, (await session.GetAsync(intruder)).Status);
        Assert.Equal(CallStatus.PermissionDenied, (await session.RequestGrantAsync(intruder, new GrantRequest([new ScopeRequest("doc.read", "Doc::*")], "need it", null))).Status);
    }

    [Fact]
    public async Task Evaluate_CallerFromAnotherTenant_PermissionDeniedAndOtherTenantKeyNotFound()
    {
        var tenantId = await fixture.NewTenantAsync();
        var otherId = await fixture.NewTenantAsync();
        await fixture.NewAgentAsync(tenantId, "bot");
        await fixture.NewAgentAsync(otherId, "bot");
        var opened = await fixture.OpenAsync(tenantId, "bot");

        var wrongCaller = await fixture.Session(tenantId, opened.SessionId).EvaluateAsync(Caller.Agent(otherId, "bot"), Act("doc.read", "Doc", "x"));
        var wrongKey = await fixture.Session(otherId, opened.SessionId).EvaluateAsync(Caller.Agent(otherId, "bot"), Act("doc.read", "Doc", "x"));
        var otherOperator = await fixture.Session(tenantId, opened.SessionId).RevokeAsync(Caller.Operator(otherId, "op1"), "not mine");

        Assert.Equal(CallStatus.PermissionDenied, wrongCaller.Status);
        Assert.Equal(CallStatus.NotFound, wrongKey.Status);
        Assert.Equal(CallStatus.PermissionDenied, otherOperator.Status);
    }

    [Fact]
    public async Task Evaluate_MalformedRequest_InvalidArgumentNamingFields()
    {
        var tenantId = await fixture.NewTenantAsync();
        await fixture.NewAgentAsync(tenantId, "bot");
        var opened = await fixture.OpenAsync(tenantId, "bot");

        var result = await fixture.Session(tenantId, opened.SessionId).EvaluateAsync(
            Caller.Agent(tenantId, "bot"), new EvaluationRequest("bad action!", new ResourceRef("1Doc", "", null, []), new string('x', WardenLimits.MaxInputJsonLength + 1)));

        Assert.Equal(CallStatus.InvalidArgument, result.Status);
        Assert.Equal(["action", "resource.type", "resource.id", "input"], result.Error!.Violations.Select(v => v.Field));
    }

    [Fact]
    public async Task Evaluate_UnknownSession_NotFound()
    {
        var tenantId = await fixture.NewTenantAsync();
        await fixture.NewAgentAsync(tenantId, "bot");

        var result = await fixture.Session(tenantId, WardenIds.NewSessionId()).EvaluateAsync(Caller.Agent(tenantId, "bot"), Act("doc.read", "Doc", "x"));

        Assert.Equal(CallStatus.NotFound, result.Status);
    }

    [Fact]
    public async Task Open_TtlAboveCap_InvalidArgument()
    {
        var tenantId = await fixture.NewTenantAsync();
        await fixture.NewAgentAsync(tenantId, "bot");

        var opened = await fixture.Agent(tenantId, "bot").OpenSessionAsync(new OpenSession(new Intent("t", "", "", "", ""), [], TimeSpan.FromDays(1)));

        Assert.Equal(CallStatus.InvalidArgument, opened.Status);
        Assert.Equal("ttl", Assert.Single(opened.Error!.Violations).Field);
    }

    [Fact]
    public async Task Open_NoTtl_GetsTheShortDefault()
    {
        var tenantId = await fixture.NewTenantAsync();
        await fixture.NewAgentAsync(tenantId, "bot");

        var opened = await fixture.OpenAsync(tenantId, "bot");

        Assert.Equal(TimeSpan.FromMinutes(5), opened.ExpiresAt - opened.OpenedAt);
    }

    [Fact]
    public async Task Evaluate_AtExpiryBeforeAnyTimerFired_DeniesByTheClock()
    {
        var tenantId = await fixture.NewTenantAsync();
        await fixture.NewAgentAsync(tenantId, "bot");
        var opened = await fixture.OpenAsync(tenantId, "bot", TimeSpan.FromMinutes(2), string.Empty);

        fixture.JumpTo(opened.ExpiresAt);
        var decision = await fixture.EvaluateAsync(tenantId, "bot", opened.SessionId, Act("doc.read", "Doc", "x"));
        var info = Ok(await fixture.Session(tenantId, opened.SessionId).GetAsync(Admin));

        Assert.Equal(ReasonCodes.SessionExpired, decision.Code());
        Assert.Equal(SessionStatus.Open, info.Status);
    }

    [Fact]
    public async Task ExpiryTimer_PastExpiry_ClosesTheSessionAndLeavesTheAgentRegistry()
    {
        var tenantId = await fixture.NewTenantAsync();
        await fixture.NewAgentAsync(tenantId, "bot");
        var opened = await fixture.OpenAsync(tenantId, "bot", TimeSpan.FromMinutes(2), string.Empty);
        await using var probe = await EventProbe.ForSessionAsync(fixture, tenantId, opened.SessionId);

        // Past expiry and the sweep delay (20 s in this cluster), before the reminder (60 s).
        fixture.JumpTo(opened.ExpiresAt + TimeSpan.FromSeconds(21));
        var ended = await probe.WaitForAsync<SessionEndedEvent>();
        var info = Ok(await fixture.Session(tenantId, opened.SessionId).GetAsync(Admin));

        Assert.Equal(SessionStatus.Expired, ended.Status);
        Assert.Equal("system:warden", ended.Actor);
        Assert.Equal(SessionStatus.Expired, info.Status);
        Assert.DoesNotContain(Ok(await fixture.Agent(tenantId, "bot").ListSessionsAsync()), s => s.SessionId == opened.SessionId);
    }

    [Fact]
    public async Task ExpiryReminder_ActivationLost_ClosesTheSessionFromStorage()
    {
        var tenantId = await fixture.NewTenantAsync();
        await fixture.NewAgentAsync(tenantId, "bot");
        var opened = await fixture.OpenAsync(tenantId, "bot", TimeSpan.FromMinutes(2), string.Empty);
        await using var probe = await EventProbe.ForSessionAsync(fixture, tenantId, opened.SessionId);
        await fixture.Cluster.DeactivateAsync(fixture.Session(tenantId, opened.SessionId));

        // Past the reminder's due time (expiry + 60 s in this cluster), with no activation and so no grain timer.
        fixture.JumpTo(opened.ExpiresAt + TimeSpan.FromSeconds(61));
        var ended = await probe.WaitForAsync<SessionEndedEvent>();

        Assert.Equal(SessionStatus.Expired, ended.Status);
    }

    [Fact]
    public async Task Close_BySessionAgent_EndsItAndEveryLaterDecisionDenies()
    {
        var tenantId = await fixture.NewTenantAsync();
        await fixture.NewAgentAsync(tenantId, "bot");
        var opened = await fixture.OpenAsync(tenantId, "bot");

        var closed = Ok(await fixture.Session(tenantId, opened.SessionId).CloseAsync(Caller.Agent(tenantId, "bot")));
        var decision = await fixture.EvaluateAsync(tenantId, "bot", opened.SessionId, Act("doc.read", "Doc", "x"));

        Assert.Equal(SessionStatus.Closed, closed.Status);
        Assert.Equal(ReasonCodes.SessionClosed, decision.Code());
    }

    [Fact]
    public async Task Revoke_ByOperator_ReturnsReceiptAndEveryLaterDecisionDenies()
    {
        var tenantId = await fixture.NewTenantAsync();
        await fixture.NewAgentAsync(tenantId, "bot");
        var opened = await fixture.OpenAsync(tenantId, "bot");
        var session = fixture.Session(tenantId, opened.SessionId);

        var byAgent = await session.RevokeAsync(Caller.Agent(tenantId, "bot"), "self");
        var receipt = Ok(await session.RevokeAsync(Caller.Operator(tenantId, "op1"), "looks wrong"));
        var decision = await fixture.EvaluateAsync(tenantId, "bot", opened.SessionId, Act("doc.read", "Doc", "x"));

        Assert.Equal(CallStatus.PermissionDenied, byAgent.Status);
        Assert.Equal(1, receipt.SessionsRevoked);
        Assert.Equal(ReasonCodes.SessionRevoked, decision.Code());
    }
}
