using System.CommandLine;
using Warden.Cli.Commands;

namespace Warden.Cli;

/// <summary>The <c>warden</c> command line: one command group per concern.</summary>
internal static class Program
{
    public static Task<int> Main(string[] args) => CreateRoot().Parse(args).InvokeAsync();

    /// <summary>The whole command tree (tests invoke it in-process).</summary>
    internal static RootCommand CreateRoot()
    {
        var root = new RootCommand("warden: operate Warden and author its Cedar policies");
        CliOptions.AddTo(root);
        root.Subcommands.Add(TenantCommands.Create());
        root.Subcommands.Add(AgentCommands.Create());
        root.Subcommands.Add(PolicyCommands.Create());
        root.Subcommands.Add(SessionCommands.Create());
        root.Subcommands.Add(ApprovalCommands.Create());
        root.Subcommands.Add(RevokeCommands.CreateRevoke());
        root.Subcommands.Add(RevokeCommands.CreateReactivate());
        root.Subcommands.Add(CedarCommands.Create());
        root.Subcommands.Add(LineageCommands.CreateAudit());
        root.Subcommands.Add(LineageCommands.CreateLineage());
        return root;
    }
}
