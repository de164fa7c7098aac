using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Warden.Host.Hosting;

/// <summary>Kestrel: an HTTP/2-only endpoint for gRPC and a separate HTTP/1.1 endpoint.</summary>
public static class EndpointHosting
{
    /// <summary>
    /// Binds the <c>Warden</c> options and configures Kestrel's two endpoints from them, with the host's default
    /// log levels (<see cref="LoggingDefaults"/>: no per-request logs unless configured).
    /// </summary>
    public static WebApplicationBuilder AddWardenEndpoints(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddWardenLoggingDefaults();
        builder.Services.AddOptions<WardenHostOptions>()
            .Bind(builder.Configuration.GetSection(WardenHostOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        var bound = new BoundEndpoints();
        builder.Services.AddSingleton(bound);
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var options = kestrel.ApplicationServices.GetRequiredService<IOptions<WardenHostOptions>>().Value;
            if (!IPAddress.TryParse(options.ListenAddress, out var address))
            {
                throw new OptionsValidationException(WardenHostOptions.SectionName, typeof(WardenHostOptions), [$"Warden:ListenAddress '{options.ListenAddress}' is not an IP address."]);
            }

            // gRPC without TLS needs HTTP/2 with prior knowledge: an HTTP/2-only endpoint.
            kestrel.Listen(address, options.GrpcPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                bound.GrpcListen = listen;
            });
            kestrel.Listen(address, options.HttpPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                bound.HttpListen = listen;
            });
            kestrel.Limits.Http2.MaxStreamsPerConnection = 1024;
        });
        return builder;
    }
}
