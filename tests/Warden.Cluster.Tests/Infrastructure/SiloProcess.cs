using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;

namespace Warden.Cluster.Tests.Infrastructure;

/// <summary>
/// One real Warden host process (<c>dotnet Warden.Host.dll …</c>) on loopback ports of its own. <see cref="KillAsync"/> is
/// <c>kill -9</c>: no shutdown code runs.
/// </summary>
internal sealed class SiloProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SiloProcess(Process process, string name, int grpcPort, int httpPort, int siloPort)
    {
        _process = process;
        Name = name;
        Grpc = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{grpcPort}"));
        Http = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{httpPort}"));
        SiloPort = siloPort;
    }

    /// <summary>The host's build output: <c>src/Warden.Host/bin/{Configuration}/net10.0/Warden.Host.dll</c>.</summary>
    public static string HostDll { get; } = typeof(SiloProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "WardenHostDll").Value!;

    public string Name { get; }

    public Uri Grpc { get; }

    public Uri Http { get; }

    public int SiloPort { get; }

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the host with <paramref name="arguments"/> plus its ports, and waits until <c>/healthz</c> answers.</summary>
    public static async Task<SiloProcess> StartAsync(string name, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        if (!File.Exists(HostDll))
        {
            throw new FileNotFoundException($"{HostDll} is missing: build src/Warden.Host first.", HostDll);
        }

        var ports = Warden.Testing.FreePort.Next(4);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(HostDll);
        foreach (var argument in arguments.Concat(
        [
            "--grpc-port", Text(ports[0]), "--http-port", Text(ports[1]), "--silo-port", Text(ports[2]), "--gateway-port", Text(ports[3]),
        ]))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        // Workstation GC: three silos, Azurite and the test share a small machine.
        start.Environment["DOTNET_gcServer"] = "0";
        var process = new Process { StartInfo = start };
        var silo = new SiloProcess(process, name, ports[0], ports[1], ports[2]);
        process.OutputDataReceived += (_, e) => silo.Append(e.Data);
        process.ErrorDataReceived += (_, e) => silo.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await silo.WaitHealthyAsync();
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }

        return silo;
    }

    /// <summary>SIGKILL, the process tree included; returns once the process is gone.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                await KillAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }

        _process.Dispose();
    }

    private async Task WaitHealthyAsync()
    {
        using var http = new HttpClient { BaseAddress = Http, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} while starting. Output:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            if (deadline.Elapsed > StartTimeout)
            {
                throw new TimeoutException($"{Name} was not healthy within {StartTimeout.TotalSeconds} s. Output:\n{Output}");
            }

            // A child process has no readiness signal but its health endpoint: poll it.
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            // Keep the tail only: a failure message needs the last lines, not a silo's whole life.
            if (_output.Length > 200_000)
            {
                _output.Remove(0, 100_000);
            }

            _output.AppendLine(line);
        }
    }

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);
}
