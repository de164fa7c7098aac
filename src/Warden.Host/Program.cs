using Warden.Host.Health;
using Warden.Host.Hosting;
using Warden.Host.Lineage;

namespace Warden.Host;

/// <summary>The Warden host: one process with the Orleans silo, the gRPC API and the HTTP endpoint.</summary>
public static class Program
{
    /// <summary>The host-configuration switch that stops the default builder watching the content root.</summary>
    internal const string ReloadOff = "--hostBuilder:reloadConfigOnChange=false";

    /// <summary>Runs the host until it is stopped.</summary>
    public static Task Main(string[] args) => Build(args).RunAsync();

    /// <summary>Builds the host; tests call this with their own configuration.</summary>
    /// <param name="args">Command-line arguments (<see cref="CommandLineSwitches"/> and <c>--Warden:Key value</c>).</param>
    /// <param name="configure">Extra configuration applied before the services are added.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // The default builder reloads appsettings on change by watching the content root (the working directory)
        // recursively; the default data folder (.data: SQLite databases and WAL files written on every decision)
        // lives under it, so every decision also woke the watcher. Configuration is read once at start; a later
        // "--hostBuilder:reloadConfigOnChange=true" in args still turns the reload back on (the last value wins).
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [ReloadOff, .. args] });
        builder.Configuration.AddCommandLine(args, CommandLineSwitches.Mappings);
        configure?.Invoke(builder);

        // First, before anything makes a socket: the runtime reads its inline-completions switch once.
        builder.AddWardenInlineIo();
        builder.AddWardenEndpoints();
        builder.AddWardenSilo();
        builder.Services.AddWardenStateSerializer();
        builder.AddWardenLineage();
        builder.Services.AddWardenGrpc();
        builder.Services.AddWardenHealth();

        var app = builder.Build();
        app.UseWardenRequestActivities();
        app.MapWardenGrpc();
        app.MapWardenLineage();
        app.MapWardenHealth();
        return app;
    }
}
