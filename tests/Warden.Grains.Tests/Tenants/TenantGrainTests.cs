using System.Text.Json;
using Warden.Grains.Hosting;
using Warden.Grains.Tenants;
using Warden.Grains.Tests.Cluster;
using Warden.Sessions;
using Warden.Tenants;
using static Warden.Grains.Tests.Cluster.Scenario;

namespace Warden.Grains.Tests.Tenants;

[Collection(WardenClusterCollection.Name)]
public sealed class TenantGrainTests(WardenClusterFixture fixture)
{
    [Fact]
    public async Task Create_NewTenant_IsActiveWithNoPolicy()
    {
        var tenantId = await fixture.NewTenantAsync();

        var read = Ok(await fixture.Tenant(tenantId).GetAsync());

        Assert.Equal(TenantStatus.Active, read.Status);
        Assert.Equal(0, read.PolicyVersion);
    }

    [Fact]
    public async Task Create_Twice_AlreadyExists()
    {
        var tenantId = await fixture.NewTenantAsync();

        var again = await fixture.Tenant(tenantId).CreateAsync(new CreateTenant("Again", Admin));

        Assert.Equal(CallStatus.AlreadyExists, again.Status);
    }

    [Fact]
    public async Task Get_UnknownTenant_NotFound() =>
        Assert.Equal(CallStatus.NotFound, (await fixture.Tenant("never-created").GetAsync()).Status);

    [Fact]
    public async Task Create_MalformedTenantId_InvalidArgumentNamingTheField()
    {
        var created = await fixture.Tenant("bad/tenant").CreateAsync(new CreateTenant("Bad", Admin));

        Assert.Equal(CallStatus.InvalidArgument, created.Status);
        Assert.Equal("tenant_id", Assert.Single(created.Error!.Violations).Field);
    }

    [Fact]
    public async Task Create_MissingDisplayName_InvalidArgumentNamingTheField()
    {
        var created = await fixture.Tenant("t" + Guid.NewGuid().ToString("N")[..12]).CreateAsync(new CreateTenant(" ", Admin));

        Assert.Equal(CallStatus.InvalidArgument, created.Status);
        Assert.Equal("display_name", Assert.Single(created.Error!.Violations).Field);
    }

