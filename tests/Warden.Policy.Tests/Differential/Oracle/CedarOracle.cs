using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Warden.Policy.Tests.Differential.Oracle;

/// <summary>
/// The official Cedar engine (npm <c>@cedar-policy/cedar-wasm</c>) in one long-lived Node process running
/// <c>tools/node/cedar-oracle.mjs</c>: cases go in as JSON lines on stdin, answers come back one line per request.
/// </summary>
/// <remarks>Not thread-safe: one batch at a time (the fixture serializes callers).</remarks>
internal sealed class CedarOracle : IDisposable
{
    /// <summary>What a missing Node or package tells the reader to do.</summary>
    public const string InstallHint = "install the oracle with: cd tools/node && npm ci   (needs Node.js 20+ on PATH)";

    // A batch of a few thousand cases takes seconds; a minute without a line means the oracle is stuck.
    private static readonly TimeSpan LineTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly StringBuilder _stderr = new();

    private CedarOracle(Process process)
    {
        _process = process;
    }

    /// <summary>The oracle's Cedar version (for example <c>4.13.0</c>).</summary>
    public string Version { get; private set; } = "";

    /// <summary>Starts the oracle, failing loudly (with how to install it) when Node or the package is missing.</summary>
    public static CedarOracle Start() => Start(RepositoryRoot(), "node");

    /// <summary>Starts the oracle from a given repository root with a given Node executable.</summary>
    /// <param name="root">The repository root (holding <c>tools/node</c>).</param>
    /// <param name="node">The Node executable to run.</param>
    internal static CedarOracle Start(string root, string node)
    {
        var script = Path.Combine(root, "tools", "node", "cedar-oracle.mjs");
        var package = Path.Combine(root, "tools", "node", "node_modules", "@cedar-policy", "cedar-wasm", "nodejs", "cedar_wasm.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"the differential oracle script {script} is missing");
        }

        if (!File.Exists(package))
        {
            throw new InvalidOperationException($"@cedar-policy/cedar-wasm is not installed ({package} is missing): {InstallHint}");
        }

        var start = new ProcessStartInfo(node)
        {
            WorkingDirectory = Path.GetDirectoryName(script)!,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = new UTF8Encoding(false),
        };
        start.ArgumentList.Add(script);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"cannot run `node` ({e.Message}): {InstallHint}", e);
        }

        var oracle = new CedarOracle(process);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (oracle._stderr)
                {
                    oracle._stderr.AppendLine(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();
        var version = oracle.Send([new JsonObject { ["id"] = "version", ["op"] = "version" }], _ => 1);
        oracle.Version = version[0][0]?["version"]?.GetValue<string>()
            ?? throw new InvalidOperationException("the oracle did not report its version: " + version[0][0]?.ToJsonString());
        return oracle;
    }

    /// <summary>
    /// Sends a batch of cases and returns, per case, the answer lines (one per request of an authorize case,
    /// one otherwise). Writing happens on another thread so a large batch cannot deadlock on full pipes.
    /// </summary>
    /// <param name="cases">The cases (each a JSON object in the oracle's protocol).</param>
    /// <param name="expectedLines">How many answer lines each case produces.</param>
    public IReadOnlyList<JsonObject[]> Send(IReadOnlyList<JsonObject> cases, Func<JsonObject, int> expectedLines)
    {
        var lines = new string[cases.Count];
        for (var i = 0; i < cases.Count; i++)
        {
            lines[i] = cases[i].ToJsonString();
        }

        var writer = Task.Run(() =>
        {
            try
            {
                foreach (var line in lines)
                {
                    _process.StandardInput.Write(line);
                    _process.StandardInput.Write('\n');
                }

                _process.StandardInput.Flush();
            }
            catch (IOException)
            {
                // The oracle died; the reader reports it.
            }
        });

        var answers = new List<JsonObject[]>(cases.Count);
        foreach (var c in cases)
        {
            var n = expectedLines(c);
            var caseAnswers = new JsonObject[n];
            for (var i = 0; i < n; i++)
            {
                var line = ReadLine();
                var answer = JsonNode.Parse(line) as JsonObject
                    ?? throw new InvalidOperationException("the oracle wrote a line that is not a JSON object: " + line);
                if (answer["oracleError"] is { } oracleError)
                {
                    throw new OracleCaseException($"the oracle failed on case {c["id"]} (cedar-wasm cannot handle it; keep generated input within its limits): {oracleError}\ncase: {c.ToJsonString()}");
                }

                if (answer["id"]?.GetValue<string>() != c["id"]?.GetValue<string>() || answer["i"]?.GetValue<int>() != i)
                {
                    throw new OracleCaseException($"the oracle answered out of order: expected {c["id"]}#{i}, got {line}");
                }

                caseAnswers[i] = answer;
            }

            answers.Add(caseAnswers);
        }

        writer.GetAwaiter().GetResult();
        return answers;
    }

    private string ReadLine()
    {
        var read = _process.StandardOutput.ReadLineAsync();
        if (!read.Wait(LineTimeout))
        {
            throw new OracleCrashedException($"the oracle wrote nothing for {LineTimeout.TotalSeconds} s; stderr: {Stderr()}");
        }

        return read.Result
            ?? throw new OracleCrashedException($"the oracle exited (code {(_process.HasExited ? _process.ExitCode : -1)}); stderr: {Stderr()}");
    }

    private string Stderr()
    {
        lock (_stderr)
        {
            return _stderr.ToString();
        }
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null)
        {
            if (File.Exists(Path.Combine(directory.FullName, "tools", "node", "package.json")))
            {
                return directory.FullName;
            }

            directory = directory.Parent;
        }

        throw new InvalidOperationException("tools/node/package.json not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Stops the process now (after a crash or a hang).</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            // Closing stdin ends the oracle's read loop; it exits on its own.
            _process.StandardInput.Close();
            if (!_process.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                _process.Kill();
            }
        }
        catch (Exception e) when (e is InvalidOperationException or IOException)
        {
            // Already gone (a crashed oracle leaves a broken pipe).
        }
        finally
        {
            _process.Dispose();
        }
    }
}

/// <summary>The oracle process died or stopped answering (not a disagreement: the batch is retried on a fresh process).</summary>
internal sealed class OracleCrashedException : Exception
{
    public OracleCrashedException(string message)
        : base(message)
    {
    }
}

/// <summary>
/// The oracle could not answer a case (a wasm trap such as a stack overflow) or answered out of order. The case is
/// reported as a failure and the process is replaced, since lines it still holds belong to the failed batch.
/// </summary>
internal sealed class OracleCaseException : Exception
{
    public OracleCaseException(string message)
        : base(message)
    {
    }
}
