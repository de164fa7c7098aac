using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Warden.Grains.Options;

namespace Warden.Host.Tests.Hosting;

/// <summary>The host binds <see cref="WardenEventOptions"/> from <c>Warden:Events</c>; decisions stay off session streams unless asked.</summary>
public sealed class EventOptionsTests
{
    [Fact]
    public async Task Host_Default_SessionStreamDecisionsOff()
    {
        await using var app = Program.Build(Args());

        Assert.False(app.Services.GetRequiredService<IOptions<WardenEventOptions>>().Value.SessionStreamDecisions);
    }

    [Fact]
    public async Task Host_SessionStreamDecisionsConfigured_BindsIt()
    {
        await using var app = Program.Build([.. Args(), "--Warden:Events:SessionStreamDecisions", "true"]);

        Assert.True(app.Services.GetRequiredService<IOptions<WardenEventOptions>>().Value.SessionStreamDecisions);
    }

    private static string[] Args() =>
    [
        "--grpc-port", "0",
        "--http-port", "0",
        "--silo-port", Warden.Testing.FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--gateway-port", Warden.Testing.FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--data", Path.Combine(Path.GetTempPath(), "warden-events-" + Guid.NewGuid().ToString("N")),
    ];
}
