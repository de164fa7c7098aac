using System.Net;
using System.Net.Sockets;

namespace Warden.Testing;

/// <summary>
/// Free TCP ports on loopback for servers that must be told their port before they bind (an Orleans silo and gateway,
/// a child host process).
/// </summary>
/// <remarks>
/// The ports come from <see cref="FirstPort"/>–<see cref="LastPort"/>: below Linux's ephemeral range (32768–60999 by
/// default; Windows and macOS start theirs at 49152) and above the ranges Orleans' own test clusters take their silo and
/// gateway ports from (12000–30000, <c>TestClusterPortAllocator</c>). A port the OS hands out for <c>bind(0)</c> is an
/// ephemeral port: in a parallel test run, any outgoing connection of another test process (a gRPC client, Azurite, a
/// silo dialling a silo) can take it between the moment it is chosen and the moment the server binds it, and the
/// server then fails with "address already in use". A port in Orleans' test range can be one a test cluster in another
/// test process has chosen and not bound yet. A random port from this range can only be taken by another test that
/// chose the same one, which the bind check below makes rare.
/// </remarks>
public static class FreePort
{
    /// <summary>The lowest port handed out.</summary>
    public const int FirstPort = 30_100;

    /// <summary>The highest port handed out.</summary>
    public const int LastPort = 32_700;

    /// <summary>A port that was free on 127.0.0.1 a moment ago.</summary>
    /// <returns>The port.</returns>
    public static int Next() => Next(1)[0];

    /// <summary><paramref name="count"/> distinct ports, each free on 127.0.0.1 a moment ago, held open together while chosen.</summary>
    /// <param name="count">How many.</param>
    /// <returns>The ports.</returns>
    public static IReadOnlyList<int> Next(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 64);
        var sockets = new List<Socket>(count);
        try
        {
            for (var attempt = 0; sockets.Count < count; attempt++)
            {
                if (attempt > 10_000)
                {
                    throw new InvalidOperationException($"no {count} free loopback ports in {FirstPort}-{LastPort}");
                }

                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(IPAddress.Loopback, Random.Shared.Next(FirstPort, LastPort + 1)));
                    sockets.Add(socket);
                }
                catch (SocketException)
                {
                    // Taken (or in TIME_WAIT): try another.
                    socket.Dispose();
                }
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
