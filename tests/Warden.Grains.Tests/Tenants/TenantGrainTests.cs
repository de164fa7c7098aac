using Warden.Grains.Tests.Cluster;
using Warden.Tenants;

namespace Warden.Grains.Tests.Tenants;

[Collection(WardenClusterCollection.Name)]
public sealed class TenantGrainTests(WardenClusterFixture fixture)
{
    [Fact]
    public async Task Create_NewTenant_IsActiveWithNoPolicy()
    {
        var tenant = fixture.Client.GetGrain<ITenantGrain>("t-create");

        var created = await tenant.CreateAsync(new CreateTenant("Create", Caller.Operator("admin")));
        fixture.Clock.Advance(TimeSpan.FromMinutes(10));
        var read = await tenant.GetAsync();

        Assert.True(created.IsOk);
        Assert.Equal(TenantStatus.Active, read.Value!.Status);
        Assert.Equal(0, read.Value.PolicyVersion);
    }
}
