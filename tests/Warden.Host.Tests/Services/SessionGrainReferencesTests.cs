using Microsoft.Extensions.DependencyInjection;
using Warden.Host.Services;
using Warden.Host.Tests.Infrastructure;
using Warden.Sessions;

namespace Warden.Host.Tests.Services;

[Collection(HostCollection.Name)]
public sealed class SessionGrainReferencesTests(WardenHostFixture host)
{
    [Fact]
    public void Get_FirstAndLaterCalls_BuildTheReferenceOrleansBuilds()
    {
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        var references = new SessionGrainReferences(grains);

        foreach (var (tenant, session) in new[] { ("t-refs", "s-1"), ("t-refs", "s-2"), ("other", "s-1") })
        {
            var expected = (GrainReference)grains.GetGrain<ISessionGrain>(WardenIds.SessionKey(tenant, session));
            var actual = (GrainReference)references.Get(tenant, session);

            Assert.Equal(expected.GrainId, actual.GrainId);
            Assert.Equal(expected.InterfaceType, actual.InterfaceType);
            Assert.Equal(expected.GetType(), actual.GetType());
        }
    }
}