    [Fact]
    public async Task OperatorCredential_Issued_VerifiesAndIsStoredOnlyAsHash()
    {
        var tenantId = await fixture.NewTenantAsync();
        var tenant = fixture.Tenant(tenantId);

        var issued = Ok(await tenant.IssueOperatorCredentialAsync(new IssueOperatorCredential("alice", Admin)));
        var verified = Ok(await tenant.VerifyOperatorCredentialAsync(issued.Token));
        var stored = await fixture.ReadStoredStateAsync<TenantState>(GrainTypes.Tenant, GrainTypes.StateNames.Tenant, tenantId);

        Assert.Equal(issued.CredentialId, verified.CredentialId);
        Assert.True(WardenCredential.TryParse(issued.Token, out var credential));
        var record = Assert.Single(stored.OperatorCredentials, c => c.CredentialId == issued.CredentialId);
        Assert.Equal(credential.HashSecret(), record.SecretHash);
        var json = JsonSerializer.Serialize(stored);
        Assert.DoesNotContain(issued.Token.Split('.')[^1], json, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(credential.Secret.Span), json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OperatorCredential_WrongSecretRevokedOrOtherTenant_Unauthenticated()
    {
        var tenantId = await fixture.NewTenantAsync();
        var otherId = await fixture.NewTenantAsync();
        var tenant = fixture.Tenant(tenantId);
        var issued = Ok(await tenant.IssueOperatorCredentialAsync(new IssueOperatorCredential("alice", Admin)));
        var forged = WardenCredential.Create(CredentialKind.Operator, tenantId, issued.CredentialId).ToToken();

        var wrongSecret = await tenant.VerifyOperatorCredentialAsync(forged);
        var otherTenant = await fixture.Tenant(otherId).VerifyOperatorCredentialAsync(issued.Token);
        Ok(await tenant.RevokeOperatorCredentialAsync(issued.CredentialId, Admin));
        var revoked = await tenant.VerifyOperatorCredentialAsync(issued.Token);

        Assert.Equal(CallStatus.Unauthenticated, wrongSecret.Status);
        Assert.Equal(CallStatus.Unauthenticated, otherTenant.Status);
        Assert.Equal(CallStatus.Unauthenticated, revoked.Status);
    }

    [Fact]
    public async Task Freeze_LiveSessions_DenyAfterReturnAndNoSessionOpens()
    {
        var tenantId = await fixture.NewTenantAsync();
        await fixture.NewAgentAsync(tenantId, "a1");
        await fixture.NewAgentAsync(tenantId, "a2");
        var s1 = await fixture.OpenAsync(tenantId, "a1");
        var s2 = await fixture.OpenAsync(tenantId, "a2");

        var receipt = Ok(await fixture.Tenant(tenantId).FreezeAsync(new StatusChange("incident 42", Admin)));
        var d1 = await fixture.EvaluateAsync(tenantId, "a1", s1.SessionId, Act("doc.read", "Doc", "x"));
        var d2 = await fixture.EvaluateAsync(tenantId, "a2", s2.SessionId, Act("doc.read", "Doc", "x"));
        var reopened = await fixture.Agent(tenantId, "a1").OpenSessionAsync(new OpenSession(new Intent("t", "", "", "", ""), [], null));

        Assert.Equal(2, receipt.SessionsRevoked);
        Assert.Equal(ReasonCodes.TenantFrozen, d1.Code());
        Assert.Equal(ReasonCodes.TenantFrozen, d2.Code());
        Assert.Equal(CallStatus.FailedPrecondition, reopened.Status);

        // The sessions' durable end follows the receipt (the revocation table holds them meanwhile); that it happened
        // is checked by the reactivation, which must not bring them back (next test).
    }

    [Fact]
    public async Task Reactivate_FrozenTenant_OpensNewSessionsButRevokedStayRevoked()
    {
        var tenantId = await fixture.NewTenantAsync();
        await fixture.NewAgentAsync(tenantId, "a1");
        var before = await fixture.OpenAsync(tenantId, "a1");
        Ok(await fixture.Tenant(tenantId).FreezeAsync(new StatusChange("drill", Admin)));

        Ok(await fixture.Tenant(tenantId).ReactivateAsync(new StatusChange("drill over", Admin)));
        var after = await fixture.OpenAsync(tenantId, "a1");
        var old = await fixture.EvaluateAsync(tenantId, "a1", before.SessionId, Act("doc.read", "Doc", "x"));
        var fresh = await fixture.EvaluateAsync(tenantId, "a1", after.SessionId, Act("doc.read", "Doc", "x"));

        Assert.NotEqual(before.SessionId, after.SessionId);
        Assert.Equal(ReasonCodes.TenantFrozen, old.Code());

        // The reactivation cleared every silo's revocation table: the new session is not refused as frozen.
        Assert.NotEqual(ReasonCodes.TenantFrozen, fresh.Code());
    }

    [Fact]
    public async Task RegisterAgent_FrozenTenant_FailedPrecondition()
    {
        var tenantId = await fixture.NewTenantAsync();
        Ok(await fixture.Tenant(tenantId).FreezeAsync(new StatusChange("incident", Admin)));

        var registered = await fixture.Tenant(tenantId).RegisterAgentAsync(new Warden.Agents.RegisterAgent(
            "late", "o", "Late", [new Warden.Scopes.ScopeEntry("*", "*")], "", [], [], Admin));

        Assert.Equal(CallStatus.FailedPrecondition, registered.Status);
    }

    [Fact]
    public async Task ListAgents_TwoTenants_SeeOnlyTheirOwn()
    {
        var one = await fixture.NewTenantAsync();
        var two = await fixture.NewTenantAsync();
        await fixture.NewAgentAsync(one, "shared-name");
        await fixture.NewAgentAsync(two, "shared-name");
        await fixture.NewAgentAsync(two, "only-two");

        var listOne = Ok(await fixture.Tenant(one).ListAgentsAsync());
        var listTwo = Ok(await fixture.Tenant(two).ListAgentsAsync());

        Assert.Equal([one], listOne.Select(a => a.TenantId).Distinct());
        Assert.Equal(["only-two", "shared-name"], listTwo.Select(a => a.AgentId).Order());
    }

    [Fact]
    public async Task ListSessions_TwoAgents_ListsOpenSessionsOfEveryAgent()
    {
        var tenantId = await fixture.NewTenantAsync();
        await fixture.NewAgentAsync(tenantId, "a1");
        await fixture.NewAgentAsync(tenantId, "a2");
        var s1 = await fixture.OpenAsync(tenantId, "a1");
        var s2 = await fixture.OpenAsync(tenantId, "a2");

        var sessions = Ok(await fixture.Tenant(tenantId).ListSessionsAsync());

        Assert.Equal(new[] { s1.SessionId, s2.SessionId }.Order(), sessions.Select(s => s.SessionId).Order());
    }
}
