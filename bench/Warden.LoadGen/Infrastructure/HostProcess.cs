using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Warden.LoadGen.Infrastructure;

/// <summary>Warden.Host as a child process on free loopback ports, with its own data folder; killed on dispose.</summary>
internal sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dataPath;
    private readonly AzuriteProcess? _azurite;

    private HostProcess(Process process, Uri grpc, string dataPath, string operatorKey, AzuriteProcess? azurite)
    {
        _process = process;
        _azurite = azurite;
        Grpc = grpc;
        _dataPath = dataPath;
        OperatorKey = operatorKey;
    }

    public Uri Grpc { get; }

    public string OperatorKey { get; }

    /// <summary>The host's working set now, in bytes.</summary>
    public long WorkingSet
    {
        get
        {
            _process.Refresh();
            return _process.WorkingSet64;
        }
    }

    /// <summary>CPU time the host has used so far (user + kernel).</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>The host's process id (to attach a profiler).</summary>
    public int ProcessId => _process.Id;

    /// <summary>Starts the host on <paramref name="storage"/>: memory, embedded (SQLite in its data folder) or azure (a private Azurite).</summary>
    public static async Task<HostProcess> StartAsync(string? hostDll, string storage, string? lineage = null, IReadOnlyList<KeyValuePair<string, string>>? environment = null)
    {
        var dll = hostDll ?? Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "src", "Warden.Host", "bin",
#if DEBUG
            "Debug",
#else
            "Release",
#endif
            "net10.0", "Warden.Host.dll"));
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"Warden.Host.dll not found at {dll}; build src/Warden.Host or pass --host-dll", dll);
        }

        var dataPath = Path.Combine(Path.GetTempPath(), "warden-loadgen-" + Guid.NewGuid().ToString("N"));
        int grpcPort = FreePort(), httpPort = FreePort(), siloPort = FreePort(), gatewayPort = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                dll, "--grpc-port", Text(grpcPort), "--http-port", Text(httpPort), "--silo-port", Text(siloPort),
                "--gateway-port", Text(gatewayPort), "--data", dataPath, "--Logging:LogLevel:Default", "Warning",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (lineage is not null)
        {
            start.ArgumentList.Add("--Warden:Lineage:Durability=" + lineage);
        }

        AzuriteProcess? azurite = null;
        switch (storage)
        {
            case "memory":
                start.ArgumentList.Add("--storage");
                start.ArgumentList.Add("Memory");
                start.ArgumentList.Add("--Warden:Storage:AllowMemory");
                start.ArgumentList.Add("true");
                break;
            case "embedded":
                break;
            case "azure":
                azurite = await AzuriteProcess.StartAsync();
                start.ArgumentList.Add("--storage");
                start.ArgumentList.Add("Azure");
                start.ArgumentList.Add("--Warden:Cluster:ClusterId");
                start.ArgumentList.Add("load" + Guid.NewGuid().ToString("N")[..8]);
                // Environment, not the command line: a real connection string carries the account key.
                start.Environment["Warden__Storage__ConnectionString"] = azurite.ConnectionString;
                start.Environment["Warden__Lineage__ContextKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
                break;
            default:
                throw new ArgumentException($"unknown storage {storage}: memory, embedded or azure");
        }

        foreach (var (name, value) in environment ?? [])
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the host");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine("host: " + e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}") };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"the host exited with code {process.ExitCode}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                process.Kill(entireProcessTree: true);
                if (azurite is not null)
                {
                    await azurite.DisposeAsync();
                }

                throw new TimeoutException("the host did not become healthy within 60 s");
            }

            await Task.Delay(200);
        }

        var key = (await File.ReadAllTextAsync(Path.Combine(dataPath, "operator.key"))).Trim();
        return new HostProcess(process, new Uri($"http://127.0.0.1:{grpcPort}"), dataPath, key, azurite);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }

        try
        {
            Directory.Delete(_dataPath, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);
}
