using System.Net;
using System.Net.Sockets;

namespace Warden.Host.Tests.Infrastructure;

/// <summary>Loopback ports nobody listens on right now (for the silo, which cannot bind port 0).</summary>
internal static class FreePorts
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
