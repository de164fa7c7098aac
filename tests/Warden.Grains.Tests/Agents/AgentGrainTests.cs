using System.Text.Json;
using Warden.Agents;
using Warden.Grains.Agents;
using Warden.Grains.Hosting;
using Warden.Grains.Tests.Cluster;
using Warden.Scopes;
using Warden.Sessions;
using static Warden.Grains.Tests.Cluster.Scenario;

namespace Warden.Grains.Tests.Agents;

[Collection(WardenClusterCollection.Name)]
public sealed class AgentGrainTests(WardenClusterFixture fixture)
{
    [Fact]
    public async Task Register_NewAgent_CredentialVerifiesAndIsStoredOnlyAsHash()
    {
        var tenantId = await fixture.NewTenantAsync();

        var registered = await fixture.NewAgentAsync(tenantId, "reporter");
        var verified = Ok(await fixture.Agent(tenantId, "reporter").VerifyCredentialAsync(registered.Credential.Token));
        var stored = await fixture.ReadStoredStateAsync<AgentState>(GrainTypes.Agent, GrainTypes.StateNames.Agent, WardenIds.AgentKey(tenantId, "reporter"));

        Assert.Equal("reporter", verified.AgentId);
        Assert.True(WardenCredential.TryParse(registered.Credential.Token, out var credential));
        Assert.Equal(credential.HashSecret(), stored.CredentialHash);
        var json = JsonSerializer.Serialize(stored);
        Assert.DoesNotContain(registered.Credential.Token.Split('.')[^1], json, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(credential.Secret.Span), json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_SameIdTwice_AlreadyExists()
    {
        var tenantId = await fixture.NewTenantAsync();
        await fixture.NewAgentAsync(tenantId, "dup");

        var again = await fixture.Tenant(tenantId).RegisterAgentAsync(new RegisterAgent("dup", "o", "d", [new ScopeEntry("*", "*")], "", [], [], Admin));

        Assert.Equal(CallStatus.AlreadyExists, again.Status);
    }

    [Fact]
    public async Task Register_BadSurfacePattern_InvalidArgumentNamingTheField()
    {
        var tenantId = await fixture.NewTenantAsync();

        var registered = await fixture.Tenant(tenantId).RegisterAgentAsync(new RegisterAgent("bad", "o", "d", [new ScopeEntry("doc.read", "Doc::\"a*b\"")], "", [], [], Admin));

        Assert.Equal(CallStatus.InvalidArgument, registered.Status);
        Assert.Equal("action_surface[0].resource", Assert.Single(registered.Error!.Violations).Field);
    }

    [Fact]
    public async Task VerifyCredential_ForgedOtherAgentOrOtherTenant_Unauthenticated()
    {
        var tenantId = await fixture.NewTenantAsync();
        var otherTenant = await fixture.NewTenantAsync();
        var bot = await fixture.NewAgentAsync(tenantId, "bot");
        await fixture.NewAgentAsync(tenantId, "other");
        await fixture.NewAgentAsync(otherTenant, "bot");
        var forged = WardenCredential.Create(CredentialKind.Agent, tenantId, "bot").ToToken();

        Assert.Equal(CallStatus.Unauthenticated, (await fixture.Agent(tenantId, "bot").VerifyCredentialAsync(forged)).Status);
        Assert.Equal(CallStatus.Unauthenticated, (await fixture.Agent(tenantId, "other").VerifyCredentialAsync(bot.Credential.Token)).Status);
        Assert.Equal(CallStatus.Unauthenticated, (await fixture.Agent(otherTenant, "bot").VerifyCredentialAsync(bot.Credential.Token)).Status);
        Assert.Equal(CallStatus.Unauthenticated, (await fixture.Agent(tenantId, "bot").VerifyCredentialAsync("not a token")).Status);
    }

    [Fact]
    public async Task RotateCredential_OldTokenStopsWorking()
    {
        var tenantId = await fixture.NewTenantAsync();
        var bot = await fixture.NewAgentAsync(tenantId, "bot");

        var rotated = Ok(await fixture.Agent(tenantId, "bot").RotateCredentialAsync(new StatusChange("leaked in a log", Admin)));

        Assert.Equal(CallStatus.Unauthenticated, (await fixture.Agent(tenantId, "bot").VerifyCredentialAsync(bot.Credential.Token)).Status);
        Assert.True((await fixture.Agent(tenantId, "bot").VerifyCredentialAsync(rotated.Token)).IsOk);
    }

    [Fact]
    public async Task RotateCredential_NoReason_InvalidArgumentAndTheOldTokenStillWorks()
    {
        var tenantId = await fixture.NewTenantAsync();
        var bot = await fixture.NewAgentAsync(tenantId, "bot");

        var refused = await fixture.Agent(tenantId, "bot").RotateCredentialAsync(new StatusChange(" ", Admin));

        Assert.Equal(CallStatus.InvalidArgument, refused.Status);
        Assert.Contains(refused.Error!.Violations, v => v.Field == "reason");
        Assert.True((await fixture.Agent(tenantId, "bot").VerifyCredentialAsync(bot.Credential.Token)).IsOk);
    }

    [Fact]
    public async Task Suspend_LiveSessions_DenyAfterReturnAndNewOnesAreRefused()
    {
        var tenantId = await fixture.NewTenantAsync();
        await fixture.NewAgentAsync(tenantId, "bot");
        var first = await fixture.OpenAsync(tenantId, "bot");
        var second = await fixture.OpenAsync(tenantId, "bot");

        var receipt = Ok(await fixture.Agent(tenantId, "bot").SuspendAsync(new StatusChange("misbehaving", Admin)));
        var d1 = await fixture.EvaluateAsync(tenantId, "bot", first.SessionId, Act("doc.read", "Doc", "x"));
        var d2 = await fixture.EvaluateAsync(tenantId, "bot", second.SessionId, Act("doc.read", "Doc", "x"));
        var reopened = await fixture.Agent(tenantId, "bot").OpenSessionAsync(new OpenSession(new Intent("t", "", "", "", ""), [], null));

        Assert.Equal(2, receipt.SessionsRevoked);
        Assert.Equal(ReasonCodes.AgentSuspended, d1.Code());
        Assert.Equal(ReasonCodes.AgentSuspended, d2.Code());
        Assert.Equal(CallStatus.FailedPrecondition, reopened.Status);
    }

    [Fact]
    public async Task Suspend_SessionDeactivatedBeforehand_StaysRevokedAfterReactivationFromStorage()
    {
        var tenantId = await fixture.NewTenantAsync();
        await fixture.NewAgentAsync(tenantId, "bot");
        var opened = await fixture.OpenAsync(tenantId, "bot");
        var session = fixture.Session(tenantId, opened.SessionId);
        await fixture.Cluster.DeactivateAsync(session);

        Ok(await fixture.Agent(tenantId, "bot").SuspendAsync(new StatusChange("misbehaving", Admin)));
        await fixture.Cluster.DeactivateAsync(session);
        var decision = await fixture.EvaluateAsync(tenantId, "bot", opened.SessionId, Act("doc.read", "Doc", "x"));

        Assert.Equal(ReasonCodes.AgentSuspended, decision.Code());
    }

    [Fact]
    public async Task Reactivate_SuspendedAgent_OpensAgainButOldSessionStaysRevoked()
    {
        var tenantId = await fixture.NewTenantAsync();
        await fixture.NewAgentAsync(tenantId, "bot");
        var old = await fixture.OpenAsync(tenantId, "bot");
        Ok(await fixture.Agent(tenantId, "bot").SuspendAsync(new StatusChange("check", Admin)));

        Ok(await fixture.Agent(tenantId, "bot").ReactivateAsync(new StatusChange("checked", Admin)));
        var registry = Ok(await fixture.Agent(tenantId, "bot").ListSessionsAsync());
        var reopened = await fixture.OpenAsync(tenantId, "bot");
        var decision = await fixture.EvaluateAsync(tenantId, "bot", old.SessionId, Act("doc.read", "Doc", "x"));
        var fresh = await fixture.EvaluateAsync(tenantId, "bot", reopened.SessionId, Act("doc.read", "Doc", "x"));

        // The reactivation ended the suspended sessions durably before it cleared the revocation table: the old session
        // left the registry and answers from its stored status, not from the (cleared) table.
        Assert.Empty(registry);
        Assert.Equal(ReasonCodes.AgentSuspended, decision.Code());
        Assert.Equal(SessionStatus.Revoked, Ok(await fixture.Session(tenantId, old.SessionId).GetAsync(Admin)).Status);

        // The reactivation cleared every silo's revocation table: the new session is not refused as suspended.
        Assert.NotEqual(ReasonCodes.AgentSuspended, fresh.Code());
    }

    [Fact]
    public async Task Retire_Agent_CredentialStopsWorkingAndCannotReactivate()
    {
        var tenantId = await fixture.NewTenantAsync();
        var bot = await fixture.NewAgentAsync(tenantId, "bot");

        Ok(await fixture.Agent(tenantId, "bot").RetireAsync(new StatusChange("decommissioned", Admin)));

        Assert.Equal(CallStatus.Unauthenticated, (await fixture.Agent(tenantId, "bot").VerifyCredentialAsync(bot.Credential.Token)).Status);
        Assert.Equal(CallStatus.FailedPrecondition, (await fixture.Agent(tenantId, "bot").ReactivateAsync(new StatusChange("oops", Admin))).Status);
    }

    [Fact]
    public async Task OperatorOfAnotherTenant_CannotSuspendRotateOrFreeze()
    {
        var tenantId = await fixture.NewTenantAsync();
        var otherId = await fixture.NewTenantAsync();
        await fixture.NewAgentAsync(tenantId, "bot");
        var stranger = Caller.Operator(otherId, "op1");

        var suspended = await fixture.Agent(tenantId, "bot").SuspendAsync(new StatusChange("not mine", stranger));
        var rotated = await fixture.Agent(tenantId, "bot").RotateCredentialAsync(new StatusChange("not mine", stranger));
        var frozen = await fixture.Tenant(tenantId).FreezeAsync(new StatusChange("not mine", stranger));

        Assert.Equal(CallStatus.PermissionDenied, suspended.Status);
        Assert.Equal(CallStatus.PermissionDenied, rotated.Status);
        Assert.Equal(CallStatus.PermissionDenied, frozen.Status);
        Assert.Equal(AgentStatus.Active, Ok(await fixture.Agent(tenantId, "bot").GetAsync()).Status);
    }

    [Fact]
    public async Task SessionActivation_AgentSuspendedButFanOutNeverArrived_RevokesItself()
    {
        var tenantId = await fixture.NewTenantAsync();
        await fixture.NewAgentAsync(tenantId, "bot");
        var opened = await fixture.OpenAsync(tenantId, "bot");
        var agentKey = WardenIds.AgentKey(tenantId, "bot");
        await fixture.Cluster.DeactivateAsync(fixture.Session(tenantId, opened.SessionId));
        await fixture.Cluster.DeactivateAsync(fixture.Agent(tenantId, "bot"));

        // The suspension is persisted (its first step) but the session never hears of it.
        await fixture.RewriteStoredStateAsync<AgentState>(GrainTypes.Agent, GrainTypes.StateNames.Agent, agentKey, s => s with { Status = AgentStatus.Suspended });
        var decision = await fixture.EvaluateAsync(tenantId, "bot", opened.SessionId, Act("doc.read", "Doc", "x"));

        Assert.Equal(ReasonCodes.AgentSuspended, decision.Code());
        Assert.Equal(SessionStatus.Revoked, Ok(await fixture.Session(tenantId, opened.SessionId).GetAsync(Admin)).Status);
    }

    [Fact]
    public async Task SessionActivation_TenantFrozenButFanOutNeverArrived_RevokesItself()
    {
        var tenantId = await fixture.NewTenantAsync();
        await fixture.NewAgentAsync(tenantId, "bot");
        var opened = await fixture.OpenAsync(tenantId, "bot");
        await fixture.Cluster.DeactivateAsync(fixture.Session(tenantId, opened.SessionId));
        await fixture.Cluster.DeactivateAsync(fixture.Tenant(tenantId));

        await fixture.RewriteStoredStateAsync<Warden.Grains.Tenants.TenantState>(GrainTypes.Tenant, GrainTypes.StateNames.Tenant, tenantId, s => s with { Status = Warden.Tenants.TenantStatus.Frozen });
        var decision = await fixture.EvaluateAsync(tenantId, "bot", opened.SessionId, Act("doc.read", "Doc", "x"));

        Assert.Equal(ReasonCodes.TenantFrozen, decision.Code());
    }
}
