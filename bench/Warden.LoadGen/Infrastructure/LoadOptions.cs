using System.Globalization;

namespace Warden.LoadGen.Infrastructure;

/// <summary>Command-line options of the load generator.</summary>
internal sealed record LoadOptions
{
    public Uri? Target { get; init; }

    public string? OperatorKey { get; init; }

    public string? HostDll { get; init; }

    public IReadOnlyList<int> Agents { get; init; } = [8];

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(3);

    public IReadOnlyList<string> Modes { get; init; } = ["single", "unary", "stream"];

    public int StreamDepth { get; init; } = 64;

    public int Sessions { get; init; } = 100_000;

    public int Repeat { get; init; } = 1;

    public IReadOnlyList<string> Storage { get; init; } = ["embedded"];

    /// <summary>Environment variables for the child host (runtime knobs such as <c>DOTNET_gcServer</c>), applied last.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> HostEnvironment { get; init; } = [];

    /// <summary>Whether to start an OTLP sink and point the child host's telemetry export at it.</summary>
    public bool OtlpSink { get; init; }

    /// <summary>Lineage durabilities to start the child host with, side by side (empty: the host's default).</summary>
    public IReadOnlyList<string> Lineage { get; init; } = [];

    public const string Usage = """
        usage: Warden.LoadGen [--target URL --operator-key KEY | --start-host [--host-dll PATH]]
                              [--modes single,unary,stream,floor,grain,sessions] [--agents 1,8,32] [--duration 10s] [--warmup 3s]
                              [--stream-depth 64] [--sessions 100000] [--repeat 1] [--storage embedded]
                              [--lineage durable,async,off] [--host-env NAME=VALUE]... [--otlp-sink]
          --target URL        a running Warden (gRPC endpoint); needs the root operator key
          --start-host        start Warden.Host as a child process on free loopback ports (default without --target)
          --modes             single: one caller, unary; unary: N agents, unary Evaluate; stream: N agents, one
                              evaluate stream each with --stream-depth in flight; sessions: open --sessions sessions
                              and report the host's working set (needs --start-host); floor: 1 and N callers
                              making the host's gRPC health check (no grain, no policy): the machine's floor for a
                              unary call, to read the Evaluate rows against; grain: 1 and N callers making the
                              operator's GetTenant (credential check + one read-only tenant grain call): the floor of
                              any grain-backed gRPC call
          --storage           with --start-host: memory, embedded (default; SQLite in the host's data folder) or
                              azure (starts tools/node's Azurite); a list runs each in turn, side by side
          --lineage           start one child host per listed lineage durability (Warden:Lineage:Durability) and run
                              the modes against each in turn, each repeat alternating them (needs --start-host)
          --host-env          an environment variable for the started host, e.g. DOTNET_gcServer=1 (repeatable): A/B
                              of runtime knobs against the same build
          --otlp-sink         start a local OTLP/HTTP receiver that accepts and counts every export, and have the
                              started host export its decision and lineage telemetry there (Warden:Telemetry:OtlpEndpoint):
                              the cost of tracing with an exporter attached (needs --start-host)
        """;

    public static LoadOptions Parse(string[] args)
    {
        var options = new LoadOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--target" => options with { Target = new Uri(Next()) },
                "--operator-key" => options with { OperatorKey = Next() },
                "--start-host" => options with { Target = null },
                "--host-dll" => options with { HostDll = Next() },
                "--agents" => options with { Agents = Next().Split(',').Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray() },
                "--duration" => options with { Duration = ParseDuration(Next()) },
                "--warmup" => options with { Warmup = ParseDuration(Next()) },
                "--modes" => options with { Modes = Next().Split(',') },
                "--stream-depth" => options with { StreamDepth = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--sessions" => options with { Sessions = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--repeat" => options with { Repeat = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--storage" => options with { Storage = ParseStorage(Next()) },
                "--lineage" => options with { Lineage = ParseLineage(Next()) },
                "--host-env" => options with { HostEnvironment = [.. options.HostEnvironment, ParseVariable(Next())] },
                "--otlp-sink" => options with { OtlpSink = true },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }

        return options;
    }

    private static string[] ParseStorage(string text)
    {
        var modes = text.Split(',', StringSplitOptions.TrimEntries);
        foreach (var mode in modes)
        {
            if (mode is not ("memory" or "embedded" or "azure"))
            {
                throw new ArgumentException($"--storage: unknown mode '{mode}'; expected memory, embedded or azure");
            }
        }

        return modes;
    }

    private static string[] ParseLineage(string text)
    {
        var modes = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var mode in modes)
        {
            if (mode is not ("durable" or "async" or "off"))
            {
                throw new ArgumentException($"--lineage: unknown durability '{mode}' (durable, async or off)");
            }
        }

        return modes;
    }

    private static KeyValuePair<string, string> ParseVariable(string text)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            throw new ArgumentException($"--host-env: '{text}' is not NAME=VALUE");
        }

        return new(text[..equals], text[(equals + 1)..]);
    }

    private static TimeSpan ParseDuration(string text) => text[^1] switch
    {
        's' => TimeSpan.FromSeconds(double.Parse(text[..^1], CultureInfo.InvariantCulture)),
        'm' => TimeSpan.FromMinutes(double.Parse(text[..^1], CultureInfo.InvariantCulture)),
        _ => TimeSpan.FromSeconds(double.Parse(text, CultureInfo.InvariantCulture)),
    };
}
