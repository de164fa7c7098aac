using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Warden.Host.Hosting;

/// <summary>The addresses Kestrel actually bound (a configured port 0 becomes a real port once the host has started).</summary>
public sealed class BoundEndpoints
{
    internal ListenOptions? GrpcListen { get; set; }

    internal ListenOptions? HttpListen { get; set; }

    /// <summary>The gRPC endpoint, for example <c>http://127.0.0.1:5080</c>.</summary>
    public Uri Grpc => ToUri(GrpcListen, "gRPC");

    /// <summary>The HTTP/1.1 endpoint, for example <c>http://127.0.0.1:5081</c>.</summary>
    public Uri Http => ToUri(HttpListen, "HTTP");

    private static Uri ToUri(ListenOptions? listen, string name)
    {
        if (listen?.IPEndPoint is not { } endpoint)
        {
            throw new InvalidOperationException($"The {name} endpoint is not bound yet.");
        }

        var host = endpoint.Address.Equals(IPAddress.Any) ? IPAddress.Loopback : endpoint.Address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback : endpoint.Address;
        return new UriBuilder(Uri.UriSchemeHttp, host.ToString(), endpoint.Port).Uri;
    }
}
