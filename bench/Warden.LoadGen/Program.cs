using Warden.LoadGen.Infrastructure;
using Warden.LoadGen.Workloads;

LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(LoadOptions.Usage);
    return 2;
}

if (options.Target is not null)
{
    if (options.Lineage.Count > 0 || options.OtlpSink)
    {
        Console.Error.WriteLine("--lineage and --otlp-sink start their own hosts: use them without --target");
        return 2;
    }

    return await RunAsync(options, null, null);
}

// Each storage mode (and lineage durability) in turn, same workloads, one run: the figures compare side by side.
// With --lineage, each repeat alternates the durabilities, so every pair runs under the same machine load.
var lineages = options.Lineage.Count > 0 ? options.Lineage.Cast<string?>().ToArray() : [null];
var rounds = options.Lineage.Count > 0 ? options.Repeat : 1;
var perRound = options.Lineage.Count > 0 ? options with { Repeat = 1 } : options;
for (var r = 0; r < rounds; r++)
{
    foreach (var storage in options.Storage)
    {
        foreach (var lineage in lineages)
        {
            Console.WriteLine(lineage is null
                ? $"== storage: {storage}"
                : $"== storage: {storage}, lineage: {lineage} (repeat {r + 1}/{rounds})");
            var code = await RunAsync(perRound, storage, lineage);
            if (code != 0)
            {
                return code;
            }
        }
    }
}

return 0;

static async Task<int> RunAsync(LoadOptions options, string? storage, string? lineage)
{
    HostProcess? host = null;
    OtlpSink? sink = options.OtlpSink ? OtlpSink.Start() : null;
    try
    {
        Uri target;
        string operatorKey;
        if (options.Target is null)
        {
            var environment = sink is null ? options.HostEnvironment : [.. sink.HostEnvironment, .. options.HostEnvironment];
            host = await HostProcess.StartAsync(options.HostDll, storage ?? "embedded", lineage, environment);
            target = host.Grpc;
            operatorKey = host.OperatorKey;
            Console.WriteLine($"started Warden.Host (pid {host.ProcessId}) at {target}");
        }
        else
        {
            target = options.Target;
            operatorKey = options.OperatorKey ?? Environment.GetEnvironmentVariable("WARDEN_OPERATOR_KEY")
                ?? throw new ArgumentException("--operator-key (or WARDEN_OPERATOR_KEY) is required with --target");
        }

        Func<TimeSpan?> hostCpu = host is null ? () => null : () => host.ProcessorTime;
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
        var maxAgents = Math.Max(options.Agents.Max(), options.Modes.Contains("sessions") ? 100 : 1);
        var setup = await LoadSetup.CreateAsync(target, operatorKey, maxAgents);
        Console.WriteLine($"tenant {setup.TenantId}: policy version {setup.PolicyVersion}, {maxAgents} agents; warm-up {options.Warmup.TotalSeconds} s, run {options.Duration.TotalSeconds} s, stream depth {options.StreamDepth}");
        Console.WriteLine(RunResult.Header);
        for (var r = 0; r < options.Repeat; r++)
        {
            foreach (var mode in options.Modes)
            {
                switch (mode)
                {
                    case "single":
                        Console.WriteLine(await EvaluateWorkloads.RunAsync("unary", target, setup, 1, options, hostCpu));
                        break;
                    case "unary":
                    case "stream":
                        foreach (var agents in options.Agents)
                        {
                            Console.WriteLine(await EvaluateWorkloads.RunAsync(mode, target, setup, agents, options, hostCpu));
                        }

                        break;
                    case "floor":
                        foreach (var agents in options.Agents.Prepend(1).Distinct())
                        {
                            Console.WriteLine(await FloorWorkload.HealthAsync(target, agents, options, hostCpu));
                        }

                        break;
                    case "grain":
                        foreach (var agents in options.Agents.Prepend(1).Distinct())
                        {
                            Console.WriteLine(await FloorWorkload.GrainAsync(target, operatorKey, setup.TenantId, agents, options, hostCpu));
                        }

                        break;
                    case "sessions":
                        if (host is null)
                        {
                            throw new ArgumentException("the sessions mode measures the host process: use --start-host");
                        }

                        await SessionScaleWorkload.RunAsync(host, setup, options.Sessions);
                        break;
                    default:
                        throw new ArgumentException($"unknown mode {mode}");
                }
            }
        }

        if (sink is not null)
        {
            var (posts, bytes) = sink.Received;
            Console.WriteLine($"otlp sink {sink.Endpoint}: {posts} exports, {bytes} bytes received");
        }

        return 0;
    }
    finally
    {
        if (host is not null)
        {
            await host.DisposeAsync();
        }

        if (sink is not null)
        {
            await sink.DisposeAsync();
        }
    }
}
