using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Warden.Bench.Cedar;

/// <summary>
/// Runs cedar-wasm (under Node) and Warden's engine on the same scenarios in one run and prints one table.
/// Usage: <c>dotnet run -c Release --project bench/Warden.Bench -- cedar</c>.
/// </summary>
internal static class CedarComparison
{
    public static int Run()
    {
        var root = FindRepositoryRoot();
        var wasm = Path.Combine(root, "tools", "node", "node_modules", "@cedar-policy", "cedar-wasm", "nodejs");
        var script = Path.Combine(AppContext.BaseDirectory, "Cedar", "cedar-wasm-bench.js");
        var scenarios = new Dictionary<string, CedarScenario> { ["small"] = CedarScenario.Small, ["large"] = CedarScenario.Large };

        var wasmResults = new Dictionary<string, WasmResult>();
        foreach (var (key, scenario) in scenarios)
        {
            Console.WriteLine($"cedar-wasm: timing {scenario.Name} …");
            var result = RunNode(wasm, script, scenario);
            if (!string.Equals(result.Decision, scenario.ExpectedDecision, StringComparison.OrdinalIgnoreCase))
            {
                Console.Error.WriteLine($"cedar-wasm decided {result.Decision} for {scenario.Name}, expected {scenario.ExpectedDecision}");
                return 1;
            }

            wasmResults[key] = result;
        }

        var config = ManualConfig.CreateMinimumViable()
            .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(5).WithIterationCount(20).WithId("warden"))
            .WithOptions(ConfigOptions.DisableOptimizationsValidator);
        var summary = BenchmarkRunner.Run<CedarEngineBenchmarks>(config);

        var table = BuildTable(summary, scenarios, wasmResults);
        Console.WriteLine();
        Console.WriteLine(table);
        var output = Path.Combine(Directory.GetCurrentDirectory(), "BenchmarkDotNet.Artifacts", "cedar-comparison.md");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        File.WriteAllText(output, table);
        Console.WriteLine($"(also written to {output})");
        return 0;
    }

    private static string BuildTable(Summary summary, Dictionary<string, CedarScenario> scenarios, Dictionary<string, WasmResult> wasm)
    {
        var builder = new StringBuilder();
        builder.AppendLine("| scenario | cedar-wasm 4.13.0 statefulIsAuthorized (median) | Warden IsAuthorized (median) | allocated | speed-up | Warden parse JSON + IsAuthorized (median) | allocated | speed-up |");
        builder.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (key, scenario) in scenarios)
        {
            var hot = Find(summary, key, "IsAuthorized");
            var parse = Find(summary, key, "ParseJsonAndIsAuthorized");
            var wasmMicros = wasm[key].MedianMicroseconds;
            builder.Append(CultureInfo.InvariantCulture, $"| {scenario.Name} | {wasmMicros:0.0} µs ")
                .Append(CultureInfo.InvariantCulture, $"| {Micros(hot.Median)} | {hot.Allocated} B | {wasmMicros * 1000 / hot.Median:0}× ")
                .Append(CultureInfo.InvariantCulture, $"| {Micros(parse.Median)} | {parse.Allocated} B | {wasmMicros * 1000 / parse.Median:0}× |")
                .AppendLine();
        }

        return builder.ToString();
    }

    private static (double Median, long Allocated) Find(Summary summary, string scenario, string method)
    {
        foreach (var report in summary.Reports)
        {
            var parameters = report.BenchmarkCase.Parameters;
            if (report.BenchmarkCase.Descriptor.WorkloadMethod.Name == method
                && (string?)parameters["Scenario"] == scenario
                && report.ResultStatistics is { } statistics)
            {
                var allocated = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) ?? -1;
                return (statistics.Median, allocated);
            }
        }

        throw new InvalidOperationException($"no result for {method} on {scenario}");
    }

    private static string Micros(double nanoseconds) => nanoseconds < 1000
        ? string.Create(CultureInfo.InvariantCulture, $"{nanoseconds / 1000:0.000} µs")
        : string.Create(CultureInfo.InvariantCulture, $"{nanoseconds / 1000:0.00} µs");

    private static WasmResult RunNode(string wasm, string script, CedarScenario scenario)
    {
        var file = Path.Combine(Path.GetTempPath(), $"warden-cedar-scenario-{Environment.ProcessId}.json");
        using (var stream = File.Create(file))
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("policies", scenario.Policies);
            Raw(writer, "entities", scenario.EntitiesJson);
            Raw(writer, "principal", scenario.PrincipalJson);
            Raw(writer, "action", scenario.ActionJson);
            Raw(writer, "resource", scenario.ResourceJson);
            Raw(writer, "context", scenario.ContextJson);
            writer.WriteEndObject();
        }

        try
        {
            var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(script);
            start.ArgumentList.Add(wasm);
            start.ArgumentList.Add(file);
            using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
            var stdout = process.StandardOutput.ReadToEnd();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"node exited with {process.ExitCode}: {stderr}");
            }

            using var result = JsonDocument.Parse(stdout);
            return new WasmResult(
                result.RootElement.GetProperty("decision").GetString()!,
                result.RootElement.GetProperty("medianMicroseconds").GetDouble());
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static void Raw(Utf8JsonWriter writer, string name, string json)
    {
        writer.WritePropertyName(name);
        using var document = JsonDocument.Parse(json);
        document.RootElement.WriteTo(writer);
    }

    private static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null)
        {
            if (Directory.Exists(Path.Combine(directory.FullName, "tools", "node")) && File.Exists(Path.Combine(directory.FullName, "Silo.sln")))
            {
                return directory.FullName;
            }

            directory = directory.Parent;
        }

        throw new InvalidOperationException("repository root (with tools/node) not found above " + AppContext.BaseDirectory);
    }

    private sealed record WasmResult(string Decision, double MedianMicroseconds);
}
