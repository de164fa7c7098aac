using Microsoft.Extensions.Configuration.Memory;

namespace Warden.Host.Hosting;

/// <summary>
/// Log levels the host starts with when nothing is configured. ASP.NET Core logs every request at Information
/// ("Request starting", "Executing endpoint", "Executed endpoint", "Request finished"): four console lines per
/// Evaluate, which would cost more than the decision itself. They are Warning by default here.
/// </summary>
public static class LoggingDefaults
{
    /// <summary>The defaults, as configuration keys.</summary>
    public static IReadOnlyDictionary<string, string?> Values { get; } = new Dictionary<string, string?>(StringComparer.Ordinal)
    {
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
    };

    /// <summary>Adds <see cref="Values"/> as the first (lowest-priority) configuration source.</summary>
    /// <param name="builder">The host builder.</param>
    public static WebApplicationBuilder AddWardenLoggingDefaults(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // INVARIANT: first source, so appsettings, environment variables and the command line all override it.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = Values });
        return builder;
    }
}
