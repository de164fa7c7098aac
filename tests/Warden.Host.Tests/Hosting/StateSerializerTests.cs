using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Warden.Host.Tests.Infrastructure;

namespace Warden.Host.Tests.Hosting;

[Collection(HostCollection.Name)]
public sealed class StateSerializerTests(WardenHostFixture host)
{
    [Fact]
    public void Host_GrainState_UsesOrleansBinarySerializer()
    {
        Assert.IsType<OrleansGrainStorageSerializer>(host.Services.GetRequiredService<IGrainStorageSerializer>());
    }
}
