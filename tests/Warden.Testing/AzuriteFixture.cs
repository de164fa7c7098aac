using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Xunit;

namespace Warden.Testing;

/// <summary>
/// A private Azurite (local Azure Storage) for a test class or collection: its own data folder, its own ports on
/// 127.0.0.1, killed with its process tree on dispose. Installs the Node tools first if <c>tools/node/node_modules</c>
/// is missing (a clean CI machine).
/// </summary>
/// <remarks>
/// Azurite is started on port 0 for each service and the fixture reads the ports it actually bound from its output,
/// so two fixtures (or two test runs) never race for a port.
/// </remarks>
public sealed partial class AzuriteFixture : IAsyncLifetime
{
    /// <summary>Azurite's well-known development account; its key is public (documented by Microsoft).</summary>
    public const string AccountName = "devstoreaccount1";

    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(10);

    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<string, int> _ports = new(StringComparer.Ordinal);
    private TempDirectory? _location;
    private Process? _process;

    /// <summary>The connection string of this Azurite (http, loopback, the development account).</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary>The blob service endpoint.</summary>
    public Uri BlobEndpoint { get; private set; } = null!;

    /// <summary>The queue service endpoint.</summary>
    public Uri QueueEndpoint { get; private set; } = null!;

    /// <summary>The table service endpoint.</summary>
    public Uri TableEndpoint { get; private set; } = null!;

    /// <summary>Everything Azurite printed so far, for failure messages.</summary>
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

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        var executable = await EnsureInstalledAsync().ConfigureAwait(false);
        _location = TempDirectory.Create("azurite");
        _process = Start(executable, _location.Path);

        using var timeout = new CancellationTokenSource(StartTimeout);
        try
        {
            await _listening.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"Azurite did not start listening within {StartTimeout.TotalSeconds} s. Output:\n{Output}");
        }
        catch
        {
            await DisposeAsync().ConfigureAwait(false);
            throw;
        }

        BlobEndpoint = Endpoint("Blob");
        QueueEndpoint = Endpoint("Queue");
        TableEndpoint = Endpoint("Table");
        ConnectionString =
            $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
            $"BlobEndpoint={BlobEndpoint};QueueEndpoint={QueueEndpoint};TableEndpoint={TableEndpoint};";
        await WaitForTableEndpointAsync(timeout.Token).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        var process = _process;
        _process = null;
        if (process is not null)
        {
            // SIGTERM takes Azurite ~10 s to act on; its data is throwaway, so kill the tree outright.
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }

                using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await process.WaitForExitAsync(exit.Token).ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
            catch (OperationCanceledException)
            {
                // Killed but not reaped in time; the OS finishes it.
            }
            finally
            {
                process.Dispose();
            }
        }

        _location?.Dispose();
        _location = null;
    }

    private static async Task<string> EnsureInstalledAsync()
    {
        var tools = RepositoryPaths.NodeTools;
        var executable = Path.Combine(tools, "node_modules", ".bin", OperatingSystem.IsWindows() ? "azurite.cmd" : "azurite");
        if (File.Exists(executable))
        {
            return executable;
        }

        // Several test assemblies may start at once on a clean machine: one installs, the others wait for it.
        using var installLock = await AcquireInstallLockAsync(Path.Combine(tools, ".install.lock")).ConfigureAwait(false);
        if (File.Exists(executable))
        {
            return executable;
        }

        var npm = OperatingSystem.IsWindows() ? "npm.cmd" : "npm";
        var (exitCode, output) = await RunAsync(npm, "ci --no-audit --no-fund --loglevel=error", tools, InstallTimeout).ConfigureAwait(false);
        if (exitCode != 0 || !File.Exists(executable))
        {
            throw new InvalidOperationException(
                $"'npm ci' in '{tools}' failed (exit {exitCode}); Azurite is needed for the Azure Storage tests. Output:\n{output}");
        }

        return executable;
    }

    private static async Task<FileStream> AcquireInstallLockAsync(string path)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (waited.Elapsed < InstallTimeout)
            {
                // Another process is installing; there is no event to wait on across processes.
                await Task.Delay(TimeSpan.FromMilliseconds(500)).ConfigureAwait(false);
            }
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string fileName, string arguments, string workingDirectory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"'{fileName}' did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"'{fileName}' was not found: install Node.js (with npm) to run the Azure Storage tests.", e);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var cancel = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cancel.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException($"'{fileName} {arguments}' did not finish within {timeout.TotalMinutes} min.");
            }

            return (process.ExitCode, await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false));
        }
    }

    private Process Start(string executable, string location)
    {
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = location,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--location", location,
            "--blobHost", "127.0.0.1", "--blobPort", "0",
            "--queueHost", "127.0.0.1", "--queuePort", "0",
            "--tableHost", "127.0.0.1", "--tablePort", "0",
            "--skipApiVersionCheck", "--loose", "--silent",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => OnOutput(e.Data);
        process.ErrorDataReceived += (_, e) => OnOutput(e.Data);
        process.Exited += (_, _) => _listening.TrySetException(
            new InvalidOperationException($"Azurite exited before it was listening. Output:\n{Output}"));
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            process.Dispose();
            throw new InvalidOperationException($"Azurite could not be started from '{executable}': is Node.js installed?", e);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
            var match = ListeningLine().Match(line);
            if (match.Success)
            {
                _ports[match.Groups["service"].Value] = int.Parse(match.Groups["port"].Value, CultureInfo.InvariantCulture);
                if (_ports.Count == 3)
                {
                    _listening.TrySetResult();
                }
            }
        }
    }

    private Uri Endpoint(string service)
    {
        lock (_output)
        {
            return new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{_ports[service]}/{AccountName}"));
        }
    }

    private async Task WaitForTableEndpointAsync(CancellationToken cancellationToken)
    {
        // Listening is announced once the socket is bound; one request proves the table service answers HTTP.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            using var response = await http.GetAsync(new Uri(TableEndpoint + "/Tables"), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            await DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"Azurite's table endpoint {TableEndpoint} did not answer. Output:\n{Output}", e);
        }
    }

    [GeneratedRegex(@"Azurite (?<service>Blob|Queue|Table) service is successfully listening at http://[^:]+:(?<port>\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex ListeningLine();
}
