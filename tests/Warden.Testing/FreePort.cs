using System.Net;
using System.Net.Sockets;

namespace Warden.Testing;

/// <summary>Free TCP ports on loopback.</summary>
public static class FreePort
{
    /// <summary>
    /// A port that was free on 127.0.0.1 a moment ago (the OS picked it for a listener that is closed again).
    /// Another process may still take it before you bind: a caller that can, passes port 0 to its server and reads
    /// the port back instead (as <see cref="AzuriteFixture"/> does).
    /// </summary>
    /// <returns>The port.</returns>
    public static int Next()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)listener.LocalEndPoint!).Port;
    }

    /// <summary><paramref name="count"/> distinct free ports, held open together while they are chosen.</summary>
    /// <param name="count">How many.</param>
    /// <returns>The ports.</returns>
    public static IReadOnlyList<int> Next(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var sockets = new List<Socket>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                sockets.Add(socket);
                socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            }

            return sockets.Select(s => ((IPEndPoint)s.LocalEndPoint!).Port).ToArray();
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }
    }
}
