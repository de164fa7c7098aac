using BenchmarkDotNet.Running;
using Warden.Bench.Cedar;

// `cedar`: cedar-wasm and Warden's Cedar engine side by side in one table (docs/benchmarks.md).
if (args.Length > 0 && args[0] == "cedar")
{
    return CedarComparison.Run();
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
