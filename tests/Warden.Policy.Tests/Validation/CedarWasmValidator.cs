using System.Diagnostics;
using System.Text.Json;

namespace Warden.Policy.Tests.Validation;

/// <summary>
/// The official validator, cedar-wasm 4.13.0 under Node (installed in <c>tools/node</c> by <c>.ci/run</c>): strict
/// validation of a policy set against a schema, giving the ids of the policies with errors.
/// </summary>
internal static class CedarWasmValidator
{
    private const string Script = """
        const cedar = require(process.argv[1]);
        let input = '';
        process.stdin.on('data', d => input += d);
        process.stdin.on('end', () => {
          const { schema, policies } = JSON.parse(input);
          const r = cedar.validate({ schema, policies: { staticPolicies: policies }, validationSettings: { mode: 'strict' } });
          if (r.type !== 'success') { console.log(JSON.stringify({ failure: r.errors.map(e => e.message) })); return; }
          console.log(JSON.stringify({ invalid: [...new Set(r.validationErrors.map(e => e.policyId))] }));
        });
        """;

    public static HashSet<string> InvalidPolicies(string schema, string policies)
    {
        var module = Path.Combine(RepositoryRoot(), "tools", "node", "node_modules", "@cedar-policy", "cedar-wasm", "nodejs");
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-e");
        start.ArgumentList.Add(Script);
        start.ArgumentList.Add(module);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start node");
        process.StandardInput.Write(JsonSerializer.Serialize(new Dictionary<string, string> { ["schema"] = schema, ["policies"] = policies }));
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)) || process.ExitCode != 0)
        {
            throw new InvalidOperationException($"cedar-wasm failed (exit {process.ExitCode}): {error}");
        }

        using var document = JsonDocument.Parse(output);
        if (document.RootElement.TryGetProperty("failure", out var failure))
        {
            throw new InvalidOperationException($"cedar-wasm could not validate: {failure}");
        }

        return [.. document.RootElement.GetProperty("invalid").EnumerateArray().Select(e => e.GetString()!)];
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Silo.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Silo.sln not found above " + AppContext.BaseDirectory);
    }
}
