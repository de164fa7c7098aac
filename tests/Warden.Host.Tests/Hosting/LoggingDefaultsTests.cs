using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Warden.Host.Tests.Infrastructure;

namespace Warden.Host.Tests.Hosting;

public sealed class LoggingDefaultsTests
{
    private const string RequestLogCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    [Fact]
    public async Task Host_NothingConfigured_DoesNotLogEveryRequest()
    {
        await using var app = Program.Build(Args());

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(RequestLogCategory);

        // Off at every level: enabled at any, ASP.NET makes an activity and a log scope for every request.
        Assert.False(logger.IsEnabled(LogLevel.Critical));
        Assert.False(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Microsoft.AspNetCore.Routing").IsEnabled(LogLevel.Information));
        Assert.True(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Microsoft.AspNetCore.Server.Kestrel").IsEnabled(LogLevel.Warning));
        Assert.True(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Warden.Grains").IsEnabled(LogLevel.Information));
    }

    [Theory]
    [InlineData("Microsoft.AspNetCore.Hosting.Diagnostics")]
    [InlineData("Microsoft.AspNetCore.Hosting")]
    public async Task Host_RequestLoggerLevelConfigured_ConfigurationWins(string category)
    {
        await using var app = Program.Build([.. Args(), "--Logging:LogLevel:" + category, "Warning"]);

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(RequestLogCategory);

        Assert.True(logger.IsEnabled(LogLevel.Warning));
        Assert.False(logger.IsEnabled(LogLevel.Information));
    }

    [Fact]
    public async Task Host_RequestLogsConfigured_ConfigurationWins()
    {
        await using var app = Program.Build([.. Args(), "--Logging:LogLevel:Microsoft.AspNetCore", "Information"]);

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(RequestLogCategory);

        Assert.True(logger.IsEnabled(LogLevel.Information));
    }

    private static string[] Args() =>
    [
        "--grpc-port", "0",
        "--http-port", "0",
        "--silo-port", Warden.Testing.FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--gateway-port", Warden.Testing.FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--data", Path.Combine(Path.GetTempPath(), "warden-logging-" + Guid.NewGuid().ToString("N")),
    ];
}
