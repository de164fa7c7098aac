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

        // Twice over: the second round is served from the recent references.
        for (var round = 0; round < 2; round++)
        {
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

    [Fact]
    public void Get_SameSessionAgain_SameReference_AnotherTenantsSessionOfTheSameId_ItsOwn()
    {
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        var references = new SessionGrainReferences(grains);
        var sessionId = Guid.NewGuid().ToString("N");

        var first = references.Get("t-a", sessionId);
        var again = references.Get("t-a", new string(sessionId.AsSpan()));
        var other = (GrainReference)references.Get("t-b", sessionId);
        var afterOther = (GrainReference)references.Get("t-a", sessionId);

        Assert.Same(first, again);
        Assert.Equal(grains.GetGrain<ISessionGrain>(WardenIds.SessionKey("t-b", sessionId)).GetGrainId(), other.GrainId);
        Assert.Equal(grains.GetGrain<ISessionGrain>(WardenIds.SessionKey("t-a", sessionId)).GetGrainId(), afterOther.GrainId);
    }

    [Fact]
    public void Get_MoreSessionsThanSlots_EveryReferenceItsOwnSession()
    {
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        var references = new SessionGrainReferences(grains);
        var ids = Enumerable.Range(0, SessionGrainReferences.Slots * 2).Select(_ => Guid.NewGuid().ToString("N")).ToArray();

        for (var round = 0; round < 2; round++)
        {
            foreach (var id in ids)
            {
                var reference = (GrainReference)references.Get("t-many", id);
                Assert.Equal(grains.GetGrain<ISessionGrain>(WardenIds.SessionKey("t-many", id)).GetGrainId(), reference.GrainId);
            }
        }
    }
}
