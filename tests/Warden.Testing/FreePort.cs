using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Warden.Testing;

/// <summary>
/// Free TCP ports on loopback for servers that must be told their port before they bind (an Orleans silo and gateway,
/// a child host process).
/// </summary>
/// <remarks>
/// <para>
/// The ports come from <see cref="FirstPort"/>–<see cref="LastPort"/>: below Linux's ephemeral range (32768–60999 by
/// default; Windows and macOS start theirs at 49152) and above the ranges Orleans' own test clusters take their silo and
/// gateway ports from (12000–30000, <c>TestClusterPortAllocator</c>). A port the OS hands out for <c>bind(0)</c> is an
/// ephemeral port: in a parallel test run, any outgoing connection of another test process (a gRPC client, Azurite, a
/// silo dialling a silo) can take it between the moment it is chosen and the moment the server binds it, and the
/// server then fails with "address already in use". A port in Orleans' test range can be one a test cluster in another
/// test process has chosen and not bound yet.
/// </para>
/// <para>
/// Within the range, the only competitors are other tests choosing ports the same way, in this process or another one
/// (every test assembly runs in its own process). So every port handed out is also written to a reservation file in
/// the temporary folder, under a machine-wide named mutex, and no other caller is handed it for <see cref="Reservation"/>:
/// long enough for a child host to start and bind it. (Seen before the reservations, 2026-12-07: a cluster test's
/// child silo failed "address already in use" on a port another test process had chosen moments before.)
/// </para>
/// </remarks>
public static class FreePort
{
    /// <summary>The lowest port handed out.</summary>
    public const int FirstPort = 30_100;

    /// <summary>The highest port handed out.</summary>
    public const int LastPort = 32_700;

    /// <summary>How long a port handed out is withheld from every other caller on this machine.</summary>
    public static readonly TimeSpan Reservation = TimeSpan.FromMinutes(3);

    private static readonly string ReservationFile = Path.Combine(Path.GetTempPath(), "warden-test-ports.txt");
    private const string MutexName = "Global\\warden-test-ports";
    private static readonly Lock InProcess = new();

    /// <summary>A port that was free on 127.0.0.1 a moment ago, and reserved against every other caller.</summary>
    /// <returns>The port.</returns>
    public static int Next() => Next(1)[0];

    /// <summary>
    /// <paramref name="count"/> distinct ports, each free on 127.0.0.1 a moment ago (held open together while chosen),
    /// and reserved against every other caller on this machine for <see cref="Reservation"/>.
    /// </summary>
    /// <param name="count">How many.</param>
    /// <returns>The ports.</returns>
    public static IReadOnlyList<int> Next(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 64);
        lock (InProcess)
        {
            using var machineLock = AcquireMachineLock();
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var reserved = ReadReservations(now);
            var ports = Choose(count, reserved.Keys.ToHashSet());
            foreach (var port in ports)
            {
                reserved[port] = now;
            }

            File.WriteAllLines(ReservationFile, reserved.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Key} {r.Value}")));
            return ports;
        }
    }

    private static int[] Choose(int count, HashSet<int> reserved)
    {
        var sockets = new List<Socket>(count);
        try
        {
            for (var attempt = 0; sockets.Count < count; attempt++)
            {
                if (attempt > 10_000)
                {
                    throw new InvalidOperationException($"no {count} free loopback ports in {FirstPort}-{LastPort}");
                }

                var candidate = Random.Shared.Next(FirstPort, LastPort + 1);
                if (reserved.Contains(candidate))
                {
                    continue;
                }

                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(IPAddress.Loopback, candidate));
                    sockets.Add(socket);
                    reserved.Add(candidate);
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

    // Reservations younger than Reservation, by port (a missing or unreadable file is no reservations).
    private static Dictionary<int, long> ReadReservations(long now)
    {
        var reserved = new Dictionary<int, long>();
        if (!File.Exists(ReservationFile))
        {
            return reserved;
        }

        foreach (var line in File.ReadAllLines(ReservationFile))
        {
            var parts = line.Split(' ');
            if (parts.Length == 2
                && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var port)
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var at)
                && now - at < (long)Reservation.TotalMilliseconds)
            {
                reserved[port] = at;
            }
        }

        return reserved;
    }

    // A lock shared by every process on the machine: a named mutex, waited for (never polled). Bounded: after 10 s the
    // ports are chosen without it (the bind check remains). A mutex whose holder died is taken over.
    private static IDisposable? AcquireMachineLock()
    {
        var mutex = new Mutex(initiallyOwned: false, MutexName);
        try
        {
            if (mutex.WaitOne(TimeSpan.FromSeconds(10)))
            {
                return new Held(mutex);
            }
        }
        catch (AbandonedMutexException)
        {
            return new Held(mutex);
        }

        mutex.Dispose();
        return null;
    }

    private sealed class Held(Mutex mutex) : IDisposable
    {
        public void Dispose()
        {
            mutex.ReleaseMutex();
            mutex.Dispose();
        }
    }
}
