using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Warden.Host.Tests.Infrastructure;

namespace Warden.Host.Tests.Hosting;

public sealed class InlineSchedulingTests
{
    [Fact]
    public async Task Host_NothingConfigured_QueuesRequestsToTheThreadPool()
    {
        await using var app = Program.Build(Args());

        Assert.False(SocketOptions(app).UnsafePreferInlineScheduling);
    }

    [Fact]
    public async Task Host_InlineSchedulingConfigured_RunsRequestsOnTheSocketThreads()
    {
        await using var app = Program.Build([.. Args(), "--Warden:InlineScheduling", "true"]);

        Assert.True(SocketOptions(app).UnsafePreferInlineScheduling);
    }

    private static SocketTransportOptions SocketOptions(WebApplication app) =>
        app.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value;

    private static string[] Args() =>
    [
        "--grpc-port", "0",
        "--http-port", "0",
        "--silo-port", FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--gateway-port", FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--data", Path.Combine(Path.GetTempPath(), "warden-inline-" + Guid.NewGuid().ToString("N")),
    ];
}
