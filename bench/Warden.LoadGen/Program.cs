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

if (options.Lineage.Count > 0 && options.Target is not null)
{
    Console.Error.WriteLine("--lineage starts its own hosts: use it without --target");
    return 2;
}

// One child host per lineage durability, alternating per repeat so each pair runs side by side in one run.
var lineages = options.Lineage.Count > 0 ? options.Lineage.Cast<string?>().ToArray() : [null];
var repeat = options.Repeat;
options = options with { Repeat = 1 };
for (var r = 0; r < repeat; r++)
{
    foreach (var lineage in lineages)
    {
        if (lineage is not null)
        {
            Console.WriteLine($"== lineage {lineage} (repeat {r + 1}/{repeat}) ==");
        }

        if (await RunOnceAsync(options, lineage) is var code and not 0)
        {
            return code;
        }
    }
}

return 0;

static async Task<int> RunOnceAsync(LoadOptions options, string? lineage)
{
    HostProcess? host = null;
    try
    {
        Uri target;
        string operatorKey;
        if (options.Target is null)
        {
            host = await HostProcess.StartAsync(options.HostDll, lineage);
            target = host.Grpc;
            operatorKey = host.OperatorKey;
            Console.WriteLine($"started Warden.Host (pid {Environment.ProcessId} → child) at {target}");
        }
        else
        {
            target = options.Target;
            operatorKey = options.OperatorKey ?? Environment.GetEnvironmentVariable("WARDEN_OPERATOR_KEY")
                ?? throw new ArgumentException("--operator-key (or WARDEN_OPERATOR_KEY) is required with --target");
        }

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
                        Console.WriteLine(await EvaluateWorkloads.RunAsync("unary", target, setup, 1, options));
                        break;
                    case "unary":
                    case "stream":
                        foreach (var agents in options.Agents)
                        {
                            Console.WriteLine(await EvaluateWorkloads.RunAsync(mode, target, setup, agents, options));
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

        return 0;
    }
    finally
    {
        if (host is not null)
        {
            await host.DisposeAsync();
        }
    }
}
