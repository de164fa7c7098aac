using System.CommandLine;

namespace Warden.Cli.Commands;

/// <summary>Options every command understands (declared once on the root, recursive).</summary>
internal static class CliOptions
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public static readonly Option<string> Url = new("--url")
    {
        Description = "Warden's gRPC endpoint (env WARDEN_URL; default " + DefaultUrl + ")",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("WARDEN_URL") is { Length: > 0 } url ? url : DefaultUrl,
    };

    public static readonly Option<string?> OperatorKey = new("--operator-key")
    {
        Description = "operator key for operator commands (env WARDEN_OPERATOR_KEY)",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("WARDEN_OPERATOR_KEY"),
    };

    public static readonly Option<string?> AgentKey = new("--agent-key")
    {
        Description = "agent credential for session commands (env WARDEN_AGENT_KEY)",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("WARDEN_AGENT_KEY"),
    };

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "print JSON instead of text",
        Recursive = true,
    };

    /// <summary>The tenant of an operator command (env WARDEN_TENANT).</summary>
    public static Option<string> Tenant() => new("--tenant", "-t")
    {
        Description = "tenant id (env WARDEN_TENANT)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("WARDEN_TENANT") ?? string.Empty,
    };

    /// <summary>Adds the global options to the root command.</summary>
    public static void AddTo(RootCommand root)
    {
        root.Options.Add(Url);
        root.Options.Add(OperatorKey);
        root.Options.Add(AgentKey);
        root.Options.Add(Json);
    }
}
