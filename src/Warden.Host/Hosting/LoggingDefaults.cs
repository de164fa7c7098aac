using Microsoft.Extensions.Configuration.Memory;

namespace Warden.Host.Hosting;

/// <summary>
/// Log levels the host starts with when nothing is configured. ASP.NET Core logs every request at Information
/// ("Request starting", "Executing endpoint", "Executed endpoint", "Request finished"): four console lines per
/// Evaluate, which would cost more than the decision itself. They are Warning by default here, and ASP.NET's request
/// logger (<see cref="RequestLogCategory"/>) is off: enabled at any level, it makes ASP.NET create an activity and
/// begin a log scope for every request, ~1 µs of CPU and ~0.5 KB per decision, though at Warning it logs nothing per
/// request.
/// </summary>
/// <remarks>
/// What the request logger's category logs at Warning and above is about starting the host (a pipeline that failed to
/// build, which the host then also reports as its own start failure; a hosting-startup assembly that failed to load,
/// which Warden does not use; URLs that override configured ports, which Kestrel's explicit endpoints here ignore).
/// Request logs stay available: configuring a level for <c>Microsoft.AspNetCore</c>,
/// <c>Microsoft.AspNetCore.Hosting</c> or <see cref="RequestLogCategory"/> (e.g.
/// <c>--Logging:LogLevel:Microsoft.AspNetCore Information</c>) leaves that category to the configuration. Decision
/// spans still join the agent's trace: <see cref="RequestActivities"/> asks for the request activity while they have
/// listeners.
/// </remarks>
public static class LoggingDefaults
{
    /// <summary>The category of ASP.NET's request logger (its per-request logs and scope).</summary>
    public const string RequestLogCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    private const string LevelSection = "Logging:LogLevel:";

    /// <summary>The defaults, as configuration keys.</summary>
    public static IReadOnlyDictionary<string, string?> Values { get; } = new Dictionary<string, string?>(StringComparer.Ordinal)
    {
        [LevelSection + "Microsoft.AspNetCore"] = "Warning",
    };

    /// <summary>The request logger's default, applied unless the configuration sets a level that covers it.</summary>
    public static KeyValuePair<string, string?> RequestLogDefault { get; } = new(LevelSection + RequestLogCategory, "None");

    // Configured levels that name the request logger's category or a prefix of it below "Microsoft" (which the
    // Microsoft.AspNetCore default above already overrides).
    private static readonly string[] RequestLogLevelKeys =
    [
        LevelSection + "Microsoft.AspNetCore",
        LevelSection + "Microsoft.AspNetCore.Hosting",
        LevelSection + RequestLogCategory,
    ];

    /// <summary>
    /// Adds <see cref="Values"/> as the first (lowest-priority) configuration source, with <see cref="RequestLogDefault"/>
    /// unless the configuration already sets a level for ASP.NET's request logger or a category above it.
    /// </summary>
    /// <param name="builder">The host builder.</param>
    public static WebApplicationBuilder AddWardenLoggingDefaults(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // Read before the defaults go in: only what the operator (or a test) configured counts.
        var requestLogsConfigured = Array.Exists(RequestLogLevelKeys, key => builder.Configuration[key] is not null);
        var values = requestLogsConfigured ? Values : new Dictionary<string, string?>(Values) { [RequestLogDefault.Key] = RequestLogDefault.Value };

        // INVARIANT: first source, so appsettings, environment variables and the command line all override it.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = values });
        return builder;
    }
}
