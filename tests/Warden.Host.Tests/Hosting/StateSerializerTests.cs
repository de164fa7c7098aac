using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Warden.Grains.Sessions;
using Warden.Host.Tests.Infrastructure;

namespace Warden.Host.Tests.Hosting;

[Collection(HostCollection.Name)]
public sealed class StateSerializerTests(WardenHostFixture host)
{
    [Fact]
    public void Host_GrainState_UsesOrleansBinarySerializerWithTheSessionStateEncoding()
    {
        var serializer = Assert.IsType<SessionStateStorageSerializer>(host.Services.GetRequiredService<IGrainStorageSerializer>());

        // Any other state type is Orleans' binary encoding, unchanged.
        var plain = ActivatorUtilities.CreateInstance<OrleansGrainStorageSerializer>(host.Services);
        var history = new SessionHistory { LastSequence = 3, Decisions = 1 };
        Assert.Equal(plain.Serialize(history).ToArray(), serializer.Serialize(history).ToArray());
        Assert.Equal(0xFF, serializer.Serialize(new SessionState()).ToArray()[0]);
    }
}
