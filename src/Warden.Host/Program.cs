using Warden.Host.Health;
using Warden.Host.Hosting;
using Warden.Host.Lineage;

namespace Warden.Host;

/// <summary>The Warden host: one process with the Orleans silo, the gRPC API and the HTTP endpoint.</summary>
public static class Program
{
    /// <summary>Runs the host until it is stopped.</summary>
    public static Task Main(string[] args) => Build(args).RunAsync();

    /// <summary>Builds the host; tests call this with their own configuration.</summary>
    /// <param name="args">Command-line arguments (<see cref="CommandLineSwitches"/> and <c>--Warden:Key value</c>).</param>
    /// <param name="configure">Extra configuration applied before the services are added.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration.AddCommandLine(args, CommandLineSwitches.Mappings);
        configure?.Invoke(builder);

        builder.AddWardenEndpoints();
        builder.AddWardenSilo();
        builder.Services.AddWardenStateSerializer();
        builder.AddWardenLineage();
        builder.Services.AddWardenGrpc();
        builder.Services.AddWardenHealth();

        var app = builder.Build();
        app.MapWardenGrpc();
        app.MapWardenLineage();
        app.MapWardenHealth();
        return app;
    }
}
