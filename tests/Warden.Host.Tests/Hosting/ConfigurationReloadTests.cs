using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Warden.Host.Tests.Infrastructure;

namespace Warden.Host.Tests.Hosting;

public sealed class ConfigurationReloadTests
{
    [Fact]
    public async Task Host_Default_DoesNotWatchAppSettingsForChanges()
    {
        await using var app = Program.Build(Args());

        var json = JsonSources(app);

        // The default builder adds appsettings.json and appsettings.{Environment}.json; none may reload on change,
        // or the content root (and the data folder under it) is watched recursively.
        Assert.NotEmpty(json);
        Assert.All(json, source => Assert.False(source.ReloadOnChange, source.Path));
    }

    [Fact]
    public async Task Host_ReloadRequestedOnCommandLine_WatchesAppSettings()
    {
        await using var app = Program.Build([.. Args(), "--hostBuilder:reloadConfigOnChange=true"]);

        Assert.Contains(JsonSources(app), source => source.ReloadOnChange);
    }

    private static List<FileConfigurationSource> JsonSources(WebApplication app) =>
        ((IConfigurationRoot)app.Configuration).Providers.OfType<JsonConfigurationProvider>().Select(provider => provider.Source).ToList();

    private static string[] Args() =>
    [
        "--grpc-port", "0",
        "--http-port", "0",
        "--silo-port", Warden.Testing.FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--gateway-port", Warden.Testing.FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--data", Path.Combine(Path.GetTempPath(), "warden-reload-" + Guid.NewGuid().ToString("N")),
    ];
}
