using System.Net;
using System.Net.Sockets;
using Warden.Testing;

namespace Warden.Storage.Tests.Testing;

/// <summary>The shared test support other test projects rely on.</summary>
public sealed class TestSupportTests
{
    [Fact]
    public void RepositoryPaths_Root_IsTheFolderWithSiloSln()
    {
        Assert.True(File.Exists(Path.Combine(RepositoryPaths.Root, "Silo.sln")));
        Assert.True(File.Exists(Path.Combine(RepositoryPaths.NodeTools, "package.json")));
    }

    [Fact]
    public void FreePort_Next_ReturnsDistinctPortsThatCanBeBound()
    {
        var ports = FreePort.Next(8);

        Assert.Equal(8, ports.Distinct().Count());
        foreach (var port in ports)
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
        }
    }

    [Fact]
    public void FreePort_Next_NeverHandsOutAPortStillReserved()
    {
        // 200 single ports in a row: drawn at random from the 2,601-port range without the reservation, two of them
        // would coincide with a probability above 99.9 %; each one the tests free again before the next call.
        var ports = Enumerable.Range(0, 200).Select(_ => FreePort.Next()).ToList();

        Assert.Equal(ports.Count, ports.Distinct().Count());
    }

    [Fact]
    public void FreePort_Next_RecordsItsPortsWhereOtherTestProcessesSeeThem()
    {
        var ports = FreePort.Next(4);

        var file = Path.Combine(Path.GetTempPath(), "warden-test-ports.txt");
        var reserved = File.ReadAllLines(file).Select(l => int.Parse(l.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
        Assert.All(ports, port => Assert.Contains(port, reserved));
    }

    [Fact]
    public void FreePort_Next_NeverInTheKernelsEphemeralRange()
    {
        // Outgoing connections take ephemeral ports: a server port from that range can be stolen before it binds.
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        var bounds = File.Exists(range)
            ? File.ReadAllText(range).Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray()
            : [49152, 65535];

        foreach (var port in FreePort.Next(64))
        {
            Assert.InRange(port, FreePort.FirstPort, FreePort.LastPort);
            Assert.False(port >= bounds[0] && port <= bounds[1], $"port {port} is in the ephemeral range {bounds[0]}-{bounds[1]}");
            Assert.False(port is >= 12_000 and <= 30_000, $"port {port} is in the range Orleans' test clusters allocate from");
        }
    }

    [Fact]
    public void TempDirectory_Dispose_RemovesItWithItsContents()
    {
        var directory = TempDirectory.Create("support");
        File.WriteAllText(directory.Combine("file.txt"), "x");
        Directory.CreateDirectory(directory.Combine("nested"));

        directory.Dispose();

        Assert.False(Directory.Exists(directory.Path));
    }

    [Fact]
    public void TempDirectory_Create_GivesEachCallerAFreshEmptyFolder()
    {
        using var first = TempDirectory.Create("support");
        using var second = TempDirectory.Create("support");

        Assert.NotEqual(first.Path, second.Path);
        Assert.Empty(Directory.EnumerateFileSystemEntries(first.Path));
    }
}
