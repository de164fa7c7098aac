using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace Warden.Host.Hosting;

/// <summary>
/// The <see cref="WardenHostOptions.InlineIoCompletions"/> switch: socket completions run on the socket engine's
/// thread (the runtime's <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS</c>) and Kestrel processes requests there
/// too (<see cref="SocketTransportOptions.UnsafePreferInlineScheduling"/>), instead of one thread-pool hand-off each.
/// </summary>
/// <remarks>
/// The runtime reads its variable once, when the process makes its first socket, so the switch must be applied before
/// any socket exists: <see cref="Program.Build"/> applies it right after reading the configuration, before the silo
/// and Kestrel are built. A variable the operator set explicitly (to any value) is left as it is.
/// </remarks>
public static class InlineIo
{
    /// <summary>The runtime's environment variable that runs socket completions inline.</summary>
    public const string SocketCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>The configuration key of the switch.</summary>
    public const string ConfigurationKey = WardenHostOptions.SectionName + ":" + nameof(WardenHostOptions.InlineIoCompletions);

    /// <summary>Applies the switch when the configuration turns it on; does nothing otherwise.</summary>
    public static WebApplicationBuilder AddWardenInlineIo(this WebApplicationBuilder builder) =>
        builder.AddWardenInlineIo(Environment.GetEnvironmentVariable, Environment.SetEnvironmentVariable);

    /// <summary>The same, with the process environment given (tests pass their own, the process's stays untouched).</summary>
    internal static WebApplicationBuilder AddWardenInlineIo(this WebApplicationBuilder builder, Func<string, string?> readVariable, Action<string, string> setVariable)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!builder.Configuration.GetValue<bool>(ConfigurationKey))
        {
            return builder;
        }

        if (readVariable(SocketCompletionsVariable) is null)
        {
            setVariable(SocketCompletionsVariable, "1");
        }

        builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true);
        return builder;
    }
}
