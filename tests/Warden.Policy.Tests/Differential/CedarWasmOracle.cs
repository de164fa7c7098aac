using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Warden.Policy.Tests.Differential;

/// <summary>The official Cedar engine (cedar-wasm under Node, from tools/node) answering cases over stdin/stdout.</summary>
internal sealed class CedarWasmOracle : IDisposable
{
    private readonly Process _process;

    private CedarWasmOracle(Process process)
    {
        _process = process;
    }

    public static CedarWasmOracle Start()
    {
        var wasm = FindCedarWasm();
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Differential", "cedar-oracle.js"));
        start.ArgumentList.Add(wasm);
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
        return new CedarWasmOracle(process);
    }

    public JsonObject Ask(RandomCase test)
    {
        var request = new JsonObject
        {
            ["policies"] = test.Policies,
            ["entities"] = JsonNode.Parse(test.EntitiesJson),
            ["requests"] = new JsonArray([.. test.Requests.Select(r => (JsonNode)new JsonObject
            {
                ["principal"] = JsonNode.Parse(r.Principal),
                ["action"] = JsonNode.Parse(r.Action),
                ["resource"] = JsonNode.Parse(r.Resource),
                ["context"] = JsonNode.Parse(r.Context),
            })]),
        };
        _process.StandardInput.WriteLine(request.ToJsonString());
        _process.StandardInput.Flush();
        var line = _process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("the oracle exited");
        return JsonNode.Parse(line)!.AsObject();
    }

    /// <summary>Strict validation by the official validator: the ids of the policies it reports errors for.</summary>
    public HashSet<string> InvalidPolicies(string schema, string policies)
    {
        var request = new JsonObject { ["validate"] = new JsonObject { ["schema"] = schema, ["policies"] = policies } };
        _process.StandardInput.WriteLine(request.ToJsonString());
        _process.StandardInput.Flush();
        var line = _process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("the oracle exited");
        var answer = JsonNode.Parse(line)!.AsObject();
        return answer["invalid"] is JsonArray invalid
            ? [.. invalid.Select(n => n!.GetValue<string>())]
            : throw new InvalidOperationException($"cedar-wasm could not validate: {answer["failure"]}");
    }

    public void Dispose()
    {
        _process.StandardInput.Close();
        if (!_process.WaitForExit(5000))
        {
            _process.Kill();
        }

        _process.Dispose();
    }

    private static string FindCedarWasm()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null)
        {
            var candidate = Path.Combine(directory.FullName, "tools", "node", "node_modules", "@cedar-policy", "cedar-wasm", "nodejs");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }

            directory = directory.Parent;
        }

        throw new InvalidOperationException("cedar-wasm not found: run `npm ci` in tools/node (.ci/run does)");
    }
}
